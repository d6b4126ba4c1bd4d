// One Adam step in place (Backend.adamUpdate), generic over f32 / f64, with the bits of the unfused
// ops the TypeScript reference spells out (src/backends/js/adam.ts): every product, sum, quotient,
// square root and maximum rounded to T on its own (no fused multiply-add), in the same order, L
// lanes at a time (each lane as the scalar loop computes it).

/**
 * m ← m·β₁ + g·(1 − β₁); v ← v·β₂ + (g·g)·(1 − β₂); with `vmax` (not 0) vmax ← max(vmax, v), read
 * instead of v; p ← p + (m / (√v / bc + ε))·step, over n elements of each contiguous array.
 */
export function adamUpdate<T>(
  n: i32, p: usize, g: usize, m: usize, v: usize, vmax: usize,
  beta1: T, keep1: T, beta2: T, keep2: T, eps: T, bc: T, step: T,
): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  const b1 = v128.splat<T>(beta1), k1 = v128.splat<T>(keep1), b2 = v128.splat<T>(beta2), k2 = v128.splat<T>(keep2);
  const ev = v128.splat<T>(eps), bv = v128.splat<T>(bc), sv = v128.splat<T>(step);
  let j = 0;
  for (; j + L <= n; j += L) {
    const o = <usize>j * sz;
    const gj = v128.load(g + o);
    const mj = v128.add<T>(v128.mul<T>(v128.load(m + o), b1), v128.mul<T>(gj, k1));
    let vj = v128.add<T>(v128.mul<T>(v128.load(v + o), b2), v128.mul<T>(v128.mul<T>(gj, gj), k2));
    v128.store(m + o, mj);
    v128.store(v + o, vj);
    if (vmax != 0) {
      vj = v128.max<T>(v128.load(vmax + o), vj);
      v128.store(vmax + o, vj);
    }
    const den = v128.add<T>(v128.div<T>(v128.sqrt<T>(vj), bv), ev);
    v128.store(p + o, v128.add<T>(v128.load(p + o), v128.mul<T>(v128.div<T>(mj, den), sv)));
  }
  for (; j < n; j++) {
    const o = <usize>j * sz;
    const gj = load<T>(g + o);
    const mj: T = load<T>(m + o) * beta1 + gj * keep1;
    let vj: T = load<T>(v + o) * beta2 + gj * gj * keep2;
    store<T>(m + o, mj);
    store<T>(v + o, vj);
    if (vmax != 0) {
      vj = max<T>(load<T>(vmax + o), vj);
      store<T>(vmax + o, vj);
    }
    const den: T = sqrt<T>(vj) / bc + eps;
    store<T>(p + o, load<T>(p + o) + (mj / den) * step);
  }
}
