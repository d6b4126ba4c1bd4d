/**
 * Pooling over sliding windows: max pooling is the max over each window (the backend's `maxPool`,
 * with the bits of unfold + max), average pooling unfold (im2col) + mean; the 1-D forms pool a
 * height of 1. Gradients come from unfold's rule (fold) and the reductions', except max pooling's
 * first-order gradient, one fused kernel with the same bits (see `windowMax`).
 */
import * as T from '@chainrule/tensor';
import type { ConvGeometry, ConvOptions, Pair } from '@chainrule/tensor';
import {
  Tensor,
  cast,
  customOp,
  div,
  eq,
  fold,
  isGradEnabled,
  mean,
  mul,
  reshape,
  squeeze,
  sum,
  unfold,
  unsqueeze,
} from '@chainrule/autograd';
import { type Single, checkInput, padAfter, single } from './conv.js';

/** Window options of the 2-D pooling functions; the stride defaults to the kernel size. */
export interface PoolOptions {
  kernel: Pair;
  stride?: Pair;
  padding?: Pair;
  /**
   * Round the output size up (PyTorch's `ceil_mode`): a last, partial window is kept when it starts
   * inside the input or the left padding (default false).
   */
  ceilMode?: boolean;
}

/** Window options of the 1-D pooling functions; the stride defaults to the kernel size. */
export interface Pool1dOptions {
  kernel: Single;
  stride?: Single;
  padding?: Single;
  ceilMode?: boolean;
}

interface PoolPlan {
  window: ConvOptions;
  geometry: ConvGeometry;
  out: [number, number];
  /** Rows and columns a ceil-mode output reads past the padded input. */
  extra: [number, number];
}

function poolWindow(op: string, x: Tensor, options: PoolOptions & { dilation?: Pair }): PoolPlan {
  const window: ConvOptions = {
    kernel: options.kernel,
    stride: options.stride ?? options.kernel,
    padding: options.padding ?? 0,
    dilation: options.dilation ?? 1,
  };
  const size = [x.shape[2]!, x.shape[3]!] as const;
  const g = options.ceilMode ? T.convGeometry(op, Infinity, Infinity, window) : T.convGeometry(op, ...size, window);
  if (g.padding[0] * 2 > g.kernel[0] || g.padding[1] * 2 > g.kernel[1]) {
    throw new T.RangeError(
      op,
      `padding ${g.padding[0]}x${g.padding[1]} must be at most half the kernel ${g.kernel[0]}x${g.kernel[1]}`,
    );
  }
  if (!options.ceilMode) return { window, geometry: g, out: [g.output[0], g.output[1]], extra: [0, 0] };
  const out: [number, number] = [0, 0],
    extra: [number, number] = [0, 0];
  for (const a of [0, 1] as const) {
    const [s, p] = [g.stride[a], g.padding[a]];
    const span = g.dilation[a] * (g.kernel[a] - 1) + 1;
    let o = Math.ceil((size[a] + 2 * p - span) / s) + 1;
    if ((o - 1) * s >= size[a] + p) o--; // the last window must start inside the input or the left padding
    if (o < 1) {
      throw new T.ShapeError(op, `a ${g.kernel.join('x')} window gives no output over ${size.join('x')} (ceil mode)`);
    }
    out[a] = o;
    extra[a] = Math.max(0, (o - 1) * s + span - (size[a] + 2 * p));
  }
  return { window, geometry: g, out, extra };
}

/**
 * The max over each window of x (padding reads −∞), [N, C, outH, outW], as one op. Forward: the
 * backend's `maxPool`, which gives the bits of the chain unfold → max over the window axis without
 * building the columns. Backward:
 * the backend's `maxPoolGrad`, which gives the bits of that chain's gradient (the max rule's, then
 * fold) without building the columns; when the gradient will itself be differentiated (grad mode
 * on during backward: createGraph) the chain's rule is recorded as ops instead, as the max rule does.
 */
function windowMax(op: string, x: Tensor, window: ConvOptions): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const g = T.convGeometry(op, h, w, window);
  const k = g.kernel[0] * g.kernel[1],
    L = g.output[0] * g.output[1];
  const pool = customOp({
    name: op,
    forward: (v) => T.getBackend().maxPool(v, g),
    backward: (grad, [xt], out) => {
      // d max / d x_k = [x_k = max] / #ties in each window, added back to the positions the windows read
      if (!isGradEnabled()) return [new Tensor(T.getBackend().maxPoolGrad(xt!.value, out.value, grad.value, g))];
      const mask = eq(reshape(unfold(xt!, window, -Infinity), [n, c, k, L]), reshape(out, [n, c, 1, L]));
      const share = div(mul(reshape(grad, [n, c, 1, L]), mask), sum(cast(mask, xt!.dtype), 2, true));
      return [fold(reshape(share, [n, c * k, L]), [h, w], window)];
    },
  });
  return pool(x);
}

