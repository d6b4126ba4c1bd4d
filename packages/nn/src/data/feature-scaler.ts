import { NDArray, ShapeError, fmtShape, shapesEqual } from '@chainrule/tensor';

/** A scaler used before `fit`. */
export class NotFittedError extends Error {
  override readonly name = 'NotFittedError';
  constructor(op: string) {
    super(`${op}: call fit (or fitTransform) on the training data first`);
  }
}

/** Per-feature parameters: y = (x - shift) / scale * gain + offset. */
export interface AffineParams {
  shift: Float64Array;
  scale: Float64Array;
  gain: number;
  offset: number;
}

/** Rows [n, features] of x as float64 columns' view: the sample count, feature count and flat data. */
export function samples(op: string, x: NDArray): { n: number; features: number; data: ArrayLike<number> } {
  if (!(x instanceof NDArray)) throw new TypeError(`${op}: expected an NDArray`);
  if (x.ndim === 0) throw new ShapeError(op, 'expected an array with a sample axis first, got a 0-d array');
  if (x.dtype === 'bool') throw new ShapeError(op, 'expected numbers, got a bool array');
  const c = x.contiguous();
  const data = c.offset === 0 && c.data.length === c.size ? c.data : c.data.subarray(c.offset, c.offset + c.size);
  const n = x.shape[0]!;
  return { n, features: n === 0 ? x.shape.slice(1).reduce((p, d) => p * d, 1) : x.size / n, data };
}

/**
 * Shared machinery of the per-feature affine scalers: features are everything after the
 * first (sample) axis; statistics are computed in float64; float64 input gives float64 output,
 * anything else float32.
 */
export abstract class FeatureScaler {
  protected params: AffineParams | undefined;
  protected featureShape: number[] | undefined;

  /** True once fitted. */
  get fitted(): boolean {
    return this.params !== undefined;
  }

  /** Learns the per-feature parameters from `x` (shape [n, ...features], n >= 1). Returns this. */
  fit(x: NDArray): this {
    const { n, features, data } = samples(`${this.constructor.name}.fit`, x);
    if (n === 0) throw new ShapeError(`${this.constructor.name}.fit`, `needs at least one sample, got shape ${fmtShape(x.shape)}`);
    const params = this.computeParams(n, features, data);
    this.params = params;
    this.featureShape = x.shape.slice(1);
    return this;
  }

  /** Applies the learned scaling. */
  transform(x: NDArray): NDArray {
    const { shift, scale, gain, offset } = this.checked('transform', x);
    return mapFeatures('transform', x, (v, j) => ((v - shift[j]!) / scale[j]!) * gain + offset);
  }

  /** Undoes `transform`. */
  inverseTransform(y: NDArray): NDArray {
    const { shift, scale, gain, offset } = this.checked('inverseTransform', y);
    return mapFeatures('inverseTransform', y, (v, j) => ((v - offset) / gain) * scale[j]! + shift[j]!);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: NDArray): NDArray {
    return this.fit(x).transform(x);
  }

  protected abstract computeParams(n: number, features: number, data: ArrayLike<number>): AffineParams;

  /** A per-feature float64 array in the feature shape. */
  protected featureArray(values: Float64Array): NDArray {
    return new NDArray(values.slice(), this.featureShape ?? [values.length]);
  }

  protected checked(op: string, x: NDArray): AffineParams {
    const name = `${this.constructor.name}.${op}`;
    if (this.params === undefined || this.featureShape === undefined) throw new NotFittedError(name);
    if (!(x instanceof NDArray) || x.ndim === 0 || !shapesEqual(x.shape.slice(1), this.featureShape)) {
      const got = x instanceof NDArray ? fmtShape(x.shape) : typeof x;
      throw new ShapeError(name, `expected shape [n,${this.featureShape.join(',')}] (features as fitted), got ${got}`);
    }
    return this.params;
  }
}

function mapFeatures(op: string, x: NDArray, f: (v: number, feature: number) => number): NDArray {
  const { features, data } = samples(op, x);
  const out = x.dtype === 'float64' ? new Float64Array(x.size) : new Float32Array(x.size);
  for (let i = 0, j = 0; i < out.length; i++) {
    out[i] = f(data[i]!, j);
    if (++j === features) j = 0;
  }
  return new NDArray(out, [...x.shape]);
}
