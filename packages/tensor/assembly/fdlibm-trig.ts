// Ports of fdlibm 5.3's sin / cos (s_sin.c, s_cos.c, k_sin.c, k_cos.c, e_rem_pio2.c,
// k_rem_pio2.c), as V8 compiles them for Math.sin / Math.cos when it is built without
// V8_USE_LIBM_TRIG_FUNCTIONS (Node 20): same constants, branches and order of operations.
import { fromWords, highWord, lowWord, pow2 } from './fdlibm-bits';

// __kernel_sin: sin x ≈ x + S1·x³ + … + S6·x¹³ on |x| ≤ π/4 (error < 2^-58).
const S1: f64 = -1.66666666666666324348e-01; // 0xBFC55555 55555549
const S2: f64 = 8.33333333332248946124e-03; // 0x3F811111 1110F8A6
const S3: f64 = -1.98412698298579493134e-04; // 0xBF2A01A0 19C161D5
const S4: f64 = 2.75573137070700676789e-06; // 0x3EC71DE3 57B1FE7D
const S5: f64 = -2.50507602534068634195e-08; // 0xBE5AE5E6 8A2B9CEB
const S6: f64 = 1.58969099521155010221e-10; // 0x3DE5D93A 5ACFD57C
// __kernel_cos: cos x ≈ 1 − x²/2 + C1·x⁴ + … + C6·x¹⁴ on |x| ≤ π/4 (error < 2^-58).
const C1: f64 = 4.16666666666666019037e-02; // 0x3FA55555 5555554C
const C2: f64 = -1.38888888888741095749e-03; // 0xBF56C16C 16C15177
const C3: f64 = 2.48015872894767294178e-05; // 0x3EFA01A0 19CB1590
const C4: f64 = -2.75573143513906633035e-07; // 0xBE927E4F 809C52AD
const C5: f64 = 2.08757232129817482790e-09; // 0x3E21EE9E BDB4B1C4
const C6: f64 = -1.13596475577881948265e-11; // 0xBDA8FAE9 BE8838D4
// __ieee754_rem_pio2: π/2 in three 33-bit pieces, each with the tail that follows it.
const INV_PIO2: f64 = 6.36619772367581382433e-01; // 0x3FE45F30 6DC9C883
const PIO2: f64 = 1.57079632679489655800e+00; // 0x3FF921FB 54442D18 (π/2 rounded)
const PIO2_1: f64 = 1.57079632673412561417e+00; // 0x3FF921FB 54400000
const PIO2_1T: f64 = 6.07710050650619224932e-11; // 0x3DD0B461 1A626331
const PIO2_2: f64 = 6.07710050630396597660e-11; // 0x3DD0B461 1A600000
const PIO2_2T: f64 = 2.02226624879595063154e-21; // 0x3BA3198A 2E037073
const PIO2_3: f64 = 2.02226624871116645580e-21; // 0x3BA3198A 2E000000
const PIO2_3T: f64 = 8.47842766036889956997e-32; // 0x397B839A 252049C1
const TWO24: f64 = 1.67772160000000000000e+07; // 0x41700000 00000000
const TWON24: f64 = 5.96046447753906250000e-08; // 0x3E700000 00000000

/** Bytes of scratch memory sin and cos need (for the reduction of |x| > 2^20·π/2). */
export const TRIG_SCRATCH_BYTES = 640;

/** sin(x + y) for |x| ≤ π/4, y the tail of x (iy = 0: y is 0): fdlibm __kernel_sin. */
function kernelSin(x: f64, y: f64, iy: i32): f64 {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) { // |x| < 2^-27
    if (<i32>x == 0) return x;
  }
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy == 0) return x + v * (S1 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/** cos(x + y) for |x| ≤ π/4, y the tail of x: fdlibm __kernel_cos. */
function kernelCos(x: f64, y: f64): f64 {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) { // |x| < 2^-27
    if (<i32>x == 0) return 1.0;
  }
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3FD33333) return 1.0 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0); // x/4
  const hz = 0.5 * z - qx;
  const a = 1.0 - qx;
  return a - (hz - (z * r - x * y));
}

/** The reduced argument of the last remPio2 call: x − n·π/2 = remY0 + remY1. */
let remY0: f64 = 0;
let remY1: f64 = 0;

