/**
 * Group and instance normalization: y = (x − μ)/√(σ² + ε)·γ + β with the biased variance, the
 * statistics taken per sample over a group of channels (groupNorm) or over each channel's spatial
 * positions (instanceNorm). Composites of differentiable ops.
 */
import * as T from '@chainrule/tensor';
import { type Tensor, add, div, mean, mul, noGrad, sqrt, square, sub } from '@chainrule/autograd';
import type { RunningStats } from './normalization.js';

function checkFloat(op: string, x: Tensor, minDims: number, want: string): void {
  if (x.ndim < minDims) throw new T.ShapeError(op, `expected input ${want}, got ${T.fmtShape(x.shape)}`);
  if (!T.isFloat(x.dtype)) throw new T.DTypeError(op, `expected a float input (float32 or float64), got ${x.dtype}`);
}

/** Refuses a γ or β that is not [C]. */
function checkAffine(op: string, c: number, weight: Tensor | null, bias: Tensor | null): void {
  for (const [name, p] of [['weight', weight] as const, ['bias', bias] as const]) {
    if (p !== null && (p.ndim !== 1 || p.shape[0] !== c)) {
      throw new T.ShapeError(op, `${name} ${T.fmtShape(p.shape)} does not fit ${c} channels (expected [${c}])`);
    }
  }
}

/** y·γ + β with γ and β of C channels broadcast over [N, C, ...spatial]. */
function affine(y: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  const shape = [1, y.shape[1]!, ...y.shape.slice(2).map(() => 1)];
  let out = y;
  if (weight !== null) out = mul(out, weight.reshape(shape));
  if (bias !== null) out = add(out, bias.reshape(shape));
  return out;
}

/**
 * Group normalization of x [N, C, ...]: the C channels split into `numGroups` groups, each
 * sample's group normalized by its own mean and biased variance, then scaled per channel.
 * @example
 * ```ts
 * import { groupNorm } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * groupNorm(randn([2, 6, 4, 4]), 3).shape; // [2, 6, 4, 4]
 * ```
 */
export function groupNorm(
  x: Tensor,
  numGroups: number,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  checkFloat('groupNorm', x, 2, '[N, C, ...]');
  const [n, c] = x.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new T.RangeError('groupNorm', `numGroups ${numGroups} must be a positive integer dividing the ${c} channels`);
  }
  checkAffine('groupNorm', c, weight, bias);
  const grouped = x.reshape([n, numGroups, -1]);
  const mu = mean(grouped, 2, true);
  const centered = sub(grouped, mu);
  const variance = mean(square(centered), 2, true);
  const y = div(centered, sqrt(add(variance, eps))).reshape(x.shape);
  return affine(y, weight, bias);
}

/** Options of `instanceNorm`. */
export interface InstanceNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Running averages of the per-instance statistics, read when `useInputStats` is false. */
  running?: RunningStats | null;
  /** Normalize with each instance's own statistics (default true) and update `running` if given. */
  useInputStats?: boolean;
  /** The weight of the new batch in the running averages (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Instance normalization of x [N, C, ...spatial]: each (sample, channel) normalized over its
 * spatial positions. With `running` and `useInputStats`, the running averages move towards the
 * batch's mean of the per-instance means and unbiased variances (as PyTorch); with
 * `useInputStats: false` the running averages normalize instead.
 * @example
 * ```ts
 * import { instanceNorm } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * instanceNorm(randn([2, 3, 5, 5])).shape; // [2, 3, 5, 5]
 * ```
 */
export function instanceNorm(x: Tensor, options: InstanceNormOptions = {}): Tensor {
  checkFloat('instanceNorm', x, 3, '[N, C, ...spatial]');
  const { weight = null, bias = null, running = null, useInputStats = true, momentum = 0.1, eps = 1e-5 } = options;
  const [n, c] = x.shape as [number, number];
  const axes = x.shape.slice(2).map((_, i) => i + 2);
  const statShape = [1, c, ...axes.map(() => 1)];
  checkAffine('instanceNorm', c, weight, bias);
  if (running !== null) {
    for (const t of [running.mean, running.variance]) {
      if (t.ndim !== 1 || t.shape[0] !== c) {
        throw new T.ShapeError('instanceNorm', `running statistics ${T.fmtShape(t.shape)} do not fit ${c} channels`);
      }
    }
  }
  let mu: Tensor, variance: Tensor;
  if (useInputStats || running === null) {
    const count = axes.reduce((k, a) => k * x.shape[a]!, 1);
    if (count <= 1) {
      throw new T.ShapeError(
        'instanceNorm',
        `needs more than one spatial value per channel, got ${T.fmtShape(x.shape)}`,
      );
    }
    mu = mean(x, axes, true);
    variance = mean(square(sub(x, mu)), axes, true);
    if (running !== null) {
      noGrad(() => {
        const batchMean = mean(mu.reshape([n, c]), 0);
        const batchVar = mean(mul(variance.reshape([n, c]), count / (count - 1)), 0);
        running.mean.mulInPlace(1 - momentum).addInPlace(mul(batchMean, momentum));
        running.variance.mulInPlace(1 - momentum).addInPlace(mul(batchVar, momentum));
      });
    }
  } else {
    mu = running.mean.reshape(statShape);
    variance = running.variance.reshape(statShape);
  }
  return affine(div(sub(x, mu), sqrt(add(variance, eps))), weight, bias);
}
