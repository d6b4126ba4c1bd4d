// float32 sigmoid and tanh, sixteen elements at a time, with the bits of unary-math.ts's fdlibm path
// (each element computed in f64 by the fdlibm port, rounded once to f32) at about a quarter (tanh)
// and two thirds (sigmoid) of its cost. Each lane's y is computed in f64 through a degree-9
// polynomial for e^r, with a relative error below 2^-42 (fdlibm's own is below 2^-51), and kept only
// where y·(1 − 2^-40) and y·(1 + 2^-40) round to the same float32: fdlibm's f64 result lies between
// them, and rounding is monotonic, so it rounds to that float32 too. Where the check fails (an
// element within 2^-40 of a float32 rounding boundary: over all float32 bit patterns 1 in 320,000
// for sigmoid and 1 in 700,000 for tanh, more often among ordinary activations, see the README) or
// an input is out of range (NaN, ±∞, |x| ≥ 80 for sigmoid, ≥ 40 for tanh), the block is left to the
// caller's fdlibm path. scripts/check-f32-activations.mjs compares the two on every float32 input.
import { add, demote2, div, mul, promoteHigh, promoteLow, sp, sub } from './f64x2-ops';
import { INV_LN2, LN2_HI, LN2_LO } from './fdlibm-exp';

// e^r ≈ 1 + Σ C_i·r^i on |r| ≤ 0.34658 (ln2/2, and rounding), degree 9: (e^r − 1)/r interpolated
// at the 9 Chebyshev nodes of that interval (solved in 60-digit arithmetic, rounded to f64; C1
// came out exactly 1: scripts/fit-exp-polynomial.py). On a grid of 4,001 points its relative error
// is below 2^-44.6 as e^r and 2^-43.3 as e^r − 1 (tanh where k = 0), inside the 2^-42 budget. It
// is evaluated at s = −r, so the lanes below never negate: e^r − 1 = −s·P(s), with
// P(s) = Σ (−1)^(i−1)·C_i·s^(i−1).
const C1: f64 = 1.0, C2: f64 = 0.49999999999797906, C3: f64 = 0.166666666666483, C4: f64 = 0.041666666890981904,
  C5: f64 = 0.00833333335371942, C6: f64 = 0.0013888821672653597, C7: f64 = 0.0001984120875246986,
  C8: f64 = 2.4876166784942655e-5, C9: f64 = 2.7625104515531025e-6;

/** 1 ∓ 2^-40: the interval that must round to one float32. */
const DOWN: f64 = 0.9999999999990905, UP: f64 = 1.0000000000009095;
/** The float32 sign bits. */
const SIGN: i32 = 0x80000000;

/** 1.5·2^52 + 1023: adding it to a product rounds it to an integer k, held in the low bits as k + 1023. */
const K_BIAS: f64 = 6755399441056767.0;

/**
 * k + 1023 in the low bits, for k = round(c·v) (c = −1/ln2 for e^-v, −2/ln2 for e^-2v): the sum
 * with K_BIAS rounds the product to an integer (at an exact tie either neighbour, both of which
 * keep |s| within the polynomial's interval).
 */
// @ts-expect-error: decorator
@inline function biased(v: v128, c: f64): v128 { return add(mul(v, sp(c)), sp(K_BIAS)); }

/** k as an f64 lane (exact). */
// @ts-expect-error: decorator
@inline function powerOf(kb: v128): v128 { return sub(kb, sp(K_BIAS)); }

/** 2^k from the biased k: k + 1023 shifted into the exponent, the rest shifted out (−1022 ≤ k ≤ 1023). */
// @ts-expect-error: decorator
@inline function scaleOf(kb: v128): v128 { return i64x2.shl(kb, 52); }

/**
 * 1 − e^-s = s·P(s) for |s| ≤ 0.34658 (see C1..C9; e^r − 1 = −s·P(s) at r = −s), no cancellation
 * (its leading term is s).
 */
// @ts-expect-error: decorator
@inline function oneMinusExpNeg(s: v128): v128 {
  let p = sub(sp(C8), mul(s, sp(C9)));
  p = sub(sp(C7), mul(s, p));
  p = sub(sp(C6), mul(s, p));
  p = sub(sp(C5), mul(s, p));
  p = sub(sp(C4), mul(s, p));
  p = sub(sp(C3), mul(s, p));
  p = sub(sp(C2), mul(s, p));
  p = sub(sp(C1), mul(s, p));
  return mul(s, p);
}

/**
 * s = a + k·ln2 = −r for e^-a = 2^k·e^r (k = round(−a/ln2), |s| ≤ ln2/2 and rounding), with
 * fdlibm's two-part ln2: k·LN2_HI and a + k·LN2_HI are exact, the error is below 2^-54.
 */
// @ts-expect-error: decorator
@inline function reduced(a: v128, k: v128): v128 {
  return add(add(a, mul(k, sp(LN2_HI))), mul(k, sp(LN2_LO)));
}

/**
 * σ(x) lane-wise for |x| < 80: 1/(1 + e^-x), e^-x = 2^k·e^r with −116 ≤ k ≤ 116 (2^k and the
 * product are normal); its relative error is at most e^-x's, as e^-x/(1 + e^-x) < 1.
 */
// @ts-expect-error: decorator
@inline function sigmoidLanes(x: v128): v128 {
  const kb = biased(x, -INV_LN2);
  const e = mul(sub(sp(1.0), oneMinusExpNeg(reduced(x, powerOf(kb)))), scaleOf(kb));
  return div(sp(1.0), add(sp(1.0), e));
}

/**
 * |tanh x| lane-wise for |x| < 40: m/(2 − m) with m = 1 − e^-2|x| = 2^k·(1 − e^r) − (2^k − 1):
 * where k = 0 that is the polynomial's 1 − e^r itself (|x| < ln2/4, no cancellation); elsewhere
 * e^-2|x| ≤ 0.71, so the difference loses under 2 bits, and 2^k − 1 is exact for k ≥ −53 (below,
 * |x| > 18.5, it is within 2^-54 of it, where m ≈ 1 and tanh rounds to 1 in float32). m is +0 for
 * x = ±0 (0·1 − 0), so the result is +0 there and the sign is put back later.
 */
// @ts-expect-error: decorator
@inline function tanhMagnitude(x: v128): v128 {
  const ax = f64x2.abs(x);
  const kb = biased(ax, -2 * INV_LN2); // −2/ln2: an exact scaling of the f64 constant
  const u = oneMinusExpNeg(reduced(add(ax, ax), powerOf(kb)));
  const p = scaleOf(kb);
  const m = sub(mul(u, p), sub(p, sp(1.0)));
  return div(m, sub(sp(2.0), m));
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
