/**
 * 2-D convolution and pooling, built from `unfold` (im2col): conv2d = unfold + matmul + reshape,
 * max pooling = unfold + max over each window, average pooling = unfold + mean. The gradients
 * come from unfold's rule (fold, col2im) and matmul's.
 */
import * as T from '@chainrule/tensor';
import type { ConvOptions, Pair } from '@chainrule/tensor';
import { Tensor, add, div, matmul, max, mean, reshape, sum, unfold } from '@chainrule/autograd';

/** Window options of conv2d: stride, padding and dilation, each a number or an (h, w) pair. */
export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

function check4d(op: string, x: Tensor): void {
  if (x.ndim !== 4) throw new T.ShapeError(op, `expected input [N, C, H, W], got ${T.fmtShape(x.shape)}`);
}

/**
 * 2-D cross-correlation (what deep learning calls convolution): x [N, C, H, W], weight
 * [O, C, kh, kw], bias [O] → [N, O, outH, outW].
 * @example
 * ```ts
 * import { conv2d } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * conv2d(randn([2, 3, 8, 8]), randn([4, 3, 3, 3]), null, { padding: 1 }).shape; // [2, 4, 8, 8]
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  check4d('conv2d', x);
  if (weight.ndim !== 4 || weight.shape[1] !== x.shape[1]) {
    throw new T.ShapeError(
      'conv2d',
      `weight ${T.fmtShape(weight.shape)} does not fit input ${T.fmtShape(x.shape)} ` +
        `(expected [outChannels, ${x.shape[1]}, kh, kw])`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new T.ShapeError('conv2d', `bias ${T.fmtShape(bias.shape)} does not fit ${weight.shape[0]} output channels`);
  }
  const [o, c, kh, kw] = weight.shape as [number, number, number, number];
  const window: ConvOptions = { kernel: [kh, kw], ...options };
  const g = T.convGeometry('conv2d', x.shape[2]!, x.shape[3]!, window);
  const cols = unfold(x, window); // [N, C·kh·kw, L]
  let out = matmul(reshape(weight, [o, c * kh * kw]), cols); // [N, O, L]
  out = reshape(out, [x.shape[0]!, o, g.output[0], g.output[1]]);
  return bias === null ? out : add(out, reshape(bias, [1, o, 1, 1]));
}

/** Window options of the pooling functions; the stride defaults to the kernel size. */
export interface PoolOptions {
  kernel: Pair;
  stride?: Pair;
  padding?: Pair;
}

function poolWindow(
  op: string,
  x: Tensor,
  options: PoolOptions & { dilation?: Pair },
): { window: ConvOptions; out: readonly [number, number]; k: number } {
  check4d(op, x);
  const window: ConvOptions = {
    kernel: options.kernel,
    stride: options.stride ?? options.kernel,
    padding: options.padding ?? 0,
    dilation: options.dilation ?? 1,
  };
  const g = T.convGeometry(op, x.shape[2]!, x.shape[3]!, window);
  if (g.padding[0] * 2 > g.kernel[0] || g.padding[1] * 2 > g.kernel[1]) {
    throw new T.RangeError(
      op,
      `padding ${g.padding[0]}x${g.padding[1]} must be at most half the kernel ${g.kernel[0]}x${g.kernel[1]}`,
    );
  }
  return { window, out: g.output, k: g.kernel[0] * g.kernel[1] };
}

/**
 * Max pooling: the largest value in each window (padding reads −∞). Gradients go to the
 * maximum of each window (split evenly between exact ties).
 */
export function maxPool2d(x: Tensor, options: PoolOptions & { dilation?: Pair }): Tensor {
  const { window, out, k } = poolWindow('maxPool2d', x, options);
  const [n, c] = x.shape as [number, number];
  const cols = reshape(unfold(x, window, -Infinity), [n, c, k, out[0] * out[1]]);
  return reshape(max(cols, 2), [n, c, out[0], out[1]]);
}

/**
 * Average pooling: the mean of each window. With `countIncludePad` (the default, as PyTorch)
 * padded zeros count in the mean; without, only positions inside the input do.
 */
export function avgPool2d(x: Tensor, options: PoolOptions & { countIncludePad?: boolean }): Tensor {
  const { window, out, k } = poolWindow('avgPool2d', x, options);
  const [n, c] = x.shape as [number, number];
  const cols = reshape(unfold(x, window), [n, c, k, out[0] * out[1]]);
  if (options.countIncludePad ?? true) return reshape(mean(cols, 2), [n, c, out[0], out[1]]);
  const ones = T.ones([1, 1, x.shape[2]!, x.shape[3]!], x.dtype);
  const counts = T.sum(T.im2col(ones, window), [1]); // [1, L]: how many input positions each window covers
  const avg = div(sum(cols, 2), new Tensor(counts.reshape([1, 1, out[0] * out[1]])));
  return reshape(avg, [n, c, out[0], out[1]]);
}
