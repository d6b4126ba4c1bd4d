import type { ConvGeometry } from '../../backend.js';
import { type FloatArray, allocate, isFloat } from '../../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { NDArray } from '../../ndarray.js';
import { checkOut } from '../out.js';

/**
 * Max pooling (see Backend.maxPool): each window's max, its taps folded in im2col's order (kernel
 * row, then kernel column) with the reduction's rule (a larger value, a NaN, or +0 over −0 replaces
 * the running max; the first NaN ends the window), so the bits of im2col (−∞ padding) and a max
 * over the taps. Taps in the padding read −∞, which never replaces anything: they are skipped.
 */
export function maxPool(x: NDArray, geo: ConvGeometry, out?: NDArray): NDArray {
  if (x.ndim !== 4) throw new ShapeError('maxPool', `expected x [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (!isFloat(x.dtype)) throw new DTypeError('maxPool', `expected a float32 or float64 x, got ${x.dtype}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = geo.output;
  checkOut('maxPool', out, [n, c, oh, ow], x.dtype);
  const [kh, kw] = geo.kernel,
    [sh, sw] = geo.stride,
    [ph, pw] = geo.padding,
    [dh, dw] = geo.dilation;
  const [xn, xc, xh, xw] = x.strides as [number, number, number, number];
  const xd = x.data as FloatArray;
  const res = (out === undefined ? allocate(x.dtype, n * c * oh * ow, 'maxPool') : out.data) as FloatArray;
  let r = out === undefined ? 0 : out.offset;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = x.offset + b * xn + ch * xc;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++, r++) {
          let acc = Number.NEGATIVE_INFINITY;
          for (let i = 0; i < kh && acc === acc; i++) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= h) continue;
            for (let j = 0; j < kw; j++) {
              const ix = ox * sw - pw + j * dw;
              if (ix < 0 || ix >= w) continue;
              const v = xd[plane + iy * xh + ix * xw]!;
              if (v > acc || v !== v || (v === acc && Object.is(acc, -0))) acc = v;
              if (acc !== acc) break;
            }
          }
          res[r] = acc;
        }
      }
    }
  }
  return out ?? new NDArray(res, [n, c, oh, ow]);
}
