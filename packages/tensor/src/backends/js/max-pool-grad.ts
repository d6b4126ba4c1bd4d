import type { Backend, ConvGeometry } from '../../backend.js';
import { type FloatArray, allocate } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import { checkOut } from '../out.js';
import { validRange } from './conv.js';
import { copy } from './copy.js';
import { maxPool } from './max-pool.js';

const contiguous = (a: NDArray): NDArray => (a.isContiguous ? a : copy(a, a.dtype));

/** One image-channel plane of x, of the maxima and of their gradient (start indices into each). */
interface Plane {
  x: number;
  m: number;
  g: number;
  res: number;
}

/**
 * counts[l] = how many taps of window l equal its max m[l] (taps in the padding read −∞), for the
 * windows of one plane.
 */
function countTies(
  xd: FloatArray,
  md: FloatArray,
  p: Plane,
  h: number,
  w: number,
  geo: ConvGeometry,
  counts: Float64Array,
): void {
  const [kh, kw] = geo.kernel,
    [sh, sw] = geo.stride,
    [ph, pw] = geo.padding,
    [dh, dw] = geo.dilation;
  const outW = geo.output[1];
  const px = p.x,
    pm = p.m;
  counts.fill(0);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const start = j * dw - pw;
      const [lo, hi] = validRange(start, sw, w, outW);
      for (let oy = 0; oy < geo.output[0]; oy++) {
        const iy = oy * sh - ph + i * dh;
        const row = oy * outW;
        const inside = iy >= 0 && iy < h;
        const a = inside ? lo : outW,
          b = inside ? hi : outW;
        for (let l = row; l < row + a; l++) if (md[pm + l] === -Infinity) counts[l]!++;
        for (let l = row + a, q = px + iy * w + a * sw + start; l < row + b; l++, q += sw)
          if (xd[q] === md[pm + l]) counts[l]!++;
        for (let l = row + b; l < row + outW; l++) if (md[pm + l] === -Infinity) counts[l]!++;
      }
    }
  }
}

/**
 * Adds every tap's share (x = m ? g : g·0) / ties, rounded to float32 if `f32`, into res at the tap's input
 * position, in im2col's order (kernel row, kernel column, output row, output column), as col2im adds.
 */
function addShares(
  xd: FloatArray,
  md: FloatArray,
  gd: FloatArray,
  res: FloatArray,
  p: Plane,
  h: number,
  w: number,
  geo: ConvGeometry,
  counts: Float64Array,
  f32: boolean,
): void {
  const [kh, kw] = geo.kernel,
    [sh, sw] = geo.stride,
    [ph, pw] = geo.padding,
    [dh, dw] = geo.dilation;
  const outW = geo.output[1];
  const px = p.x,
    pm = p.m,
    pg = p.g,
    pr = p.res;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const start = j * dw - pw;
      const [lo, hi] = validRange(start, sw, w, outW);
      for (let oy = 0; oy < geo.output[0]; oy++) {
        const iy = oy * sh - ph + i * dh;
        if (iy < 0 || iy >= h) continue;
        let q = iy * w + lo * sw + start;
        for (let l = oy * outW + lo; l < oy * outW + hi; l++, q += sw) {
          const gv = gd[pg + l]!;
          // d max / d x_k = [x_k = max] / #ties: the window's gradient split evenly between its ties
          const share = (xd[px + q] === md[pm + l] ? gv : gv * 0) / counts[l]!;
          res[pr + q] = res[pr + q]! + (f32 ? Math.fround(share) : share);
        }
      }
    }
  }
}

/**
 * Max pooling's gradient (see Backend.maxPoolGrad), with the bits of the chain it replaces (im2col
 * with −∞ padding, the max rule's one-axis gradient, col2im), one image-channel plane at a time:
 * the taps equal to each window's max are counted, then every tap inside the input gets
 * (x = max ? g : g·0) / ties, rounded to the dtype, added to its input position in im2col's order.
 */
export function maxPoolGrad(x: NDArray, out: NDArray, g: NDArray, geo: ConvGeometry, into?: NDArray): NDArray {
  checkOut('maxPoolGrad', into, x.shape, x.dtype);
  const xs = contiguous(x),
    ms = contiguous(out),
    gs = contiguous(g);
  const [n, c, h, w] = xs.shape as [number, number, number, number];
  const L = geo.output[0] * geo.output[1];
  const size = n * c * h * w;
  const res = (into === undefined ? allocate(x.dtype, size, 'maxPoolGrad') : into.data) as FloatArray;
  const r0 = into === undefined ? 0 : into.offset;
  if (into !== undefined) res.fill(0, r0, r0 + size); // the sums start from 0, as in a new array
  const xd = xs.data as FloatArray,
    md = ms.data as FloatArray,
    gd = gs.data as FloatArray;
  const counts = new Float64Array(L);
  for (let k = 0; k < n * c; k++) {
    const p: Plane = { x: xs.offset + k * h * w, m: ms.offset + k * L, g: gs.offset + k * L, res: r0 + k * h * w };
    countTies(xd, md, p, h, w, geo, counts);
    addShares(xd, md, gd, res, p, h, w, geo, counts, x.dtype === 'float32');
  }
  return into ?? new NDArray(res, [n, c, h, w]);
}

/** Max pooling and its gradient, kernels of the reference backend. */
export const maxPoolFamily = { maxPool, maxPoolGrad } satisfies Partial<Backend>;
