/**
 * Checkpoints in the safetensors format (https://github.com/huggingface/safetensors), which
 * PyTorch users exchange weights in: every dtype of the format but F4, F6 and C64 is read
 * (narrow floats widen to float32, integers narrow to int32 with a range check); F64, F32, I32,
 * BOOL and I64 (`num_batches_tracked`) are written, with a string metadata map.
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
export { type EncodeOptions, type TensorMap, MAX_HEADER_BYTES, encodeSafetensors } from './encode.js';
export { type DecodedSafetensors, decodeSafetensors } from './decode.js';
export { saveSafetensors, loadSafetensors } from './file.js';
export type { SafetensorsDType, WritableDType } from './dtypes.js';
