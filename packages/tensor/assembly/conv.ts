// Sliding-window kernels, generic over f32 / f64: im2col (a copy, so every bit comes through) and
// col2im, its adjoint, which adds each column entry into the input position it was read from in the
// TypeScript backend's order (src/backends/js/conv.ts): zeros, then for each (image, channel,
// kernel row i, kernel column j, output row oy, output column ox) in that nesting one rounded add,
// so every output element receives its contributions in the same order and gets the same bits.
//
// The window geometry comes as i32 words at `geo`, read through the Geometry view (geometry.ts, the
// layout of src/backends/wasm/conv.ts's writeGeometry): n, channels, height, width, four element
// strides of the strided operand (im2col: x's n, c, h, w; col2im: the columns' n, row, column and
// unused), kh, kw, sh, sw, ph, pw, dh, dw, outH, outW.
// The strided operand's pointer is its element (0, 0, ...); strides may be negative (element
// offsets are i32 and wrap into the address as usize, which wasm32 arithmetic makes exact).
import { Geometry } from './geometry';

/** The first output column [lo] whose input column start + ox·stride is ≥ 0, clamped to outSize. */
// @ts-expect-error: decorator
@inline export function validLo(start: i32, stride: i32, outSize: i32): i32 {
  const lo = start >= 0 ? 0 : (stride - 1 - start) / stride;
  return min(lo, outSize);
}

/** One past the last output column whose input column start + ox·stride is < size, at least lo. */
// @ts-expect-error: decorator
@inline export function validHi(start: i32, stride: i32, size: i32, outSize: i32, lo: i32): i32 {
  const hi = start >= size ? 0 : (size - start + stride - 1) / stride;
  return max(min(hi, outSize), lo);
}

/** n copies of v at out. */
// @ts-expect-error: decorator
@inline function fillRun<T>(out: usize, n: i32, v: T): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  const s = v128.splat<T>(v);
  let j = 0;
  for (; j + L <= n; j += L) v128.store(out + <usize>j * sz, s);
  for (; j < n; j++) store<T>(out + <usize>j * sz, v);
}

/** n elements from src, read with an element step of `step` (plain loads and stores: bits unchanged). */
// @ts-expect-error: decorator
@inline function copyRun<T>(out: usize, src: usize, n: i32, step: i32): void {
  const sz = <usize>sizeof<T>();
  let j = 0;
  if (step == 1) {
    const L = 16 / <i32>sz;
    for (; j + L <= n; j += L) v128.store(out + <usize>j * sz, v128.load(src + <usize>j * sz));
    for (; j < n; j++) store<T>(out + <usize>j * sz, load<T>(src + <usize>j * sz));
  } else if (step == 2 && sizeof<T>() == 4) {
    for (; j + 4 <= n; j += 4) {
      const p = src + <usize>(j * 2) * sz;
      v128.store(out + <usize>j * sz, v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6));
    }
    for (; j < n; j++) store<T>(out + <usize>j * sz, load<T>(src + <usize>(j * 2) * sz));
  } else {
    for (let p = src; j < n; j++, p += <usize>step * sz) store<T>(out + <usize>j * sz, load<T>(p));
  }
}

/**
 * `rows` rows of `outW` elements at dst (one after another): columns [lo, hi) from src, read with an
 * element step of `step`, the source rows `rowStep` elements apart; `pv` in the other columns.
 */
// @ts-expect-error: decorator
@inline function copyRows<T>(
  dst: usize, outW: i32, src: usize, rowStep: i32, rows: i32, lo: i32, hi: i32, step: i32, pv: T,
): void {
  const sz = <usize>sizeof<T>();
  const rowBytes = <usize>outW * sz;
  const srcBytes = <usize>rowStep * sz; // (a negative step wraps, as the addresses do)
  const n = hi - lo;
  let d = dst,
    s = src;
  if (lo == 0 && hi == outW && step == 1) {
    // whole rows of contiguous elements (no padding, stride 1): the loop with nothing else in it
    for (let r = 0; r < rows; r++, d += rowBytes, s += srcBytes) copyRun<T>(d, s, n, 1);
    return;
  }
  for (let r = 0; r < rows; r++, d += rowBytes, s += srcBytes) {
    if (lo > 0) fillRun<T>(d, lo, pv);
    copyRun<T>(d + <usize>lo * sz, s, n, step);
    if (hi < outW) fillRun<T>(d + <usize>hi * sz, outW - hi, pv);
  }
}

/**
 * im2col: x [n, c, h, w] (strided) → out [n, c·kh·kw, outH·outW] (contiguous) with
 * out[b, (ch·kh + i)·kw + j, oy·outW + ox] = x[b, ch, oy·sh − ph + i·dh, ox·sw − pw + j·dw], `pad`
 * (rounded to T) outside the input. Each (ch, i, j) block is its rows above the input (padding),
 * the rows inside it, and the rows below (padding).
 */
