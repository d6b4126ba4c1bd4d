/**
 * What a digit classifier is made of, and how that is written into (and read back from) the
 * `__metadata__` of its safetensors checkpoint, so that `eval` and `predict` can rebuild it.
 */
import { F } from '@chainrule/nn';
import { type Tensor, relu, sigmoid, tanh } from '@chainrule/autograd';
import { CliError } from '../errors.js';

/** Hidden-layer nonlinearities the CLI offers. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'elu', 'gelu', 'softplus'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** The two costs: the notes' quadratic cost on sigmoid outputs, or softmax cross-entropy on logits. */
export const LOSSES = ['mse', 'ce'] as const;
export type LossName = (typeof LOSSES)[number];

/** The function of each activation name. */
export const ACTIVATION_FUNCTIONS: Readonly<Record<ActivationName, (x: Tensor) => Tensor>> = {
  sigmoid: (x) => sigmoid(x),
  tanh: (x) => tanh(x),
  relu: (x) => relu(x),
  'leaky-relu': (x) => F.leakyRelu(x, 0.01),
  elu: (x) => F.elu(x, 1),
  gelu: (x) => F.gelu(x, 'none'),
  softplus: (x) => F.softplus(x, 1, 20),
};

/**
 * A fully connected classifier: inputs → hidden... → classes. With the quadratic cost the outputs
 * pass through a sigmoid (Nielsen's network); with cross-entropy they are logits.
 */
export interface Architecture {
  inputs: number;
  hidden: number[];
  classes: number;
  activation: ActivationName;
  /** `sigmoid` outputs (trained with mse) or raw `logits` (trained with ce). */
  output: 'sigmoid' | 'logits';
  /** Dropout probability after each hidden activation during training (0: none). */
  dropout: number;
}

/** The output layer that goes with a loss. */
export function outputFor(loss: LossName): Architecture['output'] {
  return loss === 'mse' ? 'sigmoid' : 'logits';
}

/** `784-30-10`. */
export function layerSizes(arch: Architecture): string {
  return [arch.inputs, ...arch.hidden, arch.classes].join('-');
}

/** The format tag in every checkpoint the CLI writes. */
export const CHECKPOINT_FORMAT = 'chainrule-mlp/1';

/** The architecture as safetensors metadata (strings only). */
export function architectureMetadata(arch: Architecture): Record<string, string> {
  return {
    format: CHECKPOINT_FORMAT,
    inputs: String(arch.inputs),
    hidden: arch.hidden.join(','),
    classes: String(arch.classes),
    activation: arch.activation,
    output: arch.output,
    dropout: String(arch.dropout),
  };
}

/**
 * Reads the architecture back from checkpoint metadata.
 * @throws CliError naming the checkpoint and the missing or invalid key.
 */
export function architectureFromMetadata(meta: Readonly<Record<string, string>>, source: string): Architecture {
  const bad = (detail: string): CliError => new CliError(`checkpoint '${source}' ${detail}`);
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw bad(
      meta.format === undefined
        ? `has no chainrule architecture in its metadata (expected format '${CHECKPOINT_FORMAT}'; ` +
            `was it written by 'chainrule train'? For a plain PyTorch state dict, give --activation and --loss)`
        : `has format '${meta.format}', expected '${CHECKPOINT_FORMAT}'`,
    );
  }
  const positive = (key: string): number => {
    const raw = meta[key];
    const v = Number(raw);
    if (raw === undefined || !Number.isInteger(v) || v < 1)
      throw bad(`has an invalid '${key}' in its metadata: '${raw ?? ''}'`);
    return v;
  };
  const hiddenRaw = meta.hidden ?? '';
  const hidden = hiddenRaw === '' ? [] : hiddenRaw.split(',').map(Number);
  if (hidden.some((h) => !Number.isInteger(h) || h < 1))
    throw bad(`has an invalid 'hidden' in its metadata: '${hiddenRaw}'`);
  const activation = meta.activation as ActivationName;
  if (!ACTIVATIONS.includes(activation))
    throw bad(`has an unknown activation '${meta.activation ?? ''}' (known: ${ACTIVATIONS.join(', ')})`);
  const output = meta.output;
  if (output !== 'sigmoid' && output !== 'logits')
    throw bad(`has an unknown output '${output ?? ''}' (expected sigmoid or logits)`);
  const dropout = Number(meta.dropout ?? '0');
  if (!(dropout >= 0 && dropout < 1)) throw bad(`has an invalid 'dropout' in its metadata: '${meta.dropout}'`);
  return { inputs: positive('inputs'), hidden, classes: positive('classes'), activation, output, dropout };
}
