import { allocate } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import type { ConvGeometry } from '../../ops/conv.js';
import { copy } from './copy.js';

/**
 * im2col: x [N, C, H, W] → cols [N, C·kh·kw, outH·outW] with
 * cols[n, (c·kh + i)·kw + j, oy·outW + ox] = x[n, c, oy·sh − ph + i·dh, ox·sw − pw + j·dw]
 * (padValue outside the input).
 */
export function im2col(x: NDArray, g: ConvGeometry, padValue: number): NDArray {
  const src = x.isContiguous ? x : copy(x, x.dtype);
  const [n, c, h, w] = src.shape as [number, number, number, number];
  const [kh, kw] = g.kernel, [sh, sw] = g.stride, [ph, pw] = g.padding, [dh, dw] = g.dilation;
  const [outH, outW] = g.output;
  const L = outH * outW;
  const rows = c * kh * kw;
  const out = allocate(x.dtype, n * rows * L);
  const xd = src.data, base = src.offset;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = base + (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          let dst = ((b * rows) + (ch * kh + i) * kw + j) * L;
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= h) {
              out.fill(padValue as never, dst, dst + outW);
              dst += outW;
              continue;
            }
            const rowStart = plane + iy * w;
            for (let ox = 0; ox < outW; ox++, dst++) {
              const ix = ox * sw - pw + j * dw;
              out[dst] = ix < 0 || ix >= w ? padValue : xd[rowStart + ix]!;
            }
          }
        }
      }
    }
  }
  return new NDArray(out, [n, rows, L]);
}

/**
 * col2im, the adjoint of im2col: cols [N, C·kh·kw, outH·outW] → [N, C, H, W], adding every
 * column entry back to the input position it was read from (positions in the padding are dropped).
 */
export function col2im(cols: NDArray, g: ConvGeometry, channels: number, height: number, width: number): NDArray {
  const src = cols.isContiguous ? cols : copy(cols, cols.dtype);
  const n = src.shape[0]!;
  const [kh, kw] = g.kernel, [sh, sw] = g.stride, [ph, pw] = g.padding, [dh, dw] = g.dilation;
  const [outH, outW] = g.output;
  const L = outH * outW;
  const rows = channels * kh * kw;
  const out = allocate(cols.dtype, n * channels * height * width);
  const cd = src.data, base = src.offset;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < channels; ch++) {
      const plane = (b * channels + ch) * height * width;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          let at = base + ((b * rows) + (ch * kh + i) * kw + j) * L;
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= height) { at += outW; continue; }
            const rowStart = plane + iy * width;
            for (let ox = 0; ox < outW; ox++, at++) {
              const ix = ox * sw - pw + j * dw;
              if (ix >= 0 && ix < width) out[rowStart + ix] = (out[rowStart + ix] as number) + (cd[at] as number);
            }
          }
        }
      }
    }
  }
  return new NDArray(out, [n, channels, height, width]);
}
