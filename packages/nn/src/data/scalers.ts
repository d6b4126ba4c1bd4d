import { RangeError } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { type AffineParams, FeatureScaler, NotFittedError } from './feature-scaler.js';

/** Options of StandardScaler. */
export interface StandardScalerOptions {
  /** Subtract the mean (default true). */
  withMean?: boolean;
  /** Divide by the standard deviation (default true). */
  withStd?: boolean;
}

/**
 * Standardizes each feature to zero mean and unit variance, with the population standard
 * deviation (ddof 0, like scikit-learn); a constant feature is only centred (its scale is 1).
 * Fit on the training split, then transform the others with the same statistics.
 * @example
 * ```ts
 * const scaler = new StandardScaler();
 * const xTrain = scaler.fitTransform(train); // columns now have mean 0, std 1
 * const xTest = scaler.transform(test);
 * ```
 */
export class StandardScaler extends FeatureScaler {
  readonly withMean: boolean;
  readonly withStd: boolean;

  constructor(options: StandardScalerOptions = {}) {
    super();
    this.withMean = options.withMean ?? true;
    this.withStd = options.withStd ?? true;
  }

  /** The fitted per-feature means (a float64 Tensor in the feature shape). */
  get mean(): Tensor {
    return this.featureTensor(this.need('mean').shift);
  }

  /** The fitted per-feature scales (standard deviations, 1 for constant features). */
  get scale(): Tensor {
    return this.featureTensor(this.need('scale').scale);
  }

  protected computeParams(n: number, features: number, data: ArrayLike<number>): AffineParams {
    const mean = new Float64Array(features);
    for (let i = 0; i < n; i++) for (let j = 0; j < features; j++) mean[j]! += data[i * features + j]!;
    for (let j = 0; j < features; j++) mean[j]! /= n;
    // two-pass variance: sum of squared deviations from the mean, divided by n
    const scale = new Float64Array(features).fill(1);
    if (this.withStd) {
      const ss = new Float64Array(features);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < features; j++) {
          const d = data[i * features + j]! - mean[j]!;
          ss[j]! += d * d;
        }
      }
      for (let j = 0; j < features; j++) {
        const sd = Math.sqrt(ss[j]! / n);
        scale[j] = sd > 0 || Number.isNaN(sd) ? sd : 1;
      }
    }
    return { shift: this.withMean ? mean : new Float64Array(features), scale, gain: 1, offset: 0 };
  }

  private need(what: string): AffineParams {
    if (this.params === undefined) throw new NotFittedError(`StandardScaler.${what}`);
    return this.params;
  }
}

/** Options of MinMaxScaler. */
export interface MinMaxScalerOptions {
  /** The target interval (default [0, 1]). */
  featureRange?: readonly [number, number];
}

/**
 * Maps each feature's training range [min, max] linearly onto `featureRange` (default [0, 1]).
 * A constant feature maps to the low end. Values outside the training range land outside the
 * target range (no clipping).
 * @example
 * ```ts
 * const scaler = new MinMaxScaler({ featureRange: [-1, 1] });
 * scaler.fit(train);
 * scaler.transform(test);
 * ```
 */
export class MinMaxScaler extends FeatureScaler {
  readonly featureRange: readonly [number, number];

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    const range = options.featureRange ?? [0, 1];
    if (!(range[0] < range[1]) || !Number.isFinite(range[0]) || !Number.isFinite(range[1])) {
      throw new RangeError(
        'MinMaxScaler',
        `featureRange must be finite [low, high] with low < high, got [${range.join(', ')}]`,
      );
    }
    this.featureRange = [range[0], range[1]];
  }

  private range: { min: Float64Array; max: Float64Array } | undefined;

  /** The fitted per-feature minimums (a float64 Tensor in the feature shape). */
  get dataMin(): Tensor {
    return this.featureTensor(this.needRange('dataMin').min);
  }

  /** The fitted per-feature maximums (a float64 Tensor in the feature shape). */
  get dataMax(): Tensor {
    return this.featureTensor(this.needRange('dataMax').max);
  }

  protected computeParams(n: number, features: number, data: ArrayLike<number>): AffineParams {
    const min = new Float64Array(features).fill(Infinity);
    const max = new Float64Array(features).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < features; j++) {
        const v = data[i * features + j]!;
        if (v < min[j]! || Number.isNaN(v)) min[j] = v;
        if (v > max[j]! || Number.isNaN(v)) max[j] = v;
      }
    }
    const [lo, hi] = this.featureRange;
    this.range = { min, max };
    // y = (x - min) / (max - min) * (hi - lo) + lo, dividing by the range first so a tiny range
    // cannot underflow to 0; a zero range is treated as 1
    const scale = min.map((m, j) => (max[j]! - m === 0 ? 1 : max[j]! - m));
    return { shift: min, scale, gain: hi - lo, offset: lo };
  }

  private needRange(what: string): { min: Float64Array; max: Float64Array } {
    if (this.range === undefined) throw new NotFittedError(`MinMaxScaler.${what}`);
    return this.range;
  }
}