/** 24 bits of 2/π: bits 24·i … 24·i + 23 after the binary point (fdlibm's two_over_pi). */
function twoOverPi(i: i32): f64 {
  switch (i) {
    case 0: return 0xA2F983; case 1: return 0x6E4E44; case 2: return 0x1529FC; case 3: return 0x2757D1;
    case 4: return 0xF534DD; case 5: return 0xC0DB62; case 6: return 0x95993C; case 7: return 0x439041;
    case 8: return 0xFE5163; case 9: return 0xABDEBB; case 10: return 0xC561B7; case 11: return 0x246E3A;
    case 12: return 0x424DD2; case 13: return 0xE00649; case 14: return 0x2EEA09; case 15: return 0xD1921C;
    case 16: return 0xFE1DEB; case 17: return 0x1CB129; case 18: return 0xA73EE8; case 19: return 0x8235F5;
    case 20: return 0x2EBB44; case 21: return 0x84E99C; case 22: return 0x7026B4; case 23: return 0x5F7E41;
    case 24: return 0x3991D6; case 25: return 0x398353; case 26: return 0x39F49C; case 27: return 0x845F8B;
    case 28: return 0xBDF928; case 29: return 0x3B1FF8; case 30: return 0x97FFDE; case 31: return 0x05980F;
    case 32: return 0xEF2F11; case 33: return 0x8B5A0A; case 34: return 0x6D1F6D; case 35: return 0x367ECF;
    case 36: return 0x27CB09; case 37: return 0xB74F46; case 38: return 0x3F669E; case 39: return 0x5FEA2D;
    case 40: return 0x7527BA; case 41: return 0xC7EBE5; case 42: return 0xF17B3D; case 43: return 0x0739F7;
    case 44: return 0x8A5292; case 45: return 0xEA6BFB; case 46: return 0x5FB11F; case 47: return 0x8D5D08;
    case 48: return 0x560330; case 49: return 0x46FC7B; case 50: return 0x6BABF0; case 51: return 0xCFBC20;
    case 52: return 0x9AF436; case 53: return 0x1DA9E3; case 54: return 0x91615E; case 55: return 0xE61B08;
    case 56: return 0x659985; case 57: return 0x5F14A0; case 58: return 0x68408D; case 59: return 0xFFD880;
    case 60: return 0x4D7327; case 61: return 0x310606; case 62: return 0x1556CA; case 63: return 0x73A8C9;
    case 64: return 0x60E27B; default: return 0xC08C6B;
  }
}

/** π/2 in 24-bit pieces: PIo2[i] holds bits 24·i … 24·i + 23 (fdlibm's PIo2). */
function pio2Piece(i: i32): f64 {
  switch (i) {
    case 0: return 1.57079625129699707031e+00; // 0x3FF921FB 40000000
    case 1: return 7.54978941586159635335e-08; // 0x3E74442D 00000000
    case 2: return 5.39030252995776476554e-15; // 0x3CF84698 80000000
    case 3: return 3.28200341580791294123e-22; // 0x3B78CC51 60000000
    case 4: return 1.27065575308067607349e-29; // 0x39F01B83 80000000
    case 5: return 1.22933308981111328932e-36; // 0x387A2520 40000000
    case 6: return 2.73370053816464559624e-44; // 0x36E38222 80000000
    default: return 2.16741683877804819444e-51; // 0x3569F31D 00000000
  }
}

