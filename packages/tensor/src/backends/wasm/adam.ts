import type { Backend } from '../../backend.js';
import { NDArray } from '../../ndarray.js';
import { shapesEqual } from '../../shape.js';
import { inBlocks } from './chunks.js';
import type { WasmContext } from './context.js';
import { beginCall, finish, inPlace, stageContiguous, stageCopy } from './stage.js';

/** Below this many elements the TypeScript loop wins (staging five arrays costs more than the step). */
export const ADAM_MIN_SIZE = 256;

/** Whether the kernel takes these operands: contiguous floats of p's dtype and shape (ops/adam.ts checks the rest). */
function fits(p: NDArray, operands: readonly NDArray[]): boolean {
  if (p.dtype !== 'float32' && p.dtype !== 'float64') return false;
  return operands.every((x) => x.dtype === p.dtype && shapesEqual(x.shape, p.shape) && x.isContiguous);
}

/**
 * One Adam step in wasm (see Backend.adamUpdate), or false when not handled (fewer than
 * ADAM_MIN_SIZE elements: the fallback's loop; operands that are not contiguous floats of one
 * dtype and shape, which the fallback reads as they are). Runs block by block (`inBlocks`, blocks
 * of at most half the context's `chunkElements`: five arrays are staged at once): per block g is
 * read where it is (resident) or copied in, and p, m, v (and vmax) are updated where they are or
 * copied in and back out after the kernel. A block the memory cannot hold is computed by
 * `fallback`, so a block is either written whole or not at all.
 */
export function wasmAdamUpdate(ctx: WasmContext, fallback: Backend, args: Parameters<Backend['adamUpdate']>): boolean {
  const [p, g, m, v, vmax, coefficients, c] = args;
  const arrays = vmax === undefined ? [p, g, m, v] : [p, g, m, v, vmax];
  if (p.size < ADAM_MIN_SIZE || !fits(p, arrays) || coefficients.dtype !== p.dtype) return false;
  const f64 = p.dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const cd = coefficients.data as Float32Array | Float64Array;
  const bc = cd[coefficients.offset]!;
  const step = cd[coefficients.offset + coefficients.strides[0]!]!;
  // the numbers as read now, for a block the fallback computes (a resident array's view could be stale)
  const coef = new NDArray(f64 ? Float64Array.of(bc, step) : Float32Array.of(bc, step), [2]);
  const run = f64 ? ctx.heap.exports.adam_f64 : ctx.heap.exports.adam_f32;
  inBlocks(
    'adamUpdate',
    p.dtype,
    p,
    arrays,
    Math.max(ADAM_MIN_SIZE, Math.floor(ctx.chunkElements / 2)),
    ([pb, gb, mb, vb, xb]) => {
      const written = xb === undefined ? [pb!, mb!, vb!] : [pb!, mb!, vb!, xb];
      const n = pb!.size;
      const heap = beginCall(ctx.heap, [...written, gb!]);
      const G = stageContiguous(heap, gb!);
      const at = written.map((x) => inPlace(heap, x, n * bytes, [gb!]) ?? stageCopy(heap, x));
      run(n, at[0]!, G, at[1]!, at[2]!, at[3] ?? 0, c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2, c.eps, bc, step);
      for (const [i, x] of written.entries()) finish(heap, f64, at[i]!, n, x.shape, x);
      return true;
    },
    ([pb, gb, mb, vb, xb]) => fallback.adamUpdate(pb!, gb!, mb!, vb!, xb, coef, c), // nothing of it was written
  );
  if (ctx.heap.oversized) ctx.settle();
  return true;
}
