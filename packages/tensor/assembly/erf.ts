// erf as scalar-math.ts defines it (src/scalar-math.ts: the series of e^{-x²}·Σ below 3,
// the continued fraction of erfc above), on the fdExp port, so results are bit-identical to the
// TypeScript backend's; and a lane-wise version of the series for |x| < 3.
import { fdExp } from './fdlibm-exp';
import { expVec } from './fdlibm-exp-simd';
import { add, div, mul, pick, sp } from './f64x2-ops';

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const ONE_OVER_SQRT_PI: f64 = 0.5641895835477563;

/** erfc(x) for x ≥ 3 by its continued fraction (modified Lentz): scalar-math.ts's erfcLarge. */
function erfcLarge(x: f64): f64 {
  if (x > 27) return 0;
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0.0;
  for (let n = 1; n < 300; n++) {
    const a = <f64>n / 2.0;
    d = x + a * d;
    d = d == 0.0 ? tiny : d;
    c = x + a / c;
    c = c == 0.0 ? tiny : c;
    d = 1.0 / d;
    const delta = c * d;
    f *= delta;
    if (abs(delta - 1.0) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * fdExp(-x * x)) / f;
}

/** erf x: scalar-math.ts's erf, to about 1e-15. */
export function erf(x: f64): f64 {
  if (isNaN(x)) return x;
  const ax = abs(x);
  if (ax < 3) {
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (2.0 * x2) / <f64>(2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const r = TWO_OVER_SQRT_PI * fdExp(-x2) * sum;
    return x < 0 ? -r : r;
  }
  const r = 1.0 - erfcLarge(ax);
  return x < 0 ? -r : r;
}

/** Whether both lanes are in erfVec's range: |x| < 3 (the series); false for NaN. */
// @ts-expect-error: decorator
@inline export function erfCovers(x: v128): bool {
  return i64x2.all_true(f64x2.lt(f64x2.abs(x), sp(3.0)));
}

/**
 * erf lane-wise for |x| < 3 on four pairs at once (four independent chains through the series'
 * loop), bit-identical to erf: the same series, each lane's sum frozen once its own stopping test
 * has passed (the loop runs until all have). Writes the four results to dst, dst + 16, ….
 */
// @ts-expect-error: decorator
@inline export function erfVec4(x0: v128, x1: v128, x2: v128, x3: v128, dst: usize): void {
  const a0 = f64x2.abs(x0), a1 = f64x2.abs(x1), a2 = f64x2.abs(x2), a3 = f64x2.abs(x3);
  const q0 = mul(a0, a0), q1 = mul(a1, a1), q2 = mul(a2, a2), q3 = mul(a3, a3);
  const w0 = mul(sp(2.0), q0), w1 = mul(sp(2.0), q1), w2 = mul(sp(2.0), q2), w3 = mul(sp(2.0), q3);
  let t0 = a0, t1 = a1, t2 = a2, t3 = a3; // terms (keep going in finished lanes: only sums freeze)
  let s0 = a0, s1 = a1, s2 = a2, s3 = a3;
  let on0 = i64x2.splat(-1), on1 = on0, on2 = on0, on3 = on0;
  for (let n = 1; n < 200; n++) {
    const d = sp(<f64>(2 * n + 1));
    t0 = mul(t0, div(w0, d)); t1 = mul(t1, div(w1, d)); t2 = mul(t2, div(w2, d)); t3 = mul(t3, div(w3, d));
    const u0 = add(s0, t0), u1 = add(s1, t1), u2 = add(s2, t2), u3 = add(s3, t3);
    s0 = pick(on0, u0, s0); s1 = pick(on1, u1, s1); s2 = pick(on2, u2, s2); s3 = pick(on3, u3, s3);
    const eps = sp(1e-17);
    on0 = v128.andnot(on0, f64x2.lt(t0, mul(u0, eps)));
    on1 = v128.andnot(on1, f64x2.lt(t1, mul(u1, eps)));
    on2 = v128.andnot(on2, f64x2.lt(t2, mul(u2, eps)));
    on3 = v128.andnot(on3, f64x2.lt(t3, mul(u3, eps)));
    if (!v128.any_true(v128.or(v128.or(on0, on1), v128.or(on2, on3)))) break;
  }
  v128.store(dst, erfFinish(x0, q0, s0));
  v128.store(dst, erfFinish(x1, q1, s1), 16);
  v128.store(dst, erfFinish(x2, q2, s2), 32);
  v128.store(dst, erfFinish(x3, q3, s3), 48);
}

/** (2/√π)·e^{-x²}·sum, negated for x < 0 (not for −0). */
// @ts-expect-error: decorator
@inline function erfFinish(x: v128, x2: v128, sum: v128): v128 {
  const r = mul(mul(sp(TWO_OVER_SQRT_PI), expVec(f64x2.neg(x2))), sum);
  return pick(f64x2.lt(x, sp(0.0)), f64x2.neg(r), r);
}
