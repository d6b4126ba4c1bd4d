import { NDArray, ShapeError, fmtShape, shapesEqual } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';

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

/** The storage of an argument that is a Tensor or, for advanced use, its storage NDArray. */
export function storageOf(op: string, x: Tensor | NDArray): NDArray {
  if (x instanceof Tensor) return x.value;
  if (x instanceof NDArray) return x;
  throw new TypeError(`${op}: expected a Tensor`);
}

/** Rows [n, features] of x as float64 columns' view: the sample count, feature count and flat data. */
export function samples(op: string, x: NDArray): { n: number; features: number; data: ArrayLike<number> } {
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
 * anything else float32. They take Tensors (or NDArrays) and return new Tensors that record no
 * graph (scaling is preprocessing).
 * @example
 * ```ts
 * import { StandardScaler } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * const scaler = new StandardScaler();
 * scaler.fitTransform(tensor([[1, 10], [3, 30]])).toArray(); // [[-1, -1], [1, 1]]
 * scaler.inverseTransform(tensor([[0, 0]])).toArray();        // [[2, 20]]
 * ```
 */
export abstract class FeatureScaler {
  protected params: AffineParams | undefined;
  protected featureShape: number[] | undefined;

  /** True once fitted. */
  get fitted(): boolean {
    return this.params !== undefined;
  }

  /** Learns the per-feature parameters from `x` (shape [n, ...features], n >= 1). Returns this. */
  fit(x: Tensor | NDArray): this {
    const op = `${this.constructor.name}.fit`;
    const value = storageOf(op, x);
    const { n, features, data } = samples(op, value);
    if (n === 0) throw new ShapeError(op, `needs at least one sample, got shape ${fmtShape(value.shape)}`);
    const params = this.computeParams(n, features, data);
    this.params = params;
    this.featureShape = value.shape.slice(1);
    return this;
  }

  /** Applies the learned scaling. */
  transform(x: Tensor | NDArray): Tensor {
    const value = this.checked('transform', x);
    const { shift, scale, gain, offset } = this.params!;
    return mapFeatures('transform', value, (v, j) => ((v - shift[j]!) / scale[j]!) * gain + offset);
  }

  /** Undoes `transform`. */
  inverseTransform(y: Tensor | NDArray): Tensor {
    const value = this.checked('inverseTransform', y);
    const { shift, scale, gain, offset } = this.params!;
    return mapFeatures('inverseTransform', value, (v, j) => ((v - offset) / gain) * scale[j]! + shift[j]!);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor | NDArray): Tensor {
    return this.fit(x).transform(x);
  }

  protected abstract computeParams(n: number, features: number, data: ArrayLike<number>): AffineParams;

  /** A per-feature float64 tensor in the feature shape. */
  protected featureTensor(values: Float64Array): Tensor {
    return new Tensor(new NDArray(values.slice(), this.featureShape ?? [values.length]));
  }

  /** The storage of `x` once checked: fitted, and features shaped as fitted. */
  protected checked(op: string, x: Tensor | NDArray): NDArray {
    const name = `${this.constructor.name}.${op}`;
    if (this.params === undefined || this.featureShape === undefined) throw new NotFittedError(name);
    const value = storageOf(name, x);
    if (value.ndim === 0 || !shapesEqual(value.shape.slice(1), this.featureShape)) {
      throw new ShapeError(
        name,
        `expected shape [n,${this.featureShape.join(',')}] (features as fitted), got ${fmtShape(value.shape)}`,
      );
    }
    return value;
  }
}

function mapFeatures(op: string, x: NDArray, f: (v: number, feature: number) => number): Tensor {
  const { features, data } = samples(op, x);
  const out = x.dtype === 'float64' ? new Float64Array(x.size) : new Float32Array(x.size);
  for (let i = 0, j = 0; i < out.length; i++) {
    out[i] = f(data[i]!, j);
    if (++j === features) j = 0;
  }
  return new Tensor(new NDArray(out, [...x.shape]));
}