// @ts-expect-error: decorator
@inline function ldF(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-expect-error: decorator
@inline function stF(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
// @ts-expect-error: decorator
@inline function ldI(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-expect-error: decorator
@inline function stI(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

/**
 * fdlibm __kernel_rem_pio2 for prec = 2 (53-bit double result, jk = 4): x[0..nx) are 24-bit pieces
 * of the argument scaled by 2^-e0; sets remY0 + remY1 = x·2^e0 mod π/2 to 2^-106 relative and
 * returns n mod 8. `scratch` holds its arrays (TRIG_SCRATCH_BYTES).
 */
function kernelRemPio2(tx: usize, e0: i32, nx: i32, scratch: usize): i32 {
  const f = scratch, q = scratch + 160, fq = scratch + 320, iq = scratch + 480;
  const jk = 4;
  const jp = jk;
  const jx = nx - 1;
  let jv = (e0 - 3) / 24;
  if (jv < 0) jv = 0;
  let q0 = e0 - 24 * (jv + 1);
  // f[0 .. jx + jk] = ipio2[jv − jx .. jv + jk]
  let j = jv - jx;
  const m = jx + jk;
  for (let i = 0; i <= m; i++, j++) stF(f, i, j < 0 ? 0.0 : twoOverPi(j));
  // q[0 .. jk]
  for (let i = 0; i <= jk; i++) {
    let fw = 0.0;
    for (j = 0; j <= jx; j++) fw += ldF(tx, j) * ldF(f, jx + i - j);
    stF(q, i, fw);
  }
  let jz = jk;
  let z = 0.0, n = 0, ih = 0;
  while (true) { // recompute
    // distill q[] into iq[] reversingly
    z = ldF(q, jz);
    for (let i = 0, jj = jz; jj > 0; i++, jj--) {
      const fw = <f64><i32>(TWON24 * z);
      stI(iq, i, <i32>(z - TWO24 * fw));
      z = ldF(q, jj - 1) + fw;
    }
    // compute n
    z = z * pow2(q0); // actual value of z
    z -= 8.0 * floor(z * 0.125); // trim off integer >= 8
    n = <i32>z;
    z -= <f64>n;
    ih = 0;
    if (q0 > 0) { // need iq[jz − 1] to determine n
      const i = ldI(iq, jz - 1) >> (24 - q0);
      n += i;
      stI(iq, jz - 1, ldI(iq, jz - 1) - (i << (24 - q0)));
      ih = ldI(iq, jz - 1) >> (23 - q0);
    } else if (q0 == 0) {
      ih = ldI(iq, jz - 1) >> 23;
    } else if (z >= 0.5) {
      ih = 2;
    }
    if (ih > 0) { // q > 0.5
      n += 1;
      let carry = 0;
      for (let i = 0; i < jz; i++) { // compute 1 − q
        const jj = ldI(iq, i);
        if (carry == 0) {
          if (jj != 0) {
            carry = 1;
            stI(iq, i, 0x1000000 - jj);
          }
        } else {
          stI(iq, i, 0xffffff - jj);
        }
      }
      if (q0 == 1) stI(iq, jz - 1, ldI(iq, jz - 1) & 0x7fffff);
      else if (q0 == 2) stI(iq, jz - 1, ldI(iq, jz - 1) & 0x3fffff);
      if (ih == 2) {
        z = 1.0 - z;
        if (carry != 0) z -= pow2(q0);
      }
    }
    // check if recomputation is needed
    if (z == 0.0) {
      let jj = 0;
      for (let i = jz - 1; i >= jk; i--) jj |= ldI(iq, i);
      if (jj == 0) { // need recomputation
        let k = 1;
        while (ldI(iq, jk - k) == 0) k++; // k = number of terms needed
        for (let i = jz + 1; i <= jz + k; i++) { // add q[jz + 1] to q[jz + k]
          stF(f, jx + i, twoOverPi(jv + i));
          let fw = 0.0;
          for (j = 0; j <= jx; j++) fw += ldF(tx, j) * ldF(f, jx + i - j);
          stF(q, i, fw);
        }
        jz += k;
        continue;
      }
    }
    break;
  }
  // chop off zero terms
  if (z == 0.0) {
    jz -= 1;
    q0 -= 24;
    while (ldI(iq, jz) == 0) { jz--; q0 -= 24; }
  } else { // break z into 24-bit pieces if necessary
    z = z * pow2(-q0);
    if (z >= TWO24) {
      const fw = <f64><i32>(TWON24 * z);
      stI(iq, jz, <i32>(z - TWO24 * fw));
      jz += 1;
      q0 += 24;
      stI(iq, jz, <i32>fw);
    } else {
      stI(iq, jz, <i32>z);
    }
  }
  // convert the integer chunks to floating point
  let fw = pow2(q0);
  for (let i = jz; i >= 0; i--) {
    stF(q, i, fw * <f64>ldI(iq, i));
    fw *= TWON24;
  }
  // fq = PIo2[0 .. jp] · q[jz .. 0]
  for (let i = jz; i >= 0; i--) {
    fw = 0.0;
    for (let k = 0; k <= jp && k <= jz - i; k++) fw += pio2Piece(k) * ldF(q, i + k);
    stF(fq, jz - i, fw);
  }
  // compress fq[] into y[]
  fw = 0.0;
  for (let i = jz; i >= 0; i--) fw += ldF(fq, i);
  remY0 = ih == 0 ? fw : -fw;
  fw = ldF(fq, 0) - fw;
  for (let i = 1; i <= jz; i++) fw += ldF(fq, i);
  remY1 = ih == 0 ? fw : -fw;
  return n & 7;
}

/**
 * fdlibm 5.3 __ieee754_rem_pio2: n with x − n·π/2 = remY0 + remY1 (|remY0| ≤ π/4): n = ±1 below
 * 3π/4, a 33+53 (or 66+53, 99+53) bit π/2 up to 2^20·π/2, Payne–Hanek (kernelRemPio2) beyond.
 */
function remPio2(x: f64, scratch: usize): i32 {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix <= 0x3fe921fb) { remY0 = x; remY1 = 0; return 0; } // |x| ~<= π/4
  if (ix < 0x4002d97c) { // |x| < 3π/4: n = ±1
    if (hx > 0) {
      let z = x - PIO2_1;
      if (ix != 0x3ff921fb) { // 33+53 bit π is good enough
        remY0 = z - PIO2_1T;
        remY1 = (z - remY0) - PIO2_1T;
      } else { // near π/2: 33+33+53 bit π
        z -= PIO2_2;
        remY0 = z - PIO2_2T;
        remY1 = (z - remY0) - PIO2_2T;
      }
      return 1;
    }
    let z = x + PIO2_1;
    if (ix != 0x3ff921fb) {
      remY0 = z + PIO2_1T;
      remY1 = (z - remY0) + PIO2_1T;
    } else {
      z += PIO2_2;
      remY0 = z + PIO2_2T;
      remY1 = (z - remY0) + PIO2_2T;
    }
    return -1;
  }
  if (ix <= 0x413921fb) { // |x| ≲ 2^20·π/2: medium size
    let t = abs(x);
    const n = <i32>(t * INV_PIO2 + 0.5);
    const fn = <f64>n;
    let r = t - fn * PIO2_1;
    let w = fn * PIO2_1T; // first round, good to 85 bits
    // fdlibm's npio2_hw[n − 1] is the high word of n·π/2 (checked for n = 1 … 32)
    if (n < 32 && ix != highWord(fn * PIO2)) {
      remY0 = r - w; // quick check: no cancellation
    } else {
      const j = ix >> 20;
      remY0 = r - w;
      let i = j - ((highWord(remY0) >> 20) & 0x7ff);
      if (i > 16) { // second iteration, good to 118 bits
        t = r;
        w = fn * PIO2_2;
        r = t - w;
        w = fn * PIO2_2T - ((t - r) - w);
        remY0 = r - w;
        i = j - ((highWord(remY0) >> 20) & 0x7ff);
        if (i > 49) { // third iteration, 151 bits
          t = r;
          w = fn * PIO2_3;
          r = t - w;
          w = fn * PIO2_3T - ((t - r) - w);
          remY0 = r - w;
        }
      }
    }
    remY1 = (r - remY0) - w;
    if (hx < 0) { remY0 = -remY0; remY1 = -remY1; return -n; }
    return n;
  }
  // large arguments
  if (ix >= 0x7ff00000) { remY0 = x - x; remY1 = remY0; return 0; } // inf or NaN
  // z = scalbn(|x|, ilogb(x) − 23), split into three 24-bit pieces
  const e0 = (ix >> 20) - 1046;
  let z = fromWords(ix - (e0 << 20), lowWord(x));
  const tx = scratch + 600;
  for (let i = 0; i < 2; i++) {
    const v = <f64><i32>z;
    stF(tx, i, v);
    z = (z - v) * TWO24;
  }
  stF(tx, 2, z);
  let nx = 3;
  while (ldF(tx, nx - 1) == 0.0) nx--; // skip zero terms
  const n = kernelRemPio2(tx, e0, nx, scratch);
  if (hx < 0) { remY0 = -remY0; remY1 = -remY1; return -n; }
  return n;
}

/** sin x: fdlibm 5.3 sin, reduction by remPio2 then kernelSin / kernelCos. Error < 1 ulp. */
export function fdSin(x: f64, scratch: usize): f64 {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0.0, 0); // |x| ~< π/4
  if (ix >= 0x7ff00000) return x - x; // NaN
  const n = remPio2(x, scratch);
  switch (n & 3) {
    case 0: return kernelSin(remY0, remY1, 1);
    case 1: return kernelCos(remY0, remY1);
    case 2: return -kernelSin(remY0, remY1, 1);
    default: return -kernelCos(remY0, remY1);
  }
}

/** cos x: fdlibm 5.3 cos, reduction by remPio2 then kernelCos / kernelSin. Error < 1 ulp. */
export function fdCos(x: f64, scratch: usize): f64 {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0.0); // |x| ~< π/4
  if (ix >= 0x7ff00000) return x - x; // NaN
  const n = remPio2(x, scratch);
  switch (n & 3) {
    case 0: return kernelCos(remY0, remY1);
    case 1: return -kernelSin(remY0, remY1, 1);
    case 2: return -kernelCos(remY0, remY1);
    default: return kernelSin(remY0, remY1, 1);
  }
}
