import { type FloatArray, isFloat } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import type { ActivationGradOp } from '../../ops/activation-grad.js';
import type { WasmContext } from './context.js';
import { MIN_SIZE, stageDense } from './elementwise.js';

/** Op codes of assembly/activation-grad.ts. */
const CODES: Record<ActivationGradOp, number> = { sigmoid: 0, tanh: 1, relu: 2 };

/**
 * g·f′ of an activation in wasm (see Backend.activationGrad), or undefined when not handled
 * (small or non-contiguous operands): g and the saved value are copied in, the result out.
 */
export function wasmActivationGrad(ctx: WasmContext, op: ActivationGradOp, g: NDArray, saved: NDArray): NDArray | undefined {
  const dtype = g.dtype;
  if (!isFloat(dtype) || saved.dtype !== dtype || g.size < MIN_SIZE || !g.isContiguous || !saved.isContiguous) return undefined;
  const f64 = dtype === 'float64';
  const heap = ctx.heap;
  heap.reset();
  try {
    const G = stageDense(ctx, g)!, S = stageDense(ctx, saved)!;
    const n = g.size;
    (f64 ? heap.exports.activationGrad_f64 : heap.exports.activationGrad_f32)(CODES[op], n, G, S, G);
    const view: FloatArray = f64 ? heap.viewF64() : heap.viewF32();
    const start = G / (f64 ? 8 : 4);
    return new NDArray(view.slice(start, start + n), [...g.shape]);
  } finally {
    heap.reset();
  }
}