export function im2col<T>(geo: usize, x: usize, pad: f64, out: usize): void {
  const G = changetype<Geometry>(geo);
  const n = G.n, c = G.c, h = G.h, w = G.w;
  const xn = G.s0, xc = G.s1, xh = G.s2, xw = G.s3;
  const kh = G.kh, kw = G.kw, sh = G.sh, sw = G.sw, ph = G.ph, pw = G.pw, dh = G.dh, dw = G.dw;
  const outH = G.outH, outW = G.outW;
  const sz = <usize>sizeof<T>();
  const pv = <T>pad;
  const blockBytes = <usize>(outH * outW) * sz;
  let dst = out;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = b * xn + ch * xc;
      for (let i = 0; i < kh; i++) {
        // output rows [ylo, yhi) read input rows top + oy·sh inside [0, h)
        const top = i * dh - ph;
        const ylo = validLo(top, sh, outH);
        const yhi = validHi(top, sh, h, outH, ylo);
        for (let j = 0; j < kw; j++, dst += blockBytes) {
          const start = j * dw - pw;
          const lo = validLo(start, sw, outW);
          const hi = validHi(start, sw, w, outW, lo);
          if (ylo > 0) fillRun<T>(dst, ylo * outW, pv);
          const p = plane + (ylo * sh + top) * xh + (lo * sw + start) * xw;
          const first = dst + <usize>(ylo * outW) * sz;
          copyRows<T>(first, outW, x + <usize>p * sz, sh * xh, yhi - ylo, lo, hi, sw * xw, pv);
          if (yhi < outH) fillRun<T>(dst + <usize>(yhi * outW) * sz, (outH - yhi) * outW, pv);
        }
      }
    }
  }
}

/**
 * out[r·rowStep + j·step] += src[r·srcRowStep + j·sstep] for r < rows, j < n: one rounded add each,
 * row by row (lanes are distinct elements).
 */
// @ts-expect-error: decorator
@inline function addRows<T>(
  out: usize, rowStep: i32, step: i32, src: usize, srcRowStep: i32, sstep: i32, rows: i32, n: i32,
): void {
  const sz = <usize>sizeof<T>();
  const outBytes = <usize>rowStep * sz;
  const srcBytes = <usize>srcRowStep * sz; // (a negative step wraps, as the addresses do)
  let o = out,
    s = src;
  if (step == 1 && sstep == 1) {
    const L = 16 / <i32>sz;
    const vec = n & ~(L - 1);
    for (let r = 0; r < rows; r++, o += outBytes, s += srcBytes) {
      let j = 0;
      for (; j < vec; j += L) {
        const q = o + <usize>j * sz;
        v128.store(q, v128.add<T>(v128.load(q), v128.load(s + <usize>j * sz)));
      }
      for (; j < n; j++) {
        const q = o + <usize>j * sz;
        store<T>(q, load<T>(q) + load<T>(s + <usize>j * sz));
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++, o += outBytes, s += srcBytes) {
    let q = o,
      p = s;
    for (let j = 0; j < n; j++, q += <usize>step * sz, p += <usize>sstep * sz) store<T>(q, load<T>(q) + load<T>(p));
  }
}

/**
 * col2im: cols [n, c·kh·kw, outH·outW] (strided) → out [n, c, h, w] (contiguous, written whole):
 * zeros, then every column entry inside the input added to the position it was read from.
 */
export function col2im<T>(geo: usize, cols: usize, out: usize): void {
  const G = changetype<Geometry>(geo);
  const n = G.n, c = G.c, h = G.h, w = G.w;
  const cn = G.s0, cr = G.s1, cl = G.s2;
  const kh = G.kh, kw = G.kw, sh = G.sh, sw = G.sw, ph = G.ph, pw = G.pw, dh = G.dh, dw = G.dw;
  const outH = G.outH, outW = G.outW;
  const sz = <usize>sizeof<T>();
  memory.fill(out, 0, <usize>(n * c * h * w) * sz);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = out + <usize>((b * c + ch) * h * w) * sz;
      for (let i = 0; i < kh; i++) {
        const top = i * dh - ph;
        const ylo = validLo(top, sh, outH);
        const yhi = validHi(top, sh, h, outH, ylo);
        for (let j = 0; j < kw; j++) {
          const row = b * cn + ((ch * kh + i) * kw + j) * cr;
          const start = j * dw - pw;
          const lo = validLo(start, sw, outW);
          const hi = validHi(start, sw, w, outW, lo);
          const q = plane + <usize>((ylo * sh + top) * w + lo * sw + start) * sz;
          const a = cols + <usize>(row + (ylo * outW + lo) * cl) * sz;
          addRows<T>(q, sh * w, sw, a, outW * cl, cl, yhi - ylo, hi - lo);
        }
      }
    }
  }
}
