// Two-lane (f64x2) versions of fdlibm's exp, expm1 and tanh (and of sigmoid on exp) for the common
// arguments, doing in each lane exactly the operations of the scalar ports (fdlibm-exp.ts) on that
// lane's branch, so the results are bit-identical to them. The scalar branches that differ only in how they get k
// (fdlibm computes k = ±1 directly for 0.5 ln2 < |x| < 1.5 ln2, and skips the reduction, k = 0, for
// |x| ≤ 0.5 ln2) give the same values as the general reduction k = trunc(x/ln2 ± 1/2), hi = x − k·ln2hi,
// lo = k·ln2lo (with k forced to 0 below 0.5 ln2); the branches on k after the polynomial are
// computed in every lane and selected. Callers check `…Covers` and use the scalar ports otherwise.
import { fromWords } from './fdlibm-bits';
import { add, div, intBitsOf, mul, pick, signBits, sp, sub } from './f64x2-ops';
import { INV_LN2, LN2_HI, LN2_LO, P1, P2, P3, P4, P5, Q1, Q2, Q3, Q4, Q5 } from './fdlibm-exp';

/** Smallest |x| fdlibm reduces (its test hx > 0x3fd62e42, about 0.5 ln2). */
// @ts-expect-error: decorator
@inline function reduceMin(): f64 { return fromWords(0x3fd62e43, 0); }

/**
 * k = trunc(x/ln2 ± 1/2) (fdlibm's `(int)(invln2*x + halF[xsb])`) where |x| > 0.5 ln2, 0 elsewhere;
 * as f64 lanes.
 */
// @ts-expect-error: decorator
@inline function reductionK(x: v128, ax: v128): v128 {
  const half = v128.or(sp(0.5), signBits(x)); // ±0.5 with x's sign
  const k = f64x2.trunc(add(mul(sp(INV_LN2), x), half));
  return v128.and(k, f64x2.ge(ax, sp(reduceMin())));
}

/** 2^k for integral f64 lanes -1022 ≤ k ≤ 1023: k's bits via 1.5·2^52 + k, moved into the exponent. */
// @ts-expect-error: decorator
@inline export function pow2Lanes(k: v128): v128 {
  return i64x2.shl(i64x2.add(intBitsOf(k), i64x2.splat(1023)), 52); // the offset's bits shift out
}

/**
 * Whether both lanes are in expVec's range: |x| < 708 (so −1021 ≤ k ≤ 1021, no overflow or subnormal result);
 * false for NaN.
 */
// @ts-expect-error: decorator
@inline export function expCovers(x: v128): bool {
  return i64x2.all_true(f64x2.lt(f64x2.abs(x), sp(708.0)));
}

/** e^x lane-wise, bit-identical to fdExp, for lanes with |x| < 708. */
// @ts-expect-error: decorator
@inline export function expVec(x: v128): v128 {
  const ax = f64x2.abs(x);
  const k = reductionK(x, ax);
  const hi = sub(x, mul(k, sp(LN2_HI)));
  const lo = mul(k, sp(LN2_LO));
  const r = sub(hi, lo);
  const t = mul(r, r);
  const c = sub(r, mul(t, add(sp(P1), mul(t, add(sp(P2), mul(t, add(sp(P3), mul(t, add(sp(P4), mul(t, sp(P5)))))))))));
  // k = 0 lanes: fdlibm's 1 − ((r·c)/(c − 2) − r) equals this with lo = 0, hi = r, times 2^0
  const y = sub(sp(1.0), sub(sub(lo, div(mul(r, c), sub(sp(2.0), c))), hi));
  let res = mul(y, pow2Lanes(k));
  res = pick(f64x2.lt(ax, sp(fromWords(0x3e300000, 0))), add(sp(1.0), x), res); // |x| < 2^-28: 1 + x
  return pick(f64x2.eq(x, sp(1.0)), sp(2.718281828459045), res); // V8's exp(1) = e
}

/** Whether both lanes are in expm1Vec's range: |x| < 700; false for NaN. */
// @ts-expect-error: decorator
@inline export function expm1Covers(x: v128): bool {
  return i64x2.all_true(f64x2.lt(f64x2.abs(x), sp(700.0)));
}

/**
 * e^x − 1 lane-wise, bit-identical to fdExpm1, for lanes with 2^-54 ≤ |x| < 700 and not
 * x ≤ −56 ln2 (the lanes fdExpm1 returns early); other lanes are unspecified.
 */
