import type { AdamConstants, Backend } from '../../backend.js';
import type { NDArray } from '../../ndarray.js';

/** The per-element loop's operands: element offsets into each array's data. */
interface Operands<A> {
  p: A;
  po: number;
  g: A;
  go: number;
  m: A;
  mo: number;
  v: A;
  vo: number;
  vmax: A | undefined;
  xo: number;
}

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
  if (p.dtype === 'float32') adamF32(operands(p, g, m, v, vmax), p.size, constants, bc, step);
  else adamF64(operands(p, g, m, v, vmax), p.size, constants, bc, step);
};

/** The arrays' data (of element type A) and offsets. */
function operands<A>(p: NDArray, g: NDArray, m: NDArray, v: NDArray, vmax: NDArray | undefined): Operands<A> {
  const data = (x: NDArray): A => x.data as unknown as A;
  return {
    p: data(p),
    po: p.offset,
    g: data(g),
    go: g.offset,
    m: data(m),
    mo: m.offset,
    v: data(v),
    vo: v.offset,
    vmax: vmax === undefined ? undefined : data(vmax),
    xo: vmax?.offset ?? 0,
  };
}

// One monomorphic loop per dtype (a loop over a union of typed arrays runs several times slower).
function adamF32(o: Operands<Float32Array>, n: number, c: AdamConstants, bc: number, step: number): void {
  const f = Math.fround;
  const b1 = f(c.beta1),
    k1 = f(1 - c.beta1),
    b2 = f(c.beta2),
    k2 = f(1 - c.beta2),
    eps = f(c.eps);
  const { p, g, m, v, vmax } = o;
  for (let i = 0; i < n; i++) {
    const gi = g[o.go + i]!;
    const mi = f(f(m[o.mo + i]! * b1) + f(gi * k1));
    let vi = f(f(v[o.vo + i]! * b2) + f(f(gi * gi) * k2));
    m[o.mo + i] = mi;
    v[o.vo + i] = vi;
    if (vmax !== undefined) {
      vi = Math.max(vmax[o.xo + i]!, vi);
      vmax[o.xo + i] = vi;
    }
    const den = f(f(f(Math.sqrt(vi)) / bc) + eps);
    p[o.po + i] = p[o.po + i]! + f(f(mi / den) * step);
  }
}

function adamF64(o: Operands<Float64Array>, n: number, c: AdamConstants, bc: number, step: number): void {
  const b1 = c.beta1,
    k1 = 1 - c.beta1,
    b2 = c.beta2,
    k2 = 1 - c.beta2,
    eps = c.eps;
  const { p, g, m, v, vmax } = o;
  for (let i = 0; i < n; i++) {
    const gi = g[o.go + i]!;
    const mi = m[o.mo + i]! * b1 + gi * k1;
    let vi = v[o.vo + i]! * b2 + gi * gi * k2;
    m[o.mo + i] = mi;
    v[o.vo + i] = vi;
    if (vmax !== undefined) {
      vi = Math.max(vmax[o.xo + i]!, vi);
      vmax[o.xo + i] = vi;
    }
    const den = Math.sqrt(vi) / bc + eps;
    p[o.po + i] = p[o.po + i]! + (mi / den) * step;
  }
}

/** The optimizer-step kernel of the reference backend. */
export const adamFamily = { adamUpdate } satisfies Partial<Backend>;
