// Max pooling, generic over f32 / f64, with the bits of the TypeScript reference
// (src/backends/js/max-pool.ts): each window's max over its taps, as im2col with −∞ padding and a
// max over the taps would give, without the columns. f32.max / f64.max (and their SIMD forms) are
// IEEE 754's maximum, the reduction's rule (−0 below +0, a NaN wins), and the max of a set does not
// depend on the order its values come in, so the output starts at −∞ and takes one row of taps at a
// time (fixed kernel row, kernel column and output row), SIMD across output columns where the taps
// are contiguous or every other element. Padding taps read −∞, which changes nothing: skipped.
//
// `geo` holds the 18 i32s of assembly/conv.ts (x's sizes and element strides, the window, the output
// size); `x` points at x's element (0, 0, 0, 0) (strides may be negative); `out` is contiguous.

import { validHi, validLo } from './conv';
import { Geometry } from './geometry';
import { even, odd } from './max-pool-disjoint';

/**
 * IEEE maximum of two scalars without a branch (the scalar f32.max compiles to compares and jumps,
 * which mispredict on the ties a ReLU's zeros make everywhere).
 */
// @ts-expect-error: decorator
@inline function maxOf<T>(a: T, b: T): T {
  return v128.extract_lane<T>(v128.max<T>(v128.splat<T>(a), v128.splat<T>(b)), 0);
}

/** o[k] = max(o[k], x[k·xs]) for k < n. Stride 2 reads two vectors per L taps, never past the last tap. */
// @ts-expect-error: decorator
@inline function maxRow<T>(x: usize, xs: i32, o: usize, n: i32): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  let k = 0;
  if (xs == 1) {
    for (; k + L <= n; k += L) {
      const q = o + <usize>k * sz;
      v128.store(q, v128.max<T>(v128.load(q), v128.load(x + <usize>k * sz)));
    }
  } else if (xs == 2) {
    // the pair holds taps k .. k + L − 1 and the element after the last: stop while it is a tap's neighbour
    for (; k + L < n; k += L) {
      const p = x + <usize>(2 * k) * sz;
      const lo = v128.load(p), hi = v128.load(p, 16);
      const q = o + <usize>k * sz;
      v128.store(q, v128.max<T>(v128.load(q), even<T>(lo, hi)));
    }
  }
  for (; k < n; k++) {
    const q = o + <usize>k * sz;
    store<T>(q, maxOf<T>(load<T>(q), load<T>(x + <usize>(k * xs) * sz)));
  }
}

/**
 * Output row `oy` of one plane for 2-wide windows of stride 2 over contiguous rows, no padding or
 * dilation across: L windows at a time, their 2L taps of each kernel row two loads split into even
 * and odd lanes, the max kept in a register and stored once. Windows past the last whole vector go
 * tap row by tap row (maxRow) into the −∞ the output was filled with. Writes o[0 .. outW).
 */
// @ts-expect-error: decorator
@inline function pairWindows<T>(
  xp: usize, xh: i32, o: usize, oy: i32, h: i32, kh: i32, sh: i32, ph: i32, dh: i32, outW: i32,
): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  let k = 0;
  for (; k + L <= outW; k += L) {
    let acc = v128.splat<T>(<T>-Infinity);
    for (let i = 0; i < kh; i++) {
      const iy = oy * sh - ph + i * dh;
      if (iy < 0 || iy >= h) continue;
      const p = xp + <usize>(iy * xh + 2 * k) * sz;
      const lo = v128.load(p), hi = v128.load(p, 16);
      acc = v128.max<T>(acc, v128.max<T>(even<T>(lo, hi), odd<T>(lo, hi)));
    }
    v128.store(o + <usize>k * sz, acc);
  }
  for (let i = 0; i < kh; i++) {
    const iy = oy * sh - ph + i * dh;
    if (iy < 0 || iy >= h) continue;
    for (let j = 0; j < 2; j++) maxRow<T>(xp + <usize>(iy * xh + 2 * k + j) * sz, 2, o + <usize>k * sz, outW - k);
  }
}

/** The max of each window (see Backend.maxPool); the layout is described above. */
export function maxPool<T>(geo: usize, x: usize, out: usize): void {
  const G = changetype<Geometry>(geo);
  const n = G.n, c = G.c, h = G.h, w = G.w;
  const xn = G.s0, xc = G.s1, xh = G.s2, xw = G.s3;
  const kh = G.kh, kw = G.kw, sh = G.sh, sw = G.sw, ph = G.ph, pw = G.pw, dh = G.dh, dw = G.dw;
  const outH = G.outH, outW = G.outW;
  const sz = <usize>sizeof<T>();
  const plane = outH * outW;
  const total = n * c * plane;
  // 2-wide windows of stride 2 along contiguous rows, all inside them
  const pairs = kw == 2 && sw == 2 && xw == 1 && pw == 0 && dw == 1 && 2 * outW <= w;
  const lowest = v128.splat<T>(<T>-Infinity);
  let e = 0;
  for (; e + 16 / <i32>sz <= total; e += 16 / <i32>sz) v128.store(out + <usize>e * sz, lowest);
  for (; e < total; e++) store<T>(out + <usize>e * sz, <T>-Infinity);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const xp = x + <usize>(b * xn + ch * xc) * sz;
      const op = out + <usize>((b * c + ch) * plane) * sz;
      if (pairs) {
        for (let oy = 0; oy < outH; oy++) {
          pairWindows<T>(xp, xh, op + <usize>(oy * outW) * sz, oy, h, kh, sh, ph, dh, outW);
        }
        continue;
      }
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          // the output columns whose tap j lies inside the input: [lo, hi)
          const start = j * dw - pw;
          const lo = validLo(start, sw, outW);
          const hi = validHi(start, sw, w, outW, lo);
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= h) continue;
            const xrow = xp + <usize>(iy * xh + (lo * sw + start) * xw) * sz;
            maxRow<T>(xrow, sw * xw, op + <usize>(oy * outW + lo) * sz, hi - lo);
          }
        }
      }
    }
  }
}
