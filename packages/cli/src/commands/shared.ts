import { UsageError } from '../args.js';
import { CliError } from '../errors.js';
import { IMAGE_SIZE, type MnistData, type MnistSplit, mnistSplit } from '../mnist.js';
import { ACTIVATIONS, type Architecture, LOSSES } from '../model/architecture.js';
import type { ArchitectureFlags } from '../model/plain-state-dict.js';

/** The parts of the split a command can look at. */
export const SPLIT_PARTS = ['test', 'val', 'train'] as const;
export type SplitPart = (typeof SPLIT_PARTS)[number];

/** The split seed to use: the flag when given (not NaN), else the checkpoint's, else 0. */
export function splitSeedOf(flag: number, metadata: Readonly<Record<string, string>>): number {
  if (!Number.isNaN(flag)) return flag;
  const saved = Number(metadata.split_seed ?? '0');
  return Number.isInteger(saved) ? saved : 0;
}

/**
 * A warning when `seed` is not the split the checkpoint was trained with: that split's test
 * digits may include digits the model trained on, so its accuracy would be flattering.
 */
export function splitSeedWarning(seed: number, metadata: Readonly<Record<string, string>>): string | undefined {
  const saved = metadata.split_seed;
  if (saved === undefined || Number(saved) === seed) return undefined;
  return (
    `note: the checkpoint was trained on split seed ${saved}; ` +
    `split seed ${seed} mixes its training digits into every part`
  );
}

/** One part of the split with `seed`. */
export function splitPart(seed: number, part: SplitPart): { data: MnistData; split: MnistSplit } {
  const split = mnistSplit(seed);
  return { data: split[part], split };
}

/** Exactly `names.length` positional arguments, or a usage error naming the first missing one. */
export function expectPositionals(command: string, positional: readonly string[], names: readonly string[]): string[] {
  if (positional.length < names.length)
    throw new UsageError(`missing <${names[positional.length]}> (see chainrule ${command} --help)`);
  if (positional.length > names.length)
    throw new UsageError(`unexpected argument '${positional[names.length]}' (see chainrule ${command} --help)`);
  return [...positional];
}

/** The number of classes of MNIST: the digits 0 to 9. */
export const MNIST_CLASSES = 10;

/** A model for MNIST takes the digits' 784 pixels and gives one output per digit class. */
export function checkMnistModel(architecture: Architecture, path: string): void {
  if (architecture.inputs !== IMAGE_SIZE)
    throw new CliError(
      `checkpoint '${path}' expects ${architecture.inputs} inputs, but MNIST digits have ${IMAGE_SIZE} pixels`,
    );
  if (architecture.classes !== MNIST_CLASSES)
    throw new CliError(
      `checkpoint '${path}' has ${architecture.classes} output classes, but MNIST digits have ${MNIST_CLASSES} (0-9)`,
    );
}

/** Flags of eval and predict that describe a plain PyTorch state dict (one without chainrule metadata). */
export const PLAIN_STATE_DICT_FLAGS = {
  activation: {
    kind: 'choice',
    default: '',
    defaultText: "the checkpoint's",
    choices: ACTIVATIONS,
    help: 'for a plain PyTorch state dict: the hidden-layer activation',
  },
  loss: {
    kind: 'choice',
    default: '',
    defaultText: "the checkpoint's",
    choices: LOSSES,
    help: 'for a plain PyTorch state dict: mse (sigmoid outputs) or ce (logits)',
  },
  hidden: {
    kind: 'intList',
    default: [],
    defaultText: 'the weight shapes',
    help: 'for a plain PyTorch state dict: hidden sizes to check against the weights',
  },
} as const;

/** The architecture flags out of parsed flags. */
export function architectureFlags(flags: { activation: string; loss: string; hidden: number[] }): ArchitectureFlags {
  return {
    activation: flags.activation as ArchitectureFlags['activation'],
    loss: flags.loss as ArchitectureFlags['loss'],
    hidden: flags.hidden,
  };
}