// @ts-expect-error: decorator
@inline function expm1Core(x: v128, ax: v128): v128 {
  const k = reductionK(x, ax);
  const hi = sub(x, mul(k, sp(LN2_HI)));
  const lo = mul(k, sp(LN2_LO));
  const r = sub(hi, lo);
  const c = sub(sub(hi, r), lo); // 0 where k = 0
  const hfx = mul(sp(0.5), r);
  const hxs = mul(r, hfx);
  const r1 = add(sp(1.0), mul(hxs, add(sp(Q1), mul(hxs, add(sp(Q2),
    mul(hxs, add(sp(Q3), mul(hxs, add(sp(Q4), mul(hxs, sp(Q5)))))))))));
  const t = sub(sp(3.0), mul(r1, hfx));
  const e = mul(hxs, div(sub(r1, t), sub(sp(6.0), mul(r, t))));
  const res0 = sub(r, sub(mul(r, e), hxs)); // k = 0
  const e2 = sub(sub(mul(r, sub(e, c)), c), hxs);
  const resM1 = sub(mul(sp(0.5), sub(r, e2)), sp(0.5)); // k = −1
  const resP1 = pick(f64x2.lt(r, sp(-0.25)), // k = 1
    mul(sp(-2.0), sub(e2, add(r, sp(0.5)))),
    add(sp(1.0), mul(sp(2.0), sub(r, e2))));
  const twopk = pow2Lanes(k);
  const twomk = pow2Lanes(f64x2.neg(k));
  const resFar = sub(mul(sub(sp(1.0), sub(e2, r)), twopk), sp(1.0)); // k ≤ −2 or k > 56
  const resSmall = mul(sub(sub(sp(1.0), twomk), sub(e2, r)), twopk); // 2 ≤ k < 20: (1 − 2^-k) − (e − r)
  const resMid = mul(add(sub(r, add(e2, twomk)), sp(1.0)), twopk); // 20 ≤ k ≤ 56
  let res = pick(f64x2.lt(k, sp(20.0)), resSmall, resMid);
  res = pick(v128.or(f64x2.le(k, sp(-2.0)), f64x2.gt(k, sp(56.0))), resFar, res);
  res = pick(f64x2.eq(k, sp(1.0)), resP1, res);
  res = pick(f64x2.eq(k, sp(-1.0)), resM1, res);
  return pick(f64x2.eq(k, sp(0.0)), res0, res);
}

/** e^x − 1 lane-wise, bit-identical to fdExpm1, for lanes with |x| < 700. */
// @ts-expect-error: decorator
@inline export function expm1Vec(x: v128): v128 {
  const ax = f64x2.abs(x);
  let res = expm1Core(x, ax);
  // x ≤ −56 ln2 (fdlibm: hx >= 0x4043687A, negative): −1
  const negBig = v128.and(f64x2.ge(ax, sp(fromWords(0x4043687A, 0))), f64x2.lt(x, sp(0.0)));
  res = pick(negBig, sp(-1.0), res);
  return pick(f64x2.lt(ax, sp(fromWords(0x3c900000, 0))), x, res); // |x| < 2^-54: x
}

/** Whether both lanes are in tanhVec's range: finite. */
// @ts-expect-error: decorator
@inline export function tanhCovers(x: v128): bool {
  return i64x2.all_true(f64x2.lt(f64x2.abs(x), sp(Infinity)));
}

/** tanh x lane-wise, bit-identical to fdTanh, for finite lanes. */
// @ts-expect-error: decorator
@inline export function tanhVec(x: v128): v128 {
  const ax = f64x2.abs(x);
  const big = f64x2.ge(ax, sp(1.0));
  // |x| ≥ 1: t = expm1(2|x|), 1 − 2/(t + 2); else t = expm1(−2|x|), −t/(t + 2)
  const arg = pick(big, mul(sp(2.0), ax), mul(sp(-2.0), ax));
  const t = expm1Core(arg, f64x2.abs(arg));
  const q = div(pick(big, sp(2.0), f64x2.neg(t)), add(t, sp(2.0))); // one division for both branches
  let z = pick(big, sub(sp(1.0), q), q);
  z = pick(f64x2.ge(ax, sp(22.0)), sp(1.0), z); // |x| ≥ 22: ±1
  const res = v128.xor(z, signBits(x)); // x < 0: −z
  return pick(f64x2.lt(ax, sp(fromWords(0x3e300000, 0))), x, res); // |x| < 2^-28: x
}

/** σ(x) lane-wise, bit-identical to the scalar sigmoid on fdExp, for lanes with |x| < 708. */
// @ts-expect-error: decorator
@inline export function sigmoidVec(x: v128): v128 {
  // x ≥ 0: 1/(1 + e^-x); x < 0: e^x/(1 + e^x); either way e = e^-|x|
  const e = expVec(f64x2.neg(f64x2.abs(x)));
  return div(pick(f64x2.ge(x, sp(0.0)), sp(1.0), e), add(sp(1.0), e));
}
