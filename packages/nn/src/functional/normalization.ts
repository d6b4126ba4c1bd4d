import * as T from '@chainrule/tensor';
import { type Tensor, add, div, mean, mul, noGrad, sqrt, square, sub } from '@chainrule/autograd';

/** Running statistics that `batchNorm` reads (eval) or updates in place (training). */
export interface RunningStats {
  mean: Tensor;
  variance: Tensor;
}

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  running?: RunningStats | null;
  training?: boolean;
  /** The weight of the new batch in the running averages (default 0.1, PyTorch's). */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalization over [N, C] or [N, C, L] with statistics per channel C:
 * y = (x − μ)/√(σ² + ε)·γ + β. Training uses the batch's mean and biased variance and updates the
 * running averages (r ← (1 − m)r + m·stat, the variance unbiased, as PyTorch); evaluation
 * uses the running averages.
 */
export function batchNorm(x: Tensor, options: BatchNormOptions = {}): Tensor {
  if (x.ndim !== 2 && x.ndim !== 3)
    throw new T.ShapeError('batchNorm', `expected input [N, C] or [N, C, L], got ${T.fmtShape(x.shape)}`);
  const { weight = null, bias = null, running = null, training = true, momentum = 0.1, eps = 1e-5 } = options;
  const c = x.shape[1]!;
  const axes = x.ndim === 2 ? [0] : [0, 2];
  const statShape = x.ndim === 2 ? [1, c] : [1, c, 1];
  let mu: Tensor, variance: Tensor;
  if (training || running === null) {
    const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
    if (training && count <= 1)
      throw new T.ShapeError(
        'batchNorm',
        `training needs more than one value per channel, got input ${T.fmtShape(x.shape)}`,
      );
    mu = mean(x, axes, true);
    variance = mean(square(sub(x, mu)), axes, true);
    if (training && running !== null) {
      noGrad(() => {
        const unbiased = mul(variance.reshape([c]), count / (count - 1));
        running.mean.mulInPlace(1 - momentum).addInPlace(mul(mu.reshape([c]), momentum));
        running.variance.mulInPlace(1 - momentum).addInPlace(mul(unbiased, momentum));
      });
    }
  } else {
    mu = running.mean.reshape(statShape);
    variance = running.variance.reshape(statShape);
  }
  let y = div(sub(x, mu), sqrt(add(variance, eps)));
  if (weight !== null) y = mul(y, weight.reshape(statShape));
  if (bias !== null) y = add(y, bias.reshape(statShape));
  return y;
}

/**
 * Layer normalization over the last `normalizedShape.length` axes: y = (x − μ)/√(σ² + ε)·γ + β
 * with the biased variance of each sample.
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const k = normalizedShape.length;
  if (x.ndim < k || !T.shapesEqual(x.shape.slice(x.ndim - k), normalizedShape)) {
    throw new T.ShapeError(
      'layerNorm',
      `input ${T.fmtShape(x.shape)} does not end in the normalized shape ${T.fmtShape(normalizedShape)}`,
    );
  }
  const axes = normalizedShape.map((_, i) => x.ndim - k + i);
  const mu = mean(x, axes, true);
  const centered = sub(x, mu);
  const variance = mean(square(centered), axes, true);
  let y = div(centered, sqrt(add(variance, eps)));
  if (weight !== null) y = mul(y, weight);
  if (bias !== null) y = add(y, bias);
  return y;
}
