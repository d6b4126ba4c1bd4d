// float32 sigmoid and tanh, sixteen elements at a time, with the bits of unary-math.ts's fdlibm path
// (each element computed in f64 by the fdlibm port, rounded once to f32) at about a third (tanh) and
// three quarters (sigmoid) of its cost. Each lane's y is computed in f64 through a degree-10
// polynomial for e^r, with a relative error below 2^-42 (fdlibm's own is below 2^-51), and kept only
// where y·(1 − 2^-40) and y·(1 + 2^-40) round to the same float32: fdlibm's f64 result lies between
// them, and rounding is monotonic, so it rounds to that float32 too. Where the check fails (an
// element within 2^-40 of a float32 rounding boundary: over all float32 bit patterns 1 in 320,000
// for sigmoid and 1 in 700,000 for tanh, more often among ordinary activations, see the README) or
// an input is out of range (NaN, ±∞, |x| ≥ 80 for sigmoid, ≥ 40 for tanh), the block is left to the
// caller's fdlibm path. scripts/check-f32-activations.mjs compares the two on every float32 input.
import { add, demote2, div, mul, pick, promoteHigh, promoteLow, sp, sub } from './f64x2-ops';
import { INV_LN2, LN2_HI, LN2_LO } from './fdlibm-exp';
import { pow2Lanes } from './fdlibm-exp-simd';

// e^r ≈ 1 + Σ C_i·r^i on |r| ≤ 0.34658 (ln2/2, and rounding): the polynomial of degree 10 through
// e^r at the 11 Chebyshev nodes of that interval (solved in 50-digit arithmetic, rounded to f64);
// its relative error as e^r is below 2^-51 (2^-51.4 at most on a grid of 4,001 points); as e^r − 1
// (tanh where k = 0) it tends to C1 − 1 ≈ 2^-47 as r → 0, still far inside the 2^-42 budget
const C2: f64 = 0.5000000000000006, C3: f64 = 0.1666666666655439, C4: f64 = 0.04166666666657313,
  C5: f64 = 0.008333333385673594, C6: f64 = 0.0013888888932493439, C7: f64 = 0.00019841170263067238,
  C8: f64 = 2.4801504340856006e-5, C9: f64 = 2.7640183865343144e-6, C10: f64 = 2.7626359798074195e-7;
const C1: f64 = 1.0000000000000067;

/** 1 ∓ 2^-40: the interval that must round to one float32. */
const DOWN: f64 = 0.9999999999990905, UP: f64 = 1.0000000000009095;
/** The float32 sign bits. */
const SIGN: i32 = 0x80000000;

/** k = round(−a/ln2): the power of two in e^-a = 2^k·e^r. */
// @ts-expect-error: decorator
@inline function powerOf(a: v128): v128 { return f64x2.nearest(mul(a, sp(-INV_LN2))); }

/**
 * r = −a − k·ln2 (|r| ≤ ln2/2), with fdlibm's two-part ln2: k·LN2_HI and the difference are exact,
 * the error is below 2^-54 (and r = −a exactly where k = 0).
 */
// @ts-expect-error: decorator
@inline function reduced(a: v128, k: v128): v128 {
  return sub(sub(f64x2.neg(a), mul(k, sp(LN2_HI))), mul(k, sp(LN2_LO)));
}

/** e^r − 1 for |r| ≤ 0.34658, by the polynomial above (no cancellation: its leading term is r). */
// @ts-expect-error: decorator
@inline function expm1Reduced(r: v128): v128 {
  let p = add(sp(C9), mul(r, sp(C10)));
  p = add(sp(C8), mul(r, p));
  p = add(sp(C7), mul(r, p));
  p = add(sp(C6), mul(r, p));
  p = add(sp(C5), mul(r, p));
  p = add(sp(C4), mul(r, p));
  p = add(sp(C3), mul(r, p));
  p = add(sp(C2), mul(r, p));
  p = add(sp(C1), mul(r, p));
  return mul(r, p);
}

/** e^-a lane-wise for 0 ≤ a < 80 (k ≥ −116: 2^k and the product are normal). */
// @ts-expect-error: decorator
@inline function expNeg(a: v128): v128 {
  const k = powerOf(a);
  return mul(add(sp(1.0), expm1Reduced(reduced(a, k))), pow2Lanes(k)); // exact scaling: −116 ≤ k ≤ 0 here
}

