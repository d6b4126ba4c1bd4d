import { NDArray, RangeError, ShapeError, fmtShape, fromTypedArray, indexSelect } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';

/**
 * Anything indexable with a length: item `i` for `0 <= i < length`.
 * @example
 * ```ts
 * const squares: Dataset<number> = { length: 10, get: (i) => i * i };
 * ```
 */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/** A dataset that can also fetch a whole batch at once, already collated (the DataLoader's fast path). */
export interface BatchedDataset<T, B = T> extends Dataset<T> {
  getBatch(indices: readonly number[]): B;
}

/** True when `dataset` offers `getBatch`. */
export function hasGetBatch<T>(dataset: Dataset<T>): dataset is BatchedDataset<T, unknown> {
  return typeof (dataset as Partial<BatchedDataset<T, unknown>>).getBatch === 'function';
}

/** Throws unless `index` is an integer in [0, length). */
export function checkItemIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(op, `index ${index} is out of range for a dataset of length ${length}`);
  }
}

/** int32 index array for indexSelect. */
function int32Index(op: string, indices: readonly number[], length: number): NDArray {
  const data = new Int32Array(indices.length);
  indices.forEach((i, k) => {
    checkItemIndex(op, i, length);
    data[k] = i;
  });
  return fromTypedArray(data);
}

/**
 * What `TensorDataset` holds and returns for arguments `A`: one `Tensor` per argument.
 * @example
 * ```ts
 * import type { TensorTuple } from '@chainrule/nn';
 * import type { NDArray } from '@chainrule/tensor';
 * import type { Tensor } from '@chainrule/autograd';
 * type Item = TensorTuple<[Tensor, NDArray]>; // [Tensor, Tensor]
 * ```
 */
export type TensorTuple<A extends readonly (Tensor | NDArray)[]> = { -readonly [K in keyof A]: Tensor };

/**
 * Tensors that share their first axis, read row by row: item `i` is `[a[i], b[i], ...]`, as
 * Tensors (views of the same storage, no copy). `getBatch` gathers rows with `indexSelect`, one
 * copy per tensor. Items are data: they record no graph, even when an input requires grad.
 * Takes `Tensor`s (or, for advanced use, `NDArray`s, which are wrapped); always returns `Tensor`s.
 * @throws ShapeError for no arguments, a 0-d argument, or first dimensions that differ.
 * @example
 * ```ts
 * import { TensorDataset } from '@chainrule/nn';
 * import { randn, randint } from '@chainrule/autograd';
 * const ds = new TensorDataset(randn([100, 784]), randint(0, 10, [100]));
 * const [x, y] = ds.get(0);                // Tensors of shapes [784] and []
 * const [xb, yb] = ds.getBatch([3, 1, 4]); // shapes [3, 784] and [3]
 * ```
 */
export class TensorDataset<A extends (Tensor | NDArray)[] = Tensor[]> implements BatchedDataset<TensorTuple<A>> {
  /** The tensors, in argument order. */
  readonly tensors: Readonly<TensorTuple<A>>;
  readonly length: number;
  private readonly values: readonly NDArray[];

  constructor(...tensors: A) {
    if (tensors.length === 0) throw new ShapeError('TensorDataset', 'expected at least one tensor');
    const values = tensors.map((t, k) => {
      if (t instanceof Tensor) return t.value;
      if (t instanceof NDArray) return t;
      throw new TypeError(`TensorDataset: argument ${k} is not a Tensor`);
    });
    values.forEach((a, k) => {
      if (a.ndim === 0)
        throw new ShapeError('TensorDataset', `tensor ${k} is 0-d; every tensor needs a first axis to index`);
    });
    const n = values[0]!.shape[0]!;
    values.forEach((a, k) => {
      if (a.shape[0] !== n) {
        throw new ShapeError(
          'TensorDataset',
          `tensor ${k} has shape ${fmtShape(a.shape)}, ` +
            `expected first dimension ${n} like tensor 0 ${fmtShape(values[0]!.shape)}`,
        );
      }
    });
    this.values = values;
    this.tensors = tensors.map((t) => (t instanceof Tensor ? t : new Tensor(t))) as TensorTuple<A>;
    this.length = n;
  }

  get(index: number): TensorTuple<A> {
    checkItemIndex('TensorDataset.get', index, this.length);
    return this.values.map((a) => new Tensor(a.select(0, index))) as TensorTuple<A>;
  }

  getBatch(indices: readonly number[]): TensorTuple<A> {
    const index = int32Index('TensorDataset.getBatch', indices, this.length);
    return this.values.map((a) => new Tensor(indexSelect(a, 0, index))) as TensorTuple<A>;
  }
}

/**
 * The items of `dataset` at `indices`, in that order (as returned by `trainValTestSplit`).
 * @example new Subset(ds, [4, 0, 2]).get(0); // ds.get(4)
 */
export class Subset<T> implements Dataset<T> {
  readonly indices: readonly number[];
  /** Batch fetch, present only when the underlying dataset has one (it maps the indices through). */
  readonly getBatch?: (indices: readonly number[]) => unknown;

  constructor(
    readonly dataset: Dataset<T>,
    indices: readonly number[],
  ) {
    indices.forEach((i) => {
      checkItemIndex('Subset', i, dataset.length);
    });
    this.indices = [...indices];
    if (hasGetBatch(dataset)) {
      this.getBatch = (batch) =>
        dataset.getBatch(
          batch.map((i) => {
            checkItemIndex('Subset.getBatch', i, this.indices.length);
            return this.indices[i]!;
          }),
        );
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkItemIndex('Subset.get', index, this.indices.length);
    return this.dataset.get(this.indices[index]!);
  }
}
