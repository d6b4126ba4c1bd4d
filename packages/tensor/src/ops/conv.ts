import { type ConvGeometry, getBackend } from '../backend.js';
import { isFloat } from '../dtype.js';
import { DTypeError, RangeError, ShapeError, fmtShape } from '../errors.js';
import type { NDArray } from '../ndarray.js';

/** A pair of sizes (height, width), or one number for both. */
export type Pair = number | readonly [number, number];

/** How a 2-D sliding window moves over an input; each a (height, width) pair. */
export interface ConvOptions {
  kernel: Pair;
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

function pair(op: string, name: string, v: Pair | undefined, fallback: number, min: number): [number, number] {
  const p: [number, number] = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  for (const x of p) {
    if (!Number.isInteger(x) || x < min)
      throw new RangeError(
        op,
        `${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer (or a pair of them), ` +
          `got ${JSON.stringify(v)}`,
      );
  }
  return p;
}

/**
 * Resolves and checks a window over an input of spatial size (height, width):
 * out = ⌊(in + 2·pad − dil·(k − 1) − 1) / stride⌋ + 1, which must be at least 1.
 * @throws ShapeError when the (dilated) kernel does not fit the padded input.
 */
export function convGeometry(op: string, height: number, width: number, options: ConvOptions): ConvGeometry {
  const kernel = pair(op, 'kernel size', options.kernel, 1, 1);
  const stride = pair(op, 'stride', options.stride, 1, 1);
  const padding = pair(op, 'padding', options.padding, 0, 0);
  const dilation = pair(op, 'dilation', options.dilation, 1, 1);
  const size = (n: number, a: 0 | 1) =>
    Math.floor((n + 2 * padding[a] - dilation[a] * (kernel[a] - 1) - 1) / stride[a]) + 1;
  const output: [number, number] = [size(height, 0), size(width, 1)];
  if (output[0] < 1 || output[1] < 1) {
    throw new ShapeError(
      op,
      `a ${kernel[0]}x${kernel[1]} kernel (dilation ${dilation[0]}x${dilation[1]}) does not fit an input of ` +
        `${height}x${width} padded by ${padding[0]}x${padding[1]}: the output would be ${output[0]}x${output[1]}`,
    );
  }
  return { kernel, stride, padding, dilation, output };
}

/**
 * im2col (PyTorch's `F.unfold`): x [N, C, H, W] → [N, C·kh·kw, outH·outW]; each column holds
 * one window's values, channel-major then kernel row then kernel column. Outside the input
 * the window reads `padValue` (0; max pooling uses −∞).
 * @example
 * ```ts
 * im2col(arange(16, undefined, 1, 'float32').reshape([1, 1, 4, 4]), { kernel: 2, stride: 2 }).shape; // [1, 4, 4]
 * ```
 */
export function im2col(x: NDArray, options: ConvOptions, padValue = 0): NDArray {
  if (x.ndim !== 4) throw new ShapeError('im2col', `expected input [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (!isFloat(x.dtype)) throw new DTypeError('im2col', `expected a float input, got ${x.dtype}`);
  const g = convGeometry('im2col', x.shape[2]!, x.shape[3]!, options);
  return getBackend().im2col(x, g, padValue);
}

/**
 * col2im (PyTorch's `F.fold`), the adjoint of im2col: cols [N, C·kh·kw, L] → [N, C, H, W] for
 * the given output (H, W), summing the entries that came from the same input position.
 */
export function col2im(cols: NDArray, outputSize: readonly [number, number], options: ConvOptions): NDArray {
  if (cols.ndim !== 3) throw new ShapeError('col2im', `expected columns [N, C·kh·kw, L], got ${fmtShape(cols.shape)}`);
  if (!isFloat(cols.dtype)) throw new DTypeError('col2im', `expected float columns, got ${cols.dtype}`);
  const [height, width] = outputSize;
  const g = convGeometry('col2im', height, width, options);
  const k = g.kernel[0] * g.kernel[1];
  const L = g.output[0] * g.output[1];
  if (cols.shape[1]! % k !== 0 || cols.shape[2] !== L) {
    throw new ShapeError(
      'col2im',
      `columns ${fmtShape(cols.shape)} do not fit a ${g.kernel[0]}x${g.kernel[1]} kernel over ` +
        `${height}x${width} (expected [N, C·${k}, ${L}])`,
    );
  }
  return getBackend().col2im(cols, g, cols.shape[1]! / k, height, width);
}
