// Two-lane (f64x2) versions of fdlibm's log and log1p for the common arguments, doing in each lane
// exactly the operations of the scalar ports (fdlibm-log.ts) on that lane's branch: the word
// manipulations on i64 lanes, every branch's formula computed and the lane's one selected, so the
// results are bit-identical to them. Callers check `…Covers` and use the scalar ports otherwise.
import { fromWords } from './fdlibm-bits';
import { LN2_HI, LN2_LO } from './fdlibm-exp';
import { LG1, LG2, LG3, LG4, LG5, LG6, LG7 } from './fdlibm-log';
import { add, div, mul, pick, sp, sub, toF64 } from './f64x2-ops';
import { expCovers, expVec } from './fdlibm-exp-simd';

// @ts-expect-error: decorator
@inline function isp(x: i64): v128 { return i64x2.splat(x); }
/** x with each lane's high word replaced by the low 32 bits of `hi`'s lane. */
// @ts-expect-error: decorator
@inline function withHigh(x: v128, hi: v128): v128 {
  return v128.or(v128.and(x, isp(0xFFFFFFFF)), i64x2.shl(hi, 32));
}

/**
 * Whether both lanes are in logVec's range: 2^-1022 ≤ x < ∞ (positive, normal; false for NaN), and
 * not within 2^-20 of a power of two (fdlibm's branch for |f| < 2^-20, left to the scalar port).
 */
// @ts-expect-error: decorator
@inline export function logCovers(x: v128): bool {
  const hx = v128.and(i64x2.shr_u(x, 32), isp(0x000fffff));
  const near1 = i64x2.lt_s(v128.and(i64x2.add(hx, isp(2)), isp(0x000fffff)), isp(3));
  const normal = v128.and(f64x2.ge(x, sp(fromWords(0x00100000, 0))), f64x2.lt(x, sp(Infinity)));
  return i64x2.all_true(v128.andnot(normal, near1));
}

/** ln x lane-wise, bit-identical to fdLog, for the lanes logCovers accepts. */
// @ts-expect-error: decorator
@inline export function logVec(x: v128): v128 {
  const hx0 = i64x2.shr_u(x, 32); // high word (positive here; shr_u: x64 has no 64-bit arithmetic shift before AVX-512)
  let k = i64x2.sub(i64x2.shr_u(hx0, 20), isp(1023));
  const hx = v128.and(hx0, isp(0x000fffff));
  const i = v128.and(i64x2.add(hx, isp(0x95f64)), isp(0x100000));
  const xn = withHigh(x, v128.or(hx, v128.xor(i, isp(0x3ff00000)))); // normalize x or x/2
  k = i64x2.add(k, i64x2.shr_u(i, 20));
  const f = sub(xn, sp(1.0));
  const dk = toF64(k);
  const k0 = i64x2.eq(k, isp(0));
  const khi = mul(dk, sp(LN2_HI)), klo = mul(dk, sp(LN2_LO));
  // the polynomial
  const s = div(f, add(sp(2.0), f));
  const z = mul(s, s);
  const w = mul(z, z);
  const t1 = mul(w, add(sp(LG2), mul(w, add(sp(LG4), mul(w, sp(LG6))))));
  const t2 = mul(z, add(sp(LG1), mul(w, add(sp(LG3), mul(w, add(sp(LG5), mul(w, sp(LG7))))))));
  const R = add(t2, t1);
  // fdlibm's i = (hx − 0x6147a) | (0x6b851 − hx) > 0: f far from 0, use hfsq
  const far = i64x2.gt_s(v128.or(i64x2.sub(hx, isp(0x6147a)), i64x2.sub(isp(0x6b851), hx)), isp(0));
  const hfsq = mul(mul(sp(0.5), f), f);
  const sR = mul(s, add(hfsq, R));
  const resFar = pick(k0, sub(f, sub(hfsq, sR)), sub(khi, sub(sub(hfsq, add(sR, klo)), f)));
  const sfR = mul(s, sub(f, R));
  const resClose = pick(k0, sub(f, sfR), sub(khi, sub(sub(sfR, klo), f)));
  return pick(far, resFar, resClose);
}

/** Whether both lanes are in log1pVec's range: −1 < x < 2^53; false for NaN. */
// @ts-expect-error: decorator
@inline export function log1pCovers(x: v128): bool {
  return i64x2.all_true(v128.and(f64x2.gt(x, sp(-1.0)), f64x2.lt(x, sp(9007199254740992.0))));
}

