/**
 * Checkpoints in the safetensors format (https://github.com/huggingface/safetensors), which
 * PyTorch users exchange weights in: F64, F32, I32 and BOOL tensors with a string metadata map.
 * Writing takes Tensors (or NDArrays); reading returns Tensors.
 *
 * @example
 * ```ts
 * import { saveSafetensors, loadSafetensors } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * saveSafetensors('/tmp/w.safetensors', { w: randn([2, 3]) }, { note: 'demo' });
 * loadSafetensors('/tmp/w.safetensors').tensors.get('w');
 * ```
 */
export { CheckpointError, type CheckpointProblem } from './errors.js';
export { type TensorMap, MAX_HEADER_BYTES, encodeSafetensors } from './encode.js';
export { type DecodedSafetensors, decodeSafetensors } from './decode.js';
export { saveSafetensors, loadSafetensors } from './file.js';
export type { SafetensorsDType } from './dtypes.js';
