import type { Backend } from '../../backend.js';
import { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import { WasmMemoryFull } from './runtime.js';
import { beginCall, finish, inPlace, stageContiguous, stageCopy } from './stage.js';

/** Below this many elements the TypeScript loop wins (staging five arrays costs more than the step). */
export const ADAM_MIN_SIZE = 256;

/** Elements [start, start + n) of contiguous x, as a contiguous view of them. */
function part(x: NDArray, start: number, n: number): NDArray {
  return new NDArray(x.data, [n], [1], x.offset + start);
}

/** Whether the kernel takes these operands: contiguous floats of p's dtype and size (ops/adam.ts checks the rest). */
function fits(p: NDArray, operands: readonly (NDArray | undefined)[]): boolean {
  if (p.dtype !== 'float32' && p.dtype !== 'float64') return false;
  return operands.every((x) => x === undefined || (x.dtype === p.dtype && x.size === p.size && x.isContiguous));
}

/**
 * One Adam step in wasm (see Backend.adamUpdate), or false when not handled (fewer than
 * ADAM_MIN_SIZE elements: the fallback's loop; operands that are not contiguous floats of one
 * dtype and size, which the fallback reads as they are). Runs in
 * parts of at most half the context's `chunkElements` elements; per part g is read where it is
 * (resident) or copied in, and p, m, v (and vmax) are updated where they are or copied in and back
 * out after the kernel. A part the memory cannot hold is computed by `fallback`, so a part is either
 * written whole or not at all.
 */
export function wasmAdamUpdate(ctx: WasmContext, fallback: Backend, args: Parameters<Backend['adamUpdate']>): boolean {
  const [p, g, m, v, vmax, coefficients, c] = args;
  const size = p.size;
  if (size < ADAM_MIN_SIZE || !fits(p, [p, g, m, v, vmax]) || coefficients.dtype !== p.dtype) return false;
  const f64 = p.dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const cd = coefficients.data as Float32Array | Float64Array;
  const bc = cd[coefficients.offset]!;
  const step = cd[coefficients.offset + coefficients.strides[0]!]!;
  // the numbers as read now, for a part the fallback computes (a resident array's view could be stale)
  const coef = new NDArray(f64 ? Float64Array.of(bc, step) : Float32Array.of(bc, step), [2]);
  const run = f64 ? ctx.heap.exports.adam_f64 : ctx.heap.exports.adam_f32;
  const chunk = Math.max(ADAM_MIN_SIZE, Math.floor(ctx.chunkElements / 2));
  for (let start = 0; start < size; start += chunk) {
    const n = Math.min(chunk, size - start);
    const [pp, gp, mp, vp] = [p, g, m, v].map((x) => part(x, start, n)) as [NDArray, NDArray, NDArray, NDArray];
    const xp = vmax === undefined ? undefined : part(vmax, start, n);
    const written = xp === undefined ? [pp, mp, vp] : [pp, mp, vp, xp];
    try {
      const heap = beginCall(ctx.heap, [...written, gp]);
      const G = stageContiguous(heap, gp);
      const at = written.map((x) => inPlace(heap, x, n * bytes, [gp]) ?? stageCopy(heap, x));
      run(n, at[0]!, G, at[1]!, at[2]!, at[3] ?? 0, c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2, c.eps, bc, step);
      for (const [i, x] of written.entries()) finish(heap, f64, at[i]!, n, x.shape, x);
    } catch (e) {
      if (!(e instanceof WasmMemoryFull)) throw e;
      fallback.adamUpdate(pp, gp, mp, vp, xp, coef, c); // nothing of this part was written
    } finally {
      ctx.settle();
    }
  }
  return true;
}
