/**
 * The LSTM cell's pointwise part in one wasm call (assembly/lstm-cell.ts): gates and c copied in,
 * the seven planes out, with the TypeScript kernel's bits (its activations are the same math
 * kernels, its products and sums rounded alike). Declined where the math kernels disagree with
 * Math.* on this engine (see unary-math.ts), for small or non-contiguous operands, and past the
 * heap's block size; the caller then runs the TypeScript kernel.
 */
import { isFloat } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import { LSTM_CELL_PLANES as PLANES } from '../../ops/recurrent.js';
import type { WasmContext } from './context.js';
import { MIN_SIZE } from './elementwise.js';
import { beginCall, finish, stageContiguous, target } from './stage.js';
import { mathKernelAgrees } from './unary-math.js';

/** [7, ..., H] planes from gates [..., 4H] and c [..., H] (of one float dtype), or undefined when declined. */
export function wasmLstmCell(ctx: WasmContext, gates: NDArray, c: NDArray, out?: NDArray): NDArray | undefined {
  const dtype = c.dtype;
  if (!isFloat(dtype) || gates.dtype !== dtype || gates.size < MIN_SIZE || c.ndim === 0) return undefined;
  // staged: the gates (4 planes), c (1) and the result (7)
  if (!gates.isContiguous || !c.isContiguous || (4 + 1 + PLANES) * c.size > ctx.chunkElements) return undefined;
  // (probing resets the heap on first use: before anything is staged)
  if (!mathKernelAgrees(ctx.heap, 'sigmoid') || !mathKernelAgrees(ctx.heap, 'tanh')) return undefined;
  const f64 = dtype === 'float64';
  const hidden = c.shape[c.ndim - 1]!;
  const heap = beginCall(ctx.heap, [gates, c, out]);
  const G = stageContiguous(heap, gates),
    C = stageContiguous(heap, c);
  const n = PLANES * c.size;
  const O = target(heap, out, n * (f64 ? 8 : 4), [gates, c]);
  const scratch = heap.alloc(heap.exports.unaryMathScratchBytes());
  (f64 ? heap.exports.lstmCell_f64 : heap.exports.lstmCell_f32)(c.size / hidden, hidden, G, C, O, scratch);
  return finish(heap, f64, O, n, [PLANES, ...c.shape], out);
}
