// Max pooling's gradient, generic over f32 / f64, with the bits of the TypeScript reference
// (src/backends/js/max-pool-grad.ts), itself those of the chain im2col (−∞ padding) → the max rule's
// one-axis gradient → col2im: per image and channel, the taps equal to each window's max are counted
// (padding taps read −∞), then each tap inside the input adds (x = max ? g : g·0) / ties, one
// rounded division and one rounded add, into its input position in im2col's order (kernel row,
// kernel column, output row, output column): every input position sums its shares in that order.
// Both passes go one row of taps (fixed kernel row, kernel column and output row) at a time, SIMD
// across output columns where the layout allows: the lanes are distinct windows and distinct input
// positions, so each element still gets its own adds in order.
//
// `geo` holds 26 i32s: the 18 of assembly/conv.ts (x's sizes and element strides, the window, the
// output size), then the element strides of the maxima (18..21) and of their gradient (22..25).
// Pointers are each operand's element (0, 0, 0, 0); strides may be negative (i32 offsets wrap into
// the usize address exactly). `counts` is scratch of outH·outW elements; `out` is written whole.

import { validHi, validLo } from './conv';
import { GEOMETRY_BYTES, Geometry } from './geometry';
import { disjointPlane } from './max-pool-disjoint';

/** The element at offset `e` (elements, possibly negative) from p. */
// @ts-expect-error: decorator
@inline function at<T>(p: usize, e: i32): T {
  return load<T>(p + <usize>e * <usize>sizeof<T>());
}

/**
 * The L lanes at p, p + step, ... for step 1 or 2. Step 2 reads 2L elements, one past the last lane:
 * inside memory, as every strided operand is followed by another block (see src/backends/wasm/max-pool.ts).
 */
// @ts-expect-error: decorator
@inline function loadStep<T>(p: usize, step: i32): v128 {
  if (step == 1) return v128.load(p);
  if (sizeof<T>() == 4) return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
  return v128.shuffle<f64>(v128.load(p), v128.load(p, 16), 0, 2);
}

/** counts[k] += 1 where x[k·xs] = m[k·mw], for k < n. */
// @ts-expect-error: decorator
@inline function countRow<T>(x: usize, xs: i32, m: usize, mw: i32, counts: usize, n: i32): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  const one = v128.splat<T>(<T>1);
  let k = 0;
  if (mw == 1 && (xs == 1 || xs == 2)) {
    for (; k + L <= n; k += L) {
      const tie = v128.eq<T>(loadStep<T>(x + <usize>(k * xs) * sz, xs), v128.load(m + <usize>k * sz));
      const c = counts + <usize>k * sz;
      v128.store(c, v128.add<T>(v128.load(c), v128.and(tie, one)));
    }
  }
  for (; k < n; k++) {
    if (at<T>(x, k * xs) == at<T>(m, k * mw)) {
      const c = counts + <usize>k * sz;
      store<T>(c, load<T>(c) + <T>1);
    }
  }
}

/** counts[k] += 1 where m[k·mw] = −∞, for k < n: the padding taps, which read −∞. */
// @ts-expect-error: decorator
@inline function countPads<T>(m: usize, mw: i32, counts: usize, n: i32): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  const one = v128.splat<T>(<T>1), pad = v128.splat<T>(<T>-Infinity);
  let k = 0;
  if (mw == 1) {
    for (; k + L <= n; k += L) {
      const c = counts + <usize>k * sz;
      v128.store(c, v128.add<T>(v128.load(c), v128.and(v128.eq<T>(v128.load(m + <usize>k * sz), pad), one)));
    }
  }
  for (; k < n; k++) {
    if (at<T>(m, k * mw) == <T>-Infinity) {
      const c = counts + <usize>k * sz;
      store<T>(c, load<T>(c) + <T>1);
    }
  }
}

