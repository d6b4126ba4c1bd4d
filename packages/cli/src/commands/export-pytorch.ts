/**
 * `chainrule export <checkpoint> --format pytorch <dir>`: a checkpoint as model.py,
 * weights.safetensors and a DistributedDataParallel train.py (see @chainrule/pytorch).
 */
import { type TorchLossName, toPyTorch } from '@chainrule/pytorch';
import { CliError } from '../errors.js';
import { type Io, println } from '../io.js';
import { type ActivationName, type Architecture, layerSizes } from '../model/architecture.js';
import type { LoadedModel } from '../model/checkpoint.js';
import { OPTIMIZERS, type OptimizerName, defaultLearningRate, makeOptimizer } from '../training/optimizers.js';

/** The hidden activation of each architecture, in PyTorch (the same constants as ACTIVATION_FUNCTIONS). */
const TORCH_ACTIVATIONS: Readonly<Record<ActivationName, string>> = {
  sigmoid: 'torch.sigmoid(h)',
  tanh: 'torch.tanh(h)',
  relu: 'F.relu(h)',
  'leaky-relu': 'F.leaky_relu(h, 0.01)',
  elu: 'F.elu(h, 1.0)',
  gelu: 'F.gelu(h)',
  softplus: 'F.softplus(h, 1, 20)',
};

/** The Python forward of the CLI's Mlp (layers fc1..fcN, dropout while training, sigmoid outputs). */
export function mlpForward(a: Architecture): string {
  const n = a.hidden.length + 1;
  const lines = ['def forward(self, x):', '    h = x'];
  for (let i = 1; i < n; i++) {
    lines.push(`    h = self.fc${i}(h)`, `    h = ${TORCH_ACTIVATIONS[a.activation]}`);
    if (a.dropout > 0) lines.push(`    h = F.dropout(h, ${a.dropout}, self.training)`);
  }
  lines.push(`    out = self.fc${n}(h)`, `    return ${a.output === 'sigmoid' ? 'torch.sigmoid(out)' : 'out'}`);
  return lines.join('\n');
}

/** Writes `loaded` (read from `path`) into `dir` for PyTorch; returns the exit code. */
export function exportPyTorch(path: string, dir: string, loaded: LoadedModel, io: Io): number {
  const { model, architecture, metadata } = loaded;
  const loss: TorchLossName =
    (metadata.loss ?? (architecture.output === 'sigmoid' ? 'mse' : 'ce')) === 'mse' ? 'quadraticCost' : 'crossEntropy';
  const name = (OPTIMIZERS as readonly string[]).includes(metadata.optimizer ?? '')
    ? (metadata.optimizer as OptimizerName)
    : 'sgd';
  const lr = Number(metadata.lr ?? Number.NaN);
  const optimizer = makeOptimizer(
    name,
    model.parameters(),
    Number.isFinite(lr) ? lr : defaultLearningRate(name, loss === 'quadraticCost' ? 'mse' : 'ce'),
  );
  try {
    toPyTorch(model, dir, { loss, optimizer, forwards: { Mlp: mlpForward(architecture) } });
  } catch (e) {
    throw new CliError(`cannot export ${path} to ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  println(io.stdout, `checkpoint: ${path}`);
  println(io.stdout, `model:      ${layerSizes(architecture)}, ${architecture.activation} hidden units`);
  println(io.stdout, `pytorch:    ${dir}/model.py, ${dir}/weights.safetensors, ${dir}/train.py (${name}, ${loss})`);
  if (Number(metadata.l2 ?? 0) > 0)
    println(io.stdout, `note:       train.py has no L2 term (the checkpoint's l2 ${metadata.l2})`);
  println(
    io.stdout,
    `train:      torchrun --nproc_per_node 2 ${dir}/train.py --data data.safetensors ` +
      `(x [n, ${architecture.inputs}], y [n] labels)`,
  );
  return 0;
}
