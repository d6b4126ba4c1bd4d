/**
 * @chainrule/pytorch: hands a chainrule model to PyTorch. `toPyTorch(model, dir, options)` writes
 * model.py (a torch.nn.Module with the same state_dict keys), weights.safetensors and train.py (a
 * DistributedDataParallel script on the same loss and optimizer, for `torchrun --nproc_per_node N`).
 * @example
 * ```ts
 * import { Linear, Sequential } from '@chainrule/nn';
 * toPyTorch(new Sequential(new Linear(4, 2)), 'out/torch-model');
 * ```
 */
export { type PyTorchExport, type ToPyTorchOptions, pytorchSources, toPyTorch } from './export.js';
export { type ModelSourceOptions, type PythonForward, modelDtype, modelSource } from './model-code.js';
export { LAYER_TABLE, type TorchCall, torchCall } from './layers.js';
export { TORCH_LOSSES, type TorchLossName, optimizerSource, trainSource } from './train-code.js';
export type { PyValue } from './python.js';
