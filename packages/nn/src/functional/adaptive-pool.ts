/**
 * Adaptive pooling: the windows are chosen to give a requested output size. Output position i of an
 * axis of size `in` pools input positions [⌊i·in/out⌋, ⌈(i+1)·in/out⌉) (PyTorch's windows).
 * Both are separable: the average is two matmuls with constant averaging matrices, the max two
 * passes of `indexSelect` + `max` (a max over a rectangle is the max over its rows of the max over
 * its columns). Built of differentiable ops only, so gradients of gradients work.
 */
import * as T from '@chainrule/tensor';
import { type DType, RangeError, ShapeError, fmtShape } from '@chainrule/tensor';
import { Tensor, indexSelect, matmul, max, mT, reshape } from '@chainrule/autograd';

/** An output size: one number for both axes, or an (h, w) pair where null keeps the input's size. */
export type AdaptiveSize = number | readonly [number | null, number | null];

/** The [start, end) input window of each of the `out` positions over an axis of `size`. */
export function adaptiveWindows(size: number, out: number): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  for (let i = 0; i < out; i++)
    windows.push([Math.floor((i * size) / out), Math.floor(((i + 1) * size + out - 1) / out)]);
  return windows;
}

/** Refuses an output size that is not a positive integer (or null) per axis. */
export function checkAdaptiveSize(op: string, outputSize: AdaptiveSize): void {
  const req = typeof outputSize === 'number' ? [outputSize] : [outputSize[0], outputSize[1]];
  for (const v of req) {
    if (v !== null && (!Number.isInteger(v) || v < 1)) {
      throw new RangeError(op, `outputSize must be positive integers (or null), got ${JSON.stringify(outputSize)}`);
    }
  }
}

function check(op: string, x: Tensor, outputSize: AdaptiveSize): [number, number] {
  checkAdaptiveSize(op, outputSize);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(op, `expected input [N, C, H, W] or [C, H, W], got ${fmtShape(x.shape)}`);
  }
  if (!T.isFloat(x.dtype)) throw new T.DTypeError(op, `expected a float input (float32 or float64), got ${x.dtype}`);
  const [h, w] = x.shape.slice(-2) as [number, number];
  if (h < 1 || w < 1) throw new ShapeError(op, `expected a non-empty input, got ${fmtShape(x.shape)}`);
  const req = typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0], outputSize[1]];
  return req.map((v, a) => v ?? (a === 0 ? h : w)) as [number, number];
}

/** The [out, size] matrix whose row i averages window i. */
function averagingMatrix(size: number, out: number, dtype: DType): Tensor {
  const m = T.zeros([out, size], dtype);
  const d = m.data as Float64Array | Float32Array;
  adaptiveWindows(size, out).forEach(([s, e], i) => {
    for (let j = s; j < e; j++) d[i * size + j] = 1 / (e - s);
  });
  return new Tensor(m);
}

/**
 * Adaptive average pooling over the last two axes of [N, C, H, W] (or [C, H, W]) to `outputSize`.
 * @example
 * ```ts
 * import { adaptiveAvgPool2d } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * adaptiveAvgPool2d(randn([2, 8, 7, 5]), 1).shape; // [2, 8, 1, 1]: global average pooling
 * adaptiveAvgPool2d(randn([2, 8, 7, 5]), [3, null]).shape; // [2, 8, 3, 5]
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const [oh, ow] = check('adaptiveAvgPool2d', x, outputSize);
  const [h, w] = x.shape.slice(-2) as [number, number];
  const rows = matmul(x, mT(averagingMatrix(w, ow, x.dtype))); // [..., H, ow]
  return matmul(averagingMatrix(h, oh, x.dtype), rows); // [..., oh, ow]
}

/** The max over each adaptive window along `axis` (which becomes `out` long). */
function windowMax(x: Tensor, axis: number, out: number): Tensor {
  const size = x.shape[axis]!;
  const windows = adaptiveWindows(size, out);
  const k = Math.max(...windows.map(([s, e]) => e - s));
  // every window padded to k entries by repeating its last position: a repeat changes no max, and the
  // halves of the gradient it gets on a tie go back to the same element
  const index = new Int32Array(out * k);
  windows.forEach(([s, e], i) => {
    for (let t = 0; t < k; t++) index[i * k + t] = Math.min(s + t, e - 1);
  });
  const picked = indexSelect(x, axis, new Tensor(T.fromTypedArray(index)));
  const shape = [...x.shape.slice(0, axis), out, k, ...x.shape.slice(axis + 1)];
  return max(reshape(picked, shape), axis + 1);
}

/**
 * Adaptive max pooling over the last two axes of [N, C, H, W] (or [C, H, W]) to `outputSize`.
 * The gradient goes to each window's maximum (split evenly between exact ties).
 * @example
 * ```ts
 * import { adaptiveMaxPool2d } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * adaptiveMaxPool2d(tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]), 2).toArray(); // [[[5, 6], [8, 9]]]
 * ```
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const [oh, ow] = check('adaptiveMaxPool2d', x, outputSize);
  return windowMax(windowMax(x, x.ndim - 1, ow), x.ndim - 2, oh);
}