/** σ(x) lane-wise for |x| < 80: 1/(1 + e) for x ≥ 0, e/(1 + e) below, e = e^-|x|. */
// @ts-expect-error: decorator
@inline function sigmoidLanes(x: v128): v128 {
  const e = expNeg(f64x2.abs(x));
  const q = div(sp(1.0), add(sp(1.0), e));
  return pick(f64x2.ge(x, sp(0.0)), q, mul(e, q));
}

/**
 * |tanh x| lane-wise for |x| < 40: |m/(2 + m)| with m = e^-2|x| − 1, taken straight from the polynomial
 * where k = 0 (|x| < ln2/4) and as 2^k·e^r − 1 elsewhere (e^-2|x| ≤ 0.71 there, so the subtraction
 * loses under 2 bits).
 */
// @ts-expect-error: decorator
@inline function tanhMagnitude(x: v128): v128 {
  const ax = f64x2.abs(x);
  const a = add(ax, ax);
  const k = powerOf(a);
  const q = expm1Reduced(reduced(a, k));
  const m = pick(f64x2.eq(k, sp(0.0)), q, sub(mul(add(sp(1.0), q), pow2Lanes(k)), sp(1.0)));
  return f64x2.abs(div(m, add(sp(2.0), m))); // abs: +0 (not −0) for x = ±0, the sign is put back later
}

// @ts-expect-error: decorator
@inline function lanes(tanh: bool, v: v128): v128 {
  return tanh ? tanhMagnitude(v) : sigmoidLanes(v);
}

/** y0, y1 rounded down (lo: demoted y·(1 − 2^-40)) and up agree: all-ones lanes where they do. */
// @ts-expect-error: decorator
@inline function agrees(lo: v128, y0: v128, y1: v128): v128 {
  return i32x4.eq(lo, demote2(mul(y0, sp(UP)), mul(y1, sp(UP))));
}

/**
 * Sixteen float32 elements of tanh (`tanh`) or sigmoid from `x` to `out` (which may equal x).
 * Returns false, having written nothing, where the block is not covered (see the file comment).
 */
// @ts-expect-error: decorator
@inline export function fastBlockF32(tanh: bool, x: usize, out: usize): bool {
  const a = v128.load(x),
    b = v128.load(x, 16),
    c = v128.load(x, 32),
    d = v128.load(x, 48);
  const limit = f32x4.splat(tanh ? 40 : 80);
  const inAB = v128.and(f32x4.lt(f32x4.abs(a), limit), f32x4.lt(f32x4.abs(b), limit));
  const inCD = v128.and(f32x4.lt(f32x4.abs(c), limit), f32x4.lt(f32x4.abs(d), limit));
  if (!i32x4.all_true(v128.and(inAB, inCD))) return false;
  const y0 = lanes(tanh, promoteLow(a)),
    y1 = lanes(tanh, promoteHigh(a)),
    y2 = lanes(tanh, promoteLow(b)),
    y3 = lanes(tanh, promoteHigh(b)),
    y4 = lanes(tanh, promoteLow(c)),
    y5 = lanes(tanh, promoteHigh(c)),
    y6 = lanes(tanh, promoteLow(d)),
    y7 = lanes(tanh, promoteHigh(d));
  let lo0 = demote2(mul(y0, sp(DOWN)), mul(y1, sp(DOWN))),
    lo1 = demote2(mul(y2, sp(DOWN)), mul(y3, sp(DOWN))),
    lo2 = demote2(mul(y4, sp(DOWN)), mul(y5, sp(DOWN))),
    lo3 = demote2(mul(y6, sp(DOWN)), mul(y7, sp(DOWN)));
  const ok01 = v128.and(agrees(lo0, y0, y1), agrees(lo1, y2, y3));
  const ok23 = v128.and(agrees(lo2, y4, y5), agrees(lo3, y6, y7));
  if (!i32x4.all_true(v128.and(ok01, ok23))) return false;
  if (tanh) {
    const sign = i32x4.splat(SIGN);
    lo0 = v128.or(lo0, v128.and(a, sign));
    lo1 = v128.or(lo1, v128.and(b, sign));
    lo2 = v128.or(lo2, v128.and(c, sign));
    lo3 = v128.or(lo3, v128.and(d, sign));
  }
  v128.store(out, lo0);
  v128.store(out, lo1, 16);
  v128.store(out, lo2, 32);
  v128.store(out, lo3, 48);
  return true;
}