/** ln(1 + x) lane-wise, bit-identical to fdLog1p, for lanes with −1 < x < 2^53. */
// @ts-expect-error: decorator
@inline export function log1pVec(x: v128): v128 {
  const hx = i64x2.shr_u(x, 32); // high word, unsigned
  // fdlibm takes f = x, k = 0 for √2/2 − 1 <= x < √2 − 1: its signed test hx < 0x3FDA827A && (hx > 0 ||
  // hx <= (int)0xbfd2bec4) is, on the unsigned word, 0 < hx < 0x3FDA827A or 0x80000000 <= hx <= 0xbfd2bec4
  const direct = v128.or(
    v128.and(i64x2.gt_s(hx, isp(0)), i64x2.lt_s(hx, isp(0x3FDA827A))),
    v128.and(i64x2.ge_s(hx, isp(0x80000000)), i64x2.le_s(hx, isp(0xbfd2bec4))));
  // else u = 1 + x = 2^k·(1 + f), with the rounding error of u as c/u
  const u = add(sp(1.0), x);
  const hu0 = i64x2.shr_u(u, 32); // u > 0
  let k = i64x2.sub(i64x2.shr_u(hu0, 20), isp(1023));
  let c = pick(i64x2.gt_s(k, isp(0)), sub(sp(1.0), sub(u, x)), sub(x, sub(u, sp(1.0))));
  c = div(c, u);
  let hu = v128.and(hu0, isp(0x000fffff));
  const lowHalf = i64x2.lt_s(hu, isp(0x6a09e)); // u ~< √2: normalize u, else u/2
  const un = withHigh(u, v128.or(hu, pick(lowHalf, isp(0x3ff00000), isp(0x3fe00000))));
  k = pick(lowHalf, k, i64x2.add(k, isp(1)));
  hu = pick(lowHalf, hu, i64x2.shr_u(i64x2.sub(isp(0x00100000), hu), 2));
  const f = pick(direct, x, sub(un, sp(1.0)));
  k = v128.andnot(k, direct); // k = 0 for direct lanes
  hu = pick(direct, isp(1), hu);
  const dk = toF64(k);
  const k0 = i64x2.eq(k, isp(0));
  const khi = mul(dk, sp(LN2_HI));
  const kloc = add(mul(dk, sp(LN2_LO)), c);
  const hfsq = mul(mul(sp(0.5), f), f);
  // |f| < 2^-20 (hu = 0)
  const nearZero = pick(k0, sp(0.0), add(khi, add(c, mul(dk, sp(LN2_LO))))); // f = 0: c += k·ln2lo; k·ln2hi + c
  const Rn = mul(hfsq, sub(sp(1.0), mul(sp(0.66666666666666666), f)));
  let near = pick(k0, sub(f, Rn), sub(khi, sub(sub(Rn, kloc), f)));
  near = pick(f64x2.eq(f, sp(0.0)), nearZero, near);
  // the polynomial
  const s = div(f, add(sp(2.0), f));
  const z = mul(s, s);
  const R = mul(z, add(sp(LG1), mul(z, add(sp(LG2), mul(z, add(sp(LG3), mul(z, add(sp(LG4),
    mul(z, add(sp(LG5), mul(z, add(sp(LG6), mul(z, sp(LG7))))))))))))));
  const sR = mul(s, add(hfsq, R));
  const res = pick(k0, sub(f, sub(hfsq, sR)), sub(khi, sub(sub(hfsq, add(sR, kloc)), f)));
  let out = pick(i64x2.eq(hu, isp(0)), near, res);
  // |x| < 2^-29: x − x²/2, and x itself below 2^-54
  const ax = f64x2.abs(x);
  out = pick(f64x2.lt(ax, sp(fromWords(0x3e200000, 0))), sub(x, mul(mul(x, x), sp(0.5))), out);
  return pick(f64x2.lt(ax, sp(fromWords(0x3c900000, 0))), x, out);
}

/** Whether both lanes are in softplusVec's range: |x| < 708 (that of e^-|x|); false for NaN. */
// @ts-expect-error: decorator
@inline export function softplusCovers(x: v128): bool {
  return expCovers(x);
}

/** max(x, 0) + log1p(e^-|x|) lane-wise, bit-identical to the scalar softplus, for |x| < 708. */
// @ts-expect-error: decorator
@inline export function softplusVec(x: v128): v128 {
  const e = expVec(f64x2.neg(f64x2.abs(x))); // in (0, 1]: log1pVec's range
  return add(f64x2.max(x, sp(0.0)), log1pVec(e));
}