function maxPool(op: string, x: Tensor, options: PoolOptions & { dilation?: Pair }): Tensor {
  const { window, extra } = poolWindow(op, x, options);
  return windowMax(op, extra[0] + extra[1] > 0 ? padAfter(x, extra, -Infinity) : x, window);
}

/**
 * Each output position's divisor along one axis, PyTorch's: the window clipped to the padded input
 * (countIncludePad), or to the input itself.
 */
function divisors(size: number, out: number, k: number, s: number, p: number, includePad: boolean): number[] {
  return Array.from({ length: out }, (_, o) => {
    const start = o * s - p;
    const end = Math.min(start + k, size + p);
    return includePad ? end - start : Math.min(end, size) - Math.max(start, 0);
  });
}

function avgPool(op: string, x: Tensor, options: PoolOptions & { countIncludePad?: boolean }): Tensor {
  const { window, geometry: g, out, extra } = poolWindow(op, x, options);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const k = g.kernel[0] * g.kernel[1];
  const xs = extra[0] + extra[1] > 0 ? padAfter(x, extra) : x;
  const cols = reshape(unfold(xs, window), [n, c, k, out[0] * out[1]]);
  const include = options.countIncludePad ?? true;
  if (include && extra[0] + extra[1] === 0) return reshape(mean(cols, 2), [n, c, out[0], out[1]]);
  const dh = divisors(h, out[0], g.kernel[0], g.stride[0], g.padding[0], include);
  const dw = divisors(w, out[1], g.kernel[1], g.stride[1], g.padding[1], include);
  const counts = T.zeros([1, 1, out[0] * out[1]], x.dtype);
  const d = counts.data as Float32Array | Float64Array;
  for (let i = 0; i < out[0]; i++) for (let j = 0; j < out[1]; j++) d[i * out[1] + j] = dh[i]! * dw[j]!;
  return reshape(div(sum(cols, 2), new Tensor(counts)), [n, c, out[0], out[1]]);
}

/** A 1-D pooling's options as the 2-D options over a height of 1. */
function as2d(o: Pool1dOptions & { dilation?: Single }): PoolOptions & { dilation?: Pair } {
  const s = single(o.stride) ?? single(o.kernel)!;
  return {
    kernel: [1, single(o.kernel)!],
    stride: [1, s],
    padding: [0, single(o.padding) ?? 0],
    dilation: [1, single(o.dilation) ?? 1],
    ceilMode: o.ceilMode,
  };
}

/**
 * Max pooling: the largest value in each window (padding reads −∞). Gradients go to the
 * maximum of each window (split evenly between exact ties).
 * @example
 * ```ts
 * import { maxPool2d } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * maxPool2d(randn([1, 3, 8, 8]), { kernel: 2 }).shape; // [1, 3, 4, 4]
 * ```
 */
export function maxPool2d(x: Tensor, options: PoolOptions & { dilation?: Pair }): Tensor {
  checkInput('maxPool2d', x, 2);
  return maxPool('maxPool2d', x, options);
}

/**
 * Average pooling: the mean of each window. With `countIncludePad` (the default, as PyTorch)
 * padded zeros count in the mean; without, only positions inside the input do.
 * @example
 * ```ts
 * import { avgPool2d } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * avgPool2d(randn([1, 3, 8, 8]), { kernel: 3, stride: 1, padding: 1 }).shape; // [1, 3, 8, 8]
 * ```
 */
export function avgPool2d(x: Tensor, options: PoolOptions & { countIncludePad?: boolean }): Tensor {
  checkInput('avgPool2d', x, 2);
  return avgPool('avgPool2d', x, options);
}

/**
 * 1-D max pooling over [N, C, L] (padding reads −∞; at most half the kernel).
 * @example
 * ```ts
 * import { maxPool1d } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * maxPool1d(tensor([[[1, 5, 2, 4, 3, 0]]]), { kernel: 2 }).toArray(); // [[[5, 4, 3]]]
 * ```
 */
export function maxPool1d(x: Tensor, options: Pool1dOptions & { dilation?: Single }): Tensor {
  checkInput('maxPool1d', x, 1);
  return squeeze(maxPool('maxPool1d', unsqueeze(x, 2), as2d(options)), 2);
}

/**
 * 1-D average pooling over [N, C, L]; `countIncludePad` as avgPool2d.
 * @example
 * ```ts
 * import { avgPool1d } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * avgPool1d(tensor([[[1, 5, 2, 4]]]), { kernel: 2 }).toArray(); // [[[3, 3]]]
 * ```
 */
export function avgPool1d(x: Tensor, options: Pool1dOptions & { countIncludePad?: boolean }): Tensor {
  checkInput('avgPool1d', x, 1);
  const window = { ...as2d(options), countIncludePad: options.countIncludePad };
  return squeeze(avgPool('avgPool1d', unsqueeze(x, 2), window), 2);
}
