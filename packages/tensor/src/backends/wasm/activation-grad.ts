import type { ActivationGradOp } from '../../backend.js';
import { isFloat } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import { MIN_SIZE } from './elementwise.js';
import { beginCall, finish, isResident, stageContiguous, target } from './stage.js';

/** Op codes of assembly/activation-grad.ts. */
const CODES: Record<ActivationGradOp, number> = { sigmoid: 0, tanh: 1, relu: 2 };

/**
 * g·f′ of an activation in wasm (see Backend.activationGrad), or undefined when not handled
 * (small or non-contiguous operands): g and the saved value are copied in, the result out.
 */
export function wasmActivationGrad(
  ctx: WasmContext,
  op: ActivationGradOp,
  g: NDArray,
  saved: NDArray,
  out?: NDArray,
): NDArray | undefined {
  const dtype = g.dtype;
  if (!isFloat(dtype) || saved.dtype !== dtype || g.size < MIN_SIZE || !g.isContiguous || !saved.isContiguous)
    return undefined;
  const f64 = dtype === 'float64';
  const heap = beginCall(ctx.heap, [g, saved, out]);
  const G = stageContiguous(heap, g),
    S = stageContiguous(heap, saved);
  const n = g.size;
  const O = target(heap, out, n * (f64 ? 8 : 4), [g, saved], isResident(heap, g) ? undefined : G);
  (f64 ? heap.exports.activationGrad_f64 : heap.exports.activationGrad_f32)(CODES[op], n, G, S, O);
  return finish(heap, f64, O, n, g.shape, out);
}
