import type { Backend, ConvGeometry } from '../../backend.js';
import { allocate } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import { copy } from './copy.js';

/**
 * im2col: x [N, C, H, W] → cols [N, C·kh·kw, outH·outW] with
 * cols[n, (c·kh + i)·kw + j, oy·outW + ox] = x[n, c, oy·sh − ph + i·dh, ox·sw − pw + j·dw]
 * (padValue outside the input).
 */
export function im2col(x: NDArray, g: ConvGeometry, padValue: number, into?: NDArray): NDArray {
  const src = x.isContiguous ? x : copy(x, x.dtype);
  const [n, c, h, w] = src.shape as [number, number, number, number];
  const [kh, kw] = g.kernel,
    [sh, sw] = g.stride,
    [ph, pw] = g.padding,
    [dh, dw] = g.dilation;
  const [outH, outW] = g.output;
  const L = outH * outW;
  const rows = c * kh * kw;
  const out = into === undefined ? allocate(x.dtype, n * rows * L, 'im2col') : into.data;
  const o0 = into === undefined ? 0 : into.offset;
  const xd = src.data,
    base = src.offset;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = base + (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          let dst = o0 + (b * rows + (ch * kh + i) * kw + j) * L;
          // output columns whose input column ix = ox·sw − pw + j·dw is inside [0, w)
          const [lo, hi] = validRange(j * dw - pw, sw, w, outW);
          for (let oy = 0; oy < outH; oy++, dst += outW) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= h) {
              out.fill(padValue as never, dst, dst + outW);
              continue;
            }
            if (lo > 0) out.fill(padValue as never, dst, dst + lo);
            let p = plane + iy * w + lo * sw - pw + j * dw;
            if (sw === 1) {
              for (let ox = lo; ox < hi; ox++) out[dst + ox] = xd[p++]!;
            } else {
              for (let ox = lo; ox < hi; ox++, p += sw) out[dst + ox] = xd[p]!;
            }
            if (hi < outW) out.fill(padValue as never, dst + hi, dst + outW);
          }
        }
      }
    }
  }
  return into ?? new NDArray(out, [n, rows, L]);
}

/**
 * col2im, the adjoint of im2col: cols [N, C·kh·kw, outH·outW] → [N, C, H, W], adding every
 * column entry back to the input position it was read from (positions in the padding are dropped).
 */
export function col2im(
  cols: NDArray,
  g: ConvGeometry,
  channels: number,
  height: number,
  width: number,
  into?: NDArray,
): NDArray {
  const src = cols.isContiguous ? cols : copy(cols, cols.dtype);
  const n = src.shape[0]!;
  const [kh, kw] = g.kernel,
    [sh, sw] = g.stride,
    [ph, pw] = g.padding,
    [dh, dw] = g.dilation;
  const [outH, outW] = g.output;
  const L = outH * outW;
  const rows = channels * kh * kw;
  const size = n * channels * height * width;
  const out = into === undefined ? allocate(cols.dtype, size, 'col2im') : into.data;
  const o0 = into === undefined ? 0 : into.offset;
  if (into !== undefined) out.fill(0, o0, o0 + size); // the sums start from 0, as in a new array
  const cd = src.data,
    base = src.offset;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < channels; ch++) {
      const plane = o0 + (b * channels + ch) * height * width;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          let at = base + (b * rows + (ch * kh + i) * kw + j) * L;
          const [lo, hi] = validRange(j * dw - pw, sw, width, outW);
          for (let oy = 0; oy < outH; oy++, at += outW) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= height) continue;
            let q = plane + iy * width + lo * sw - pw + j * dw;
            for (let ox = lo; ox < hi; ox++, q += sw) out[q] = (out[q] as number) + (cd[at + ox] as number);
          }
        }
      }
    }
  }
  return into ?? new NDArray(out, [n, channels, height, width]);
}

/**
 * The output columns [lo, hi) whose input column start + ox·stride lies in [0, size), for ox in
 * [0, outSize): the only ones im2col reads and col2im writes (the rest are padding).
 */
export function validRange(start: number, stride: number, size: number, outSize: number): [number, number] {
  const lo = start >= 0 ? 0 : Math.ceil(-start / stride);
  const hi = start >= size ? 0 : Math.ceil((size - start) / stride);
  return [Math.min(lo, outSize), Math.max(Math.min(hi, outSize), Math.min(lo, outSize))];
}

/** The sliding-window kernels of the reference backend. */
export const convFamily = { im2col, col2im } satisfies Partial<Backend>;
