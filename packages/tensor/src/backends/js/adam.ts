import type { AdamConstants, Backend } from '../../backend.js';
import type { NDArray } from '../../ndarray.js';

/**
 * One Adam step in place (Backend.adamUpdate), the reference: each product, sum, quotient, root
 * and maximum of the unfused ops rounded to the dtype in their order (Math.fround after each float32
 * op: float64 arithmetic on float32 values, rounded once, is the float32 op), Math.max as `maximum`.
 * The caller (ops/adam.ts) has checked the operands: contiguous floats of one shape and dtype.
 */
export const adamUpdate: Backend['adamUpdate'] = (p, g, m, v, vmax, coefficients, constants) => {
  const c = coefficients.data as Float32Array | Float64Array;
  const bc = c[coefficients.offset]!;
  const step = c[coefficients.offset + coefficients.strides[0]!]!;
  // each array's own elements, from index 0 (all are contiguous, of p's size)
  const own = <A>(x: NDArray): A => x.data.subarray(x.offset, x.offset + x.size) as unknown as A;
  const arrays = <A>(): Operands<A> => [own(p), own(g), own(m), own(v), vmax === undefined ? undefined : own(vmax)];
  if (p.dtype === 'float32') adamF32(arrays<Float32Array>(), constants, bc, step);
  else adamF64(arrays<Float64Array>(), constants, bc, step);
};

/** p, g, m, v and vmax (or undefined), each its array's own elements. */
type Operands<A> = [p: A, g: A, m: A, v: A, vmax: A | undefined];

// One monomorphic loop per dtype (a loop over a union of typed arrays runs several times slower).
function adamF32([p, g, m, v, vmax]: Operands<Float32Array>, c: AdamConstants, bc: number, step: number): void {
  const f = Math.fround;
  const b1 = f(c.beta1),
    k1 = f(1 - c.beta1),
    b2 = f(c.beta2),
    k2 = f(1 - c.beta2),
    eps = f(c.eps);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    const mi = f(f(m[i]! * b1) + f(gi * k1));
    let vi = f(f(v[i]! * b2) + f(f(gi * gi) * k2));
    m[i] = mi;
    v[i] = vi;
    if (vmax !== undefined) {
      vi = Math.max(vmax[i]!, vi);
      vmax[i] = vi;
    }
    const den = f(f(f(Math.sqrt(vi)) / bc) + eps);
    p[i] = p[i]! + f(f(mi / den) * step);
  }
}

function adamF64([p, g, m, v, vmax]: Operands<Float64Array>, c: AdamConstants, bc: number, step: number): void {
  const b1 = c.beta1,
    k1 = 1 - c.beta1,
    b2 = c.beta2,
    k2 = 1 - c.beta2,
    eps = c.eps;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    const mi = m[i]! * b1 + gi * k1;
    let vi = v[i]! * b2 + gi * gi * k2;
    m[i] = mi;
    v[i] = vi;
    if (vmax !== undefined) {
      vi = Math.max(vmax[i]!, vi);
      vmax[i] = vi;
    }
    const den = Math.sqrt(vi) / bc + eps;
    p[i] = p[i]! + (mi / den) * step;
  }
}

/** The optimizer-step kernel of the reference backend. */
export const adamFamily = { adamUpdate } satisfies Partial<Backend>;
