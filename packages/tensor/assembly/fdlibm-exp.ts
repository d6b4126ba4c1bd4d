// Ports of fdlibm's exp (e_exp.c), expm1 (s_expm1.c) and tanh (s_tanh.c), as V8 compiles them for
// Math.exp / Math.expm1 / Math.tanh (v8/src/base/ieee754.cc): same constants, same branches, same
// order of operations, so every result is bit-identical (wasm never fuses a multiply and an add).
import { fromWords, highWord, lowWord, pow2 } from './fdlibm-bits';

// Shared by exp and expm1.
/** ln2 split: LN2_HI has 32 trailing zero bits, so k·LN2_HI is exact for |k| < 2^11. */
export const LN2_HI: f64 = 6.9314718036912381649e-1; // 0x3fe62e42 fee00000
export const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
export const INV_LN2: f64 = 1.442695040888963387; // 0x3ff71547 652b82fe
/** Largest x with exp(x) finite. */
export const O_THRESHOLD: f64 = 7.09782712893383973096e2; // 0x40862E42 FEFA39EF
/** Below this exp(x) rounds to 0. */
export const U_THRESHOLD: f64 = -7.4513321910194110842e2; // 0xc0874910 D52D3051
/** 2^-1000. */
const TWOM1000: f64 = 9.3326361850321887899e-302; // 0x01700000 00000000
/** e rounded to nearest. */
const E: f64 = 2.718281828459045; // 0x4005BF0A 8B145769
/** 2^1023. */
const TWO1023: f64 = 8.98846567431157953865e307; // 0x7fe00000 00000000

// exp: Remez polynomial for R(r²) ≈ r·(e^r + 1)/(e^r − 1) − 2 on [0, 0.347] (error < 2^-59).
export const P1: f64 = 1.66666666666666019037e-1; // 0x3FC55555 5555553E
export const P2: f64 = -2.77777777770155933842e-3; // 0xBF66C16C 16BEBD93
export const P3: f64 = 6.61375632143793436117e-5; // 0x3F11566A AF25DE2C
export const P4: f64 = -1.6533902205465251539e-6; // 0xBEBBBD41 C5D26BF1
export const P5: f64 = 4.13813679705723846039e-8; // 0x3E663769 72BEA4D0

// expm1: scaled Remez coefficients of R(r²/2) on [0, 0.347] (error < 2^-61).
export const Q1: f64 = -3.33333333333331316428e-2; // BFA11111 111110F4
export const Q2: f64 = 1.58730158725481460165e-3; // 3F5A01A0 19FE5585
export const Q3: f64 = -7.93650757867487942473e-5; // BF14CE19 9EAADBB7
export const Q4: f64 = 4.00821782732936239552e-6; // 3ED0CFCA 86E65239
export const Q5: f64 = -2.01099218183624371326e-7; // BE8AFDB7 6E09C32D

/**
 * e^x: fdlibm __ieee754_exp. x = k·ln2 + r with |r| ≤ ln2/2, e^r = 1 + r + r·c/(2 − c) with
 * c = r − r²·P(r²), scaled by 2^k. Error < 1 ulp.
 */
