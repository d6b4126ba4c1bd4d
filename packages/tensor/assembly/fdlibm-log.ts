// Ports of fdlibm's log (e_log.c) and log1p (s_log1p.c), as V8 compiles them for Math.log /
// Math.log1p (v8/src/base/ieee754.cc): same constants, branches and order of operations, so every
// result is bit-identical.
import { highWord, lowWord, withHighWord } from './fdlibm-bits';
import { LN2_HI, LN2_LO } from './fdlibm-exp';

/** 2^54, to scale subnormals up. */
const TWO54: f64 = 1.8014398509481984e16; // 43500000 00000000
// Remez coefficients of R(s²) ≈ (log((1+s)/(1−s)) − 2s)/s on [0, 0.1716] (error < 2^-58.45).
export const LG1: f64 = 6.66666666666673513e-1; // 3FE55555 55555593
export const LG2: f64 = 3.999999999940941908e-1; // 3FD99999 9997FA04
export const LG3: f64 = 2.857142874366239149e-1; // 3FD24924 94229359
export const LG4: f64 = 2.222219843214978396e-1; // 3FCC71C5 1D8E78AF
export const LG5: f64 = 1.818357216161805012e-1; // 3FC74664 96CB03DE
export const LG6: f64 = 1.531383769920937332e-1; // 3FC39A09 D078C69F
export const LG7: f64 = 1.479819860511658591e-1; // 3FC2F112 DF3E5244

/**
 * ln x: fdlibm __ieee754_log. x = 2^k·(1 + f) with √2/2 < 1 + f < √2, log(1 + f) = 2s + s·R(s²)
 * with s = f/(2 + f), plus k·ln2 in two parts. Error < 1 ulp.
 */
export function fdLog(x: f64): f64 {
  let hx = highWord(x);
  const lx = lowWord(x);
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022 (or negative)
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity; // log(±0)
    if (hx < 0) return NaN; // log(negative)
    k -= 54; // subnormal: scale up
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  if (hx == 0x3ff00000 && lx == 0) return 0.0; // log(1) = +0
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = withHighWord(x, hx | (i ^ 0x3ff00000)); // normalize x or x/2
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // -2^-20 <= f < 2^-20
    if (f == 0.0) {
      if (k == 0) return 0.0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

/**
 * ln(1 + x): fdlibm log1p. Like log on u = 1 + x, with a correction term c = (1 + x − u)/u for the
 * rounding of u, and f = x itself when √2/2 − 1 ≤ x < √2 − 1. Error < 1 ulp.
 */
export function fdLog1p(x: f64): f64 {
  const hx = highWord(x);
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0.0,
    c = 0.0,
    hu = 0;
  if (hx < 0x3fda827a) {
    // 1 + x < √2
    if (ax >= 0x3ff00000) {
      // x <= -1.0
      if (x == -1.0) return -Infinity;
      return NaN; // log1p(x < -1)
    }
    if (ax < 0x3e200000) {
      // |x| < 2^-29
      if (ax < 0x3c900000) return x; // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= <i32>0xbfd2bec4) {
      // √2/2 − 1 <= x < √2 − 1
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k != 0) {
    let u: f64;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0); // correction term
      c /= u;
    } else {
      u = x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      // u ~< √2
      u = withHighWord(u, hu | 0x3ff00000); // normalize u
    } else {
      k += 1;
      u = withHighWord(u, hu | 0x3fe00000); // normalize u/2
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  const dk = <f64>k;
  if (hu == 0) {
    // |f| < 2^-20
    if (f == 0.0) {
      if (k == 0) return 0.0;
      c += dk * LN2_LO;
      return dk * LN2_HI + c;
    }
    const R = hfsq * (1.0 - 0.66666666666666666 * f);
    if (k == 0) return f - R;
    return dk * LN2_HI - (R - (dk * LN2_LO + c) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  if (k == 0) return f - (hfsq - s * (hfsq + R));
  return dk * LN2_HI - (hfsq - (s * (hfsq + R) + (dk * LN2_LO + c)) - f);
}
