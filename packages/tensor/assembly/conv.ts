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

/** out[j·step] += src[j·sstep] for j < n, one rounded add each (lanes are distinct elements). */
// @ts-expect-error: decorator
@inline function addRun<T>(out: usize, step: i32, src: usize, sstep: i32, n: i32): void {
  const sz = <usize>sizeof<T>();
  let j = 0;
  if (step == 1 && sstep == 1) {
    const L = 16 / <i32>sz;
    for (; j + L <= n; j += L) {
      const o = out + <usize>j * sz;
      v128.store(o, v128.add<T>(v128.load(o), v128.load(src + <usize>j * sz)));
    }
    for (; j < n; j++) {
      const o = out + <usize>j * sz;
      store<T>(o, load<T>(o) + load<T>(src + <usize>j * sz));
    }
  } else {
    let o = out,
      p = src;
    for (; j < n; j++, o += <usize>step * sz, p += <usize>sstep * sz) store<T>(o, load<T>(o) + load<T>(p));
  }
}

/**
 * im2col: x [n, c, h, w] (strided) → out [n, c·kh·kw, outH·outW] (contiguous) with
 * out[b, (ch·kh + i)·kw + j, oy·outW + ox] = x[b, ch, oy·sh − ph + i·dh, ox·sw − pw + j·dw], `pad`
 * (rounded to T) outside the input.
 */
export function im2col<T>(geo: usize, x: usize, pad: f64, out: usize): void {
  const G = changetype<Geometry>(geo);
  const n = G.n, c = G.c, h = G.h, w = G.w;
  const xn = G.s0, xc = G.s1, xh = G.s2, xw = G.s3;
  const kh = G.kh, kw = G.kw, sh = G.sh, sw = G.sw, ph = G.ph, pw = G.pw, dh = G.dh, dw = G.dw;
  const outH = G.outH, outW = G.outW;
  const sz = <usize>sizeof<T>();
  const pv = <T>pad;
  const rowBytes = <usize>outW * sz;
  let dst = out;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = b * xn + ch * xc;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const start = j * dw - pw;
          const lo = validLo(start, sw, outW);
          const hi = validHi(start, sw, w, outW, lo);
          for (let oy = 0; oy < outH; oy++, dst += rowBytes) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= h) {
              fillRun<T>(dst, outW, pv);
              continue;
            }
            if (lo > 0) fillRun<T>(dst, lo, pv);
            const p = plane + iy * xh + (lo * sw + start) * xw;
            copyRun<T>(dst + <usize>lo * sz, x + <usize>p * sz, hi - lo, sw * xw);
            if (hi < outW) fillRun<T>(dst + <usize>hi * sz, outW - hi, pv);
          }
        }
      }
    }
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
        for (let j = 0; j < kw; j++) {
          const row = b * cn + ((ch * kh + i) * kw + j) * cr;
          const start = j * dw - pw;
          const lo = validLo(start, sw, outW);
          const hi = validHi(start, sw, w, outW, lo);
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= h) continue;
            const q = plane + <usize>(iy * w + lo * sw + start) * sz;
            const a = cols + <usize>(row + (oy * outW + lo) * cl) * sz;
            addRun<T>(q, sw, a, cl, hi - lo);
          }
        }
      }
    }
  }
}