export function fdExp(x: f64): f64 {
  const hxs = highWord(x);
  const xsb = <i32>(<u32>hxs >> 31); // sign bit of x
  const hx = hxs & 0x7fffffff; // high word of |x|
  // non-finite, overflow, underflow
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lowWord(x)) != 0) return x + x; // NaN
      return xsb == 0 ? x : 0.0; // exp(±inf) = {inf, 0}
    }
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0.0;
  }
  // argument reduction
  let hi = 0.0,
    lo = 0.0,
    k = 0;
  if (hx > 0x3fd62e42) {
    // |x| > 0.5 ln2
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5 ln2
      if (x == 1.0) return E; // V8's special case: the steps below round e^1 up by 1 ulp
      if (xsb == 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = <i32>(INV_LN2 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI; // exact
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28
    return 1.0 + x;
  }
  // x is now in the primary range
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - (lo - (x * c) / (2.0 - c) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * TWO1023;
    return y * pow2(k);
  }
  return y * pow2(k + 1000) * TWOM1000;
}

/**
 * e^x − 1: fdlibm expm1. Same reduction as exp with a correction term c, and a rational
 * approximation of (e^r − 1) accurate to 2^-61 on |r| ≤ ln2/2, reassembled per k. Error < 1 ulp.
 */
export function fdExpm1(x: f64): f64 {
  const hxs = highWord(x);
  const neg = hxs < 0; // sign bit of x
  const hx = hxs & 0x7fffffff; // high word of |x|
  // huge and non-finite arguments
  if (hx >= 0x4043687a) {
    // |x| >= 56 ln2
    if (hx >= 0x40862e42) {
      // |x| >= 709.78...
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | lowWord(x)) != 0) return x + x; // NaN
        return neg ? -1.0 : x; // expm1(±inf) = {inf, -1}
      }
      if (x > O_THRESHOLD) return Infinity;
    }
    if (neg) return -1.0; // x < -56 ln2 (tiny − 1 rounds to −1)
  }
  // argument reduction
  let hi = 0.0,
    lo = 0.0,
    c = 0.0,
    k = 0;
  if (hx > 0x3fd62e42) {
    // |x| > 0.5 ln2
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5 ln2
      if (!neg) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = <i32>(INV_LN2 * x + (neg ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI; // exact
      lo = t * LN2_LO;
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    // |x| < 2^-54
    return x;
  }
  // x is now in the primary range
  const hfx = 0.5 * x;
  const hxs2 = x * hfx;
  const r1 = 1.0 + hxs2 * (Q1 + hxs2 * (Q2 + hxs2 * (Q3 + hxs2 * (Q4 + hxs2 * Q5))));
  let t = 3.0 - r1 * hfx;
  let e = hxs2 * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs2); // c is 0
  e = x * (e - c) - c;
  e -= hxs2;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1.0 + 2.0 * (x - e);
  }
  if (k <= -2 || k > 56) {
    // suffices to return exp(x) − 1
    let y = 1.0 - (e - x);
    if (k == 1024) y = y * 2.0 * TWO1023;
    else y = y * pow2(k);
    return y - 1.0;
  }
  let y: f64;
  if (k < 20) {
    t = fromWords(0x3ff00000 - (0x200000 >> k), 0); // 1 − 2^-k
    y = t - (e - x);
  } else {
    t = fromWords((0x3ff - k) << 20, 0); // 2^-k
    y = x - (e + t);
    y += 1.0;
  }
  return y * pow2(k);
}

/**
 * tanh x: fdlibm tanh, from expm1: for |x| ≥ 1, 1 − 2/(expm1(2|x|) + 2); below,
 * −t/(t + 2) with t = expm1(−2|x|); ±1 from |x| ≥ 22, x itself below 2^-28 (fdlibm states no
 * bound: expm1's < 1 ulp plus one division and one subtraction).
 */
export function fdTanh(x: f64): f64 {
  const jx = highWord(x);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    // inf or NaN
    if (jx >= 0) return 1.0 / x + 1.0; // tanh(+inf) = 1, NaN
    return 1.0 / x - 1.0; // tanh(-inf) = -1, NaN
  }
  let z: f64;
  if (ix < 0x40360000) {
    // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^-28
    if (ix >= 0x3ff00000) {
      // |x| >= 1
      const t = fdExpm1(2.0 * abs(x));
      z = 1.0 - 2.0 / (t + 2.0);
    } else {
      const t = fdExpm1(-2.0 * abs(x));
      z = -t / (t + 2.0);
    }
  } else {
    z = 1.0; // 1 − tiny rounds to 1
  }
  return jx >= 0 ? z : -z;
}
