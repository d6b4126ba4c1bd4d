// Max pooling's gradient when the windows are disjoint (no padding, no dilation, stride ≥ kernel,
// every window inside the input): each input position is a tap of at most one window, so the
// reference's sum of shares into it (assembly/max-pool.ts) is one add, 0 + share, and positions of
// no window keep the 0 they were filled with. Same bits: the same tie count per window, the same
// two rounded divisions ((g or g·0) / ties), the same add to +0. One pass per plane instead of two,
// and for 2-wide windows of stride 2 with contiguous rows, SIMD across L windows of a row: their
// 2L taps of a kernel row are two loads split into even and odd lanes, and their shares two stores.

/** Even lanes of a ++ b (the taps of kernel column 0 of L windows of width 2, stride 2). */
// @ts-expect-error: decorator
@inline export function even<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) return v128.shuffle<f32>(a, b, 0, 2, 4, 6);
  return v128.shuffle<f64>(a, b, 0, 2);
}

/** Odd lanes of a ++ b (kernel column 1). */
// @ts-expect-error: decorator
@inline export function odd<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) return v128.shuffle<f32>(a, b, 1, 3, 5, 7);
  return v128.shuffle<f64>(a, b, 1, 3);
}

/** The first half of e and o interleaved (e0, o0, e1, o1, ...). */
// @ts-expect-error: decorator
@inline function zipLo<T>(e: v128, o: v128): v128 {
  if (sizeof<T>() == 4) return v128.shuffle<f32>(e, o, 0, 4, 1, 5);
  return v128.shuffle<f64>(e, o, 0, 2);
}

/** The second half of e and o interleaved. */
// @ts-expect-error: decorator
@inline function zipHi<T>(e: v128, o: v128): v128 {
  if (sizeof<T>() == 4) return v128.shuffle<f32>(e, o, 2, 6, 3, 7);
  return v128.shuffle<f64>(e, o, 1, 3);
}

/** The element at offset `e` (elements, possibly negative) from p. */
// @ts-expect-error: decorator
@inline function at<T>(p: usize, e: i32): T {
  return load<T>(p + <usize>e * <usize>sizeof<T>());
}

/**
 * Windows k ≥ `from` of output row `oy`, one at a time (any strides, any window). `x` and `res` are
 * the plane's first elements, `m` and `g` the row's.
 */
// @ts-expect-error: decorator
@inline function windows<T>(
  x: usize, xh: i32, xw: i32, m: usize, mw: i32, g: usize, gw: i32, res: usize, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, oy: i32, from: i32, outW: i32,
): void {
  const sz = <usize>sizeof<T>();
  for (let k = from; k < outW; k++) {
    const mv = at<T>(m, k * mw), gv = at<T>(g, k * gw);
    let ties = <T>0;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) if (at<T>(x, (oy * sh + i) * xh + (k * sw + j) * xw) == mv) ties += <T>1;
    }
    const a = gv / ties, b = (gv * <T>0) / ties;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const tie = at<T>(x, (oy * sh + i) * xh + (k * sw + j) * xw) == mv;
        store<T>(res + <usize>((oy * sh + i) * w + k * sw + j) * sz, <T>0 + (tie ? a : b));
      }
    }
  }
}

/**
 * One image-channel plane of the gradient, windows disjoint (see above). `res` is the plane's
 * result, contiguous of width `w`, already zero; the other operands have their element strides.
 */
export function disjointPlane<T>(
  x: usize, xh: i32, xw: i32, m: usize, mh: i32, mw: i32, g: usize, gh: i32, gw: i32, res: usize, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, outH: i32, outW: i32,
): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  const simd = kw == 2 && sw == 2 && xw == 1 && mw == 1 && gw == 1;
  const zero = v128.splat<T>(<T>0), one = v128.splat<T>(<T>1);
  for (let oy = 0; oy < outH; oy++) {
    const mrow = m + <usize>(oy * mh) * sz, grow = g + <usize>(oy * gh) * sz;
    let k = 0;
    if (simd) {
      for (; k + L <= outW; k += L) {
        const mv = v128.load(mrow + <usize>k * sz), gv = v128.load(grow + <usize>k * sz);
        let ties = zero;
        for (let i = 0; i < kh; i++) {
          const p = x + <usize>((oy * sh + i) * xh + 2 * k) * sz;
          const lo = v128.load(p), hi = v128.load(p, 16);
          ties = v128.add<T>(ties, v128.and(v128.eq<T>(even<T>(lo, hi), mv), one));
          ties = v128.add<T>(ties, v128.and(v128.eq<T>(odd<T>(lo, hi), mv), one));
        }
        const a = v128.div<T>(gv, ties), b = v128.div<T>(v128.mul<T>(gv, zero), ties);
        for (let i = 0; i < kh; i++) {
          const p = x + <usize>((oy * sh + i) * xh + 2 * k) * sz;
          const lo = v128.load(p), hi = v128.load(p, 16);
          const e = v128.add<T>(zero, v128.bitselect(a, b, v128.eq<T>(even<T>(lo, hi), mv)));
          const o = v128.add<T>(zero, v128.bitselect(a, b, v128.eq<T>(odd<T>(lo, hi), mv)));
          const q = res + <usize>((oy * sh + i) * w + 2 * k) * sz;
          v128.store(q, zipLo<T>(e, o));
          v128.store(q, zipHi<T>(e, o), 16);
        }
      }
    }
    windows<T>(x, xh, xw, mrow, mw, grow, gw, res, w, kh, kw, sh, sw, oy, k, outW);
  }
}