/** res[k·rs] += (x[k·xs] = m[k·mw] ? g[k·gw] : g[k·gw]·0) / counts[k], for k < n. */
// @ts-expect-error: decorator
@inline function shareRow<T>(
  x: usize, xs: i32, m: usize, mw: i32, g: usize, gw: i32, counts: usize, res: usize, rs: i32, n: i32,
): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  const zero = v128.splat<T>(<T>0);
  let k = 0;
  if (mw == 1 && gw == 1 && (xs == 1 || xs == 2) && (rs == 1 || rs == 2)) {
    // rs = 2: the shares go to the even lanes of two vectors; the odd lanes are written back as read
    // (the last one may be the element after the row, or the slack after the result: never lost)
    const even = sizeof<T>() == 4 ? i32x4(-1, 0, -1, 0) : i64x2(-1, 0);
    for (; k + L <= n; k += L) {
      const gv = v128.load(g + <usize>k * sz);
      const tie = v128.eq<T>(loadStep<T>(x + <usize>(k * xs) * sz, xs), v128.load(m + <usize>k * sz));
      const share = v128.div<T>(v128.bitselect(gv, v128.mul<T>(gv, zero), tie), v128.load(counts + <usize>k * sz));
      const q = res + <usize>(k * rs) * sz;
      if (rs == 1) {
        v128.store(q, v128.add<T>(v128.load(q), share));
      } else {
        const r0 = v128.load(q), r1 = v128.load(q, 16);
        let a: v128, b: v128;
        if (sizeof<T>() == 4) {
          a = v128.shuffle<f32>(share, share, 0, 0, 1, 1);
          b = v128.shuffle<f32>(share, share, 2, 2, 3, 3);
        } else {
          a = v128.shuffle<f64>(share, share, 0, 0);
          b = v128.shuffle<f64>(share, share, 1, 1);
        }
        v128.store(q, v128.bitselect(v128.add<T>(r0, a), r0, even));
        v128.store(q, v128.bitselect(v128.add<T>(r1, b), r1, even), 16);
      }
    }
  }
  for (; k < n; k++) {
    const gv = at<T>(g, k * gw);
    const share = (at<T>(x, k * xs) == at<T>(m, k * mw) ? gv : gv * <T>0) / at<T>(counts, k);
    const q = res + <usize>(k * rs) * sz;
    store<T>(q, load<T>(q) + share);
  }
}

/** The gradient of max pooling (see Backend.maxPoolGrad); the layout is described above. */
export function maxPoolGrad<T>(geo: usize, x: usize, m: usize, g: usize, counts: usize, out: usize): void {
  const G = changetype<Geometry>(geo);
  const n = G.n, c = G.c, h = G.h, w = G.w;
  const xn = G.s0, xc = G.s1, xh = G.s2, xw = G.s3;
  const kh = G.kh, kw = G.kw, sh = G.sh, sw = G.sw, ph = G.ph, pw = G.pw, dh = G.dh, dw = G.dw;
  const outH = G.outH, outW = G.outW;
  const extra = geo + GEOMETRY_BYTES;
  const mn = load<i32>(extra), mc = load<i32>(extra, 4), mh = load<i32>(extra, 8), mw = load<i32>(extra, 12);
  const gn = load<i32>(extra, 16), gc = load<i32>(extra, 20), gh = load<i32>(extra, 24), gw = load<i32>(extra, 28);
  const sz = <usize>sizeof<T>();
  const xs = sw * xw;
  const disjoint = ph == 0 && pw == 0 && dh == 1 && dw == 1 && sh >= kh && sw >= kw &&
    (outH - 1) * sh + kh <= h && (outW - 1) * sw + kw <= w;
  memory.fill(out, 0, <usize>(n * c * h * w) * sz);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const xp = x + <usize>(b * xn + ch * xc) * sz;
      const mp = m + <usize>(b * mn + ch * mc) * sz;
      const gp = g + <usize>(b * gn + ch * gc) * sz;
      const rp = out + <usize>((b * c + ch) * h * w) * sz;
      if (disjoint) {
        disjointPlane<T>(xp, xh, xw, mp, mh, mw, gp, gh, gw, rp, w, kh, kw, sh, sw, outH, outW);
        continue;
      }
      memory.fill(counts, 0, <usize>(outH * outW) * sz);
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const start = j * dw - pw;
          const lo = validLo(start, sw, outW);
          const hi = validHi(start, sw, w, outW, lo);
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * sh - ph + i * dh;
            const mrow = mp + <usize>(oy * mh) * sz;
            const crow = counts + <usize>(oy * outW) * sz;
            if (iy < 0 || iy >= h) {
              countPads<T>(mrow, mw, crow, outW);
              continue;
            }
            countPads<T>(mrow, mw, crow, lo);
            const xrow = xp + <usize>(iy * xh + (lo * sw + start) * xw) * sz;
            countRow<T>(xrow, xs, mrow + <usize>(lo * mw) * sz, mw, crow + <usize>lo * sz, hi - lo);
            countPads<T>(mrow + <usize>(hi * mw) * sz, mw, crow + <usize>hi * sz, outW - hi);
          }
        }
      }
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const start = j * dw - pw;
          const lo = validLo(start, sw, outW);
          const hi = validHi(start, sw, w, outW, lo);
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= h) continue;
            shareRow<T>(
              xp + <usize>(iy * xh + (lo * sw + start) * xw) * sz,
              xs,
              mp + <usize>(oy * mh + lo * mw) * sz,
              mw,
              gp + <usize>(oy * gh + lo * gw) * sz,
              gw,
              counts + <usize>(oy * outW + lo) * sz,
              rp + <usize>(iy * w + lo * sw + start) * sz,
              sw,
              hi - lo,
            );
          }
        }
      }
    }
  }
}
