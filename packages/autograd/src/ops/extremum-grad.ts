import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';

/**
 * The gradient of a max/min reduction over one axis, in one pass over x (max pooling's backward):
 * g·[x = out] / #{x = out in the slice}, written exactly as the recorded chain
 * div(mul(g, eq(x, out)), sum(eq(x, out))) computes it — including ±0 and NaN — so the results are
 * bit-identical; ties split the gradient evenly. `out` and `g` have x's shape with 1 at `axis`.
 * Returns undefined where the chain is needed (non-float or mixed dtypes).
 * @example
 * ```ts
 * import { array } from '@chainrule/tensor';
 * oneAxisExtremumGrad(array([[1, 3, 3]]), array([[3]]), array([[1]]), 1); // [[0, 0.5, 0.5]]
 * ```
 */
export function oneAxisExtremumGrad(x: NDArray, out: NDArray, g: NDArray, axis: number): NDArray | undefined {
  const dtype = x.dtype;
  if ((dtype !== 'float32' && dtype !== 'float64') || g.dtype !== dtype || out.dtype !== dtype) return undefined;
  return T.hostKernel('extremumGrad', extremumGrad, x, out, g, axis); // compile records it as a kernel
}

/** The one pass of `oneAxisExtremumGrad` (float arrays of one dtype). */
function extremumGrad(x: NDArray, out: NDArray, g: NDArray, axis: number): NDArray {
  const dtype = x.dtype as 'float32' | 'float64';
  const xc = x.contiguous(),
    oc = out.contiguous(),
    gc = g.contiguous();
  const shape = x.shape;
  let outer = 1,
    inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const r = shape[axis]!;
  const res = T.allocate(dtype, x.size);
  const xd = xc.data,
    od = oc.data,
    gd = gc.data;
  const xo = xc.offset,
    oo = oc.offset,
    go = gc.offset;
  const counts = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const kept = o * inner,
      base = o * r * inner;
    counts.fill(0);
    for (let j = 0; j < r; j++) {
      const row = base + j * inner;
      for (let i = 0; i < inner; i++) if (xd[xo + row + i] === od[oo + kept + i]) counts[i]!++;
    }
    for (let j = 0; j < r; j++) {
      const row = base + j * inner;
      for (let i = 0; i < inner; i++) {
        const gv = gd[go + kept + i]!;
        res[row + i] = (xd[xo + row + i] === od[oo + kept + i] ? gv : gv * 0) / counts[i]!;
      }
    }
  }
  return new T.NDArray(res, [...shape]);
}
