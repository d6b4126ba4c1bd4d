import { RangeError, Rng, ShapeError } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { backgroundRows, coalitionValues, rowTarget } from './coalitions.js';
import { weightedRidge } from './least-squares.js';
import { type Model, type Target, asFunction, checkInputs, fromValues, values } from './model.js';

/** Options of `lime`. */
export interface LimeOptions {
  /** The value of a feature switched off: a number or a row [D] (default 0). */
  baselines?: number | Tensor;
  /** Perturbed samples per explained row (default 500). */
  nSamples?: number;
  /**
   * Width of the exponential kernel exp(−dist²/width²) on the cosine distance between a sample's
   * on/off vector and all-on (default 1, as Captum's `Lime`).
   */
  kernelWidth?: number;
  /** The ridge penalty of the interpretable linear model (default 1e-3). */
  alpha?: number;
  target?: Target;
  /** The generator of the samples (default `new Rng(0)`). */
  rng?: Rng;
}

/**
 * LIME (Ribeiro, Singh & Guestrin 2016) on tabular rows: `nSamples` random on/off vectors z (each
 * feature on with probability ½), the model on x where z is on and the baseline where it is off,
 * and a weighted ridge regression of those outputs on z, weighted by the kernel of z's distance to
 * x. The coefficients are the attributions, float64 [N, D].
 * @example
 * ```ts
 * import { lime } from '@chainrule/interpret';
 * import { type Tensor, tensor, Rng } from '@chainrule/autograd';
 * const f = (x: Tensor) => x.select(1, 0).mul(2).sub(x.select(1, 1));
 * const w = lime(f, tensor([[1, 1]], { dtype: 'float64' }), { nSamples: 100, rng: new Rng(0) });
 * // ≈ [[2, -1]]: a linear model is its own explanation
 * ```
 */
export function lime(model: Model, inputs: Tensor, options: LimeOptions = {}): Tensor {
  const op = 'lime';
  checkInputs(op, inputs);
  if (inputs.ndim !== 2) throw new ShapeError(op, `expected inputs [N, D], got [${inputs.shape.join(', ')}]`);
  const [n, d] = inputs.shape as [number, number];
  const { nSamples = 500, kernelWidth = 1, alpha = 1e-3, target } = options;
  if (!Number.isInteger(nSamples) || nSamples < 2)
    throw new RangeError(op, `nSamples must be an integer >= 2, got ${nSamples}`);
  if (!(kernelWidth > 0)) throw new RangeError(op, `kernelWidth must be > 0, got ${kernelWidth}`);
  if (!(alpha >= 0)) throw new RangeError(op, `alpha must be >= 0, got ${alpha}`);
  const background = backgroundRows(op, options.baselines, d);
  if (background.length !== 1) throw new ShapeError(op, `expected baselines as a number or one row [${d}]`);
  const rng = options.rng ?? new Rng(0);
  const f = asFunction(model);
  const dtype = inputs.dtype as 'float32' | 'float64';
  const data = values(inputs);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const x = Float64Array.from({ length: d }, (_, j) => data[i * d + j]!);
    const masks = Array.from({ length: nSamples }, () =>
      Array.from({ length: d }, (): number => (rng.uniform() < 0.5 ? 1 : 0)),
    );
    const y = coalitionValues(op, f, x, background, masks, dtype, rowTarget(target, i));
    const weights = masks.map((z) => {
      const on = z.reduce((s, v) => s + v, 0);
      const dist = on === 0 ? 1 : 1 - Math.sqrt(on / d); // cosine distance between z and all-on
      return Math.exp(-(dist * dist) / (kernelWidth * kernelWidth));
    });
    const { coef } = weightedRidge(op, masks, y, weights, alpha, true);
    for (let j = 0; j < d; j++) out[i * d + j] = coef[j]!;
  }
  return fromValues(out, [n, d], 'float64');
}
