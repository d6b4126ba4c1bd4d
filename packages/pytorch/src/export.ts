/** toPyTorch: a chainrule model as a directory PyTorch trains with DistributedDataParallel. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AnyModule, type Hyperparameters, ModuleError, type Optimizer, saveSafetensors } from '@chainrule/nn';
import { type ModelSourceOptions, modelSource } from './model-code.js';
import { type TorchLossName, trainSource } from './train-code.js';

/** Options of `toPyTorch` and `pytorchSources`. */
export interface ToPyTorchOptions extends ModelSourceOptions {
  /** The loss train.py minimizes, by the name of chainrule's function (default 'crossEntropy'). */
  loss?: TorchLossName;
  /** The optimizer whose kind (SGD, Adam, AdamW) and hyperparameters train.py uses (default SGD, lr 0.01). */
  optimizer?: Optimizer<never> | Optimizer<Hyperparameters>;
}

/** The files `toPyTorch` writes, by name, with their paths. */
export interface PyTorchExport {
  dir: string;
  model: string;
  weights: string;
  train: string;
}

const KNOWN = ['loss', 'optimizer', 'forwards'];

function checkKnown(options: object): void {
  const unknown = Object.keys(options).filter((k) => !KNOWN.includes(k));
  if (unknown.length > 0) {
    throw new ModuleError('toPyTorch', `unknown option(s) ${unknown.join(', ')} (expected ${KNOWN.join(', ')})`);
  }
}

/**
 * The sources of model.py and train.py for `model`, without writing anything.
 * @throws ModuleError naming the module path and class of a module with no PyTorch form, an
 * unknown loss, or an optimizer train.py cannot write.
 * @example
 * ```ts
 * import { Linear, Sequential, SGD } from '@chainrule/nn';
 * const net = new Sequential(new Linear(4, 2));
 * const optimizer = new SGD(net.parameters(), { lr: 0.1 });
 * const { modelPy, trainPy } = pytorchSources(net, { loss: 'mseLoss', optimizer });
 * trainPy.includes('torch.optim.SGD(params, lr=0.1'); // true
 * ```
 */
export function pytorchSources(model: AnyModule, options: ToPyTorchOptions = {}): { modelPy: string; trainPy: string } {
  checkKnown(options);
  const trainPy = trainSource(options.loss ?? 'crossEntropy', options.optimizer);
  return { modelPy: modelSource(model, { forwards: options.forwards }), trainPy };
}

/**
 * Writes `model.py` (a torch.nn.Module whose state_dict keys and layouts match `model`'s),
 * `weights.safetensors` (`model.stateDict()`) and `train.py` (DistributedDataParallel on the same
 * loss and optimizer, for `torchrun --nproc_per_node N train.py --data data.safetensors`) into `dir`
 * (made if missing). Nothing is written when the model cannot be exported.
 * @throws ModuleError as `pytorchSources`.
 * @example
 * ```ts
 * import { Linear, ReLU, Sequential, Adam } from '@chainrule/nn';
 * const net = new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
 * toPyTorch(net, 'out/mnist-torch', { loss: 'crossEntropy', optimizer: new Adam(net.parameters(), { lr: 1e-3 }) });
 * // then: cd out/mnist-torch && torchrun --nproc_per_node 2 train.py --data train.safetensors
 * ```
 */
export function toPyTorch(model: AnyModule, dir: string, options: ToPyTorchOptions = {}): PyTorchExport {
  const { modelPy, trainPy } = pytorchSources(model, options);
  mkdirSync(dir, { recursive: true });
  const out: PyTorchExport = {
    dir,
    model: join(dir, 'model.py'),
    weights: join(dir, 'weights.safetensors'),
    train: join(dir, 'train.py'),
  };
  saveSafetensors(out.weights, model.stateDict(), { format: 'pt' });
  for (const [path, text] of [
    [out.model, modelPy],
    [out.train, trainPy],
  ] as const) {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  }
  return out;
}
