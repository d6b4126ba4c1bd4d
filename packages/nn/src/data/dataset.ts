import { NDArray, RangeError, ShapeError, fmtShape, fromTypedArray, indexSelect } from '@chainrule/tensor';

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
 * Arrays that share their first axis, read row by row: item `i` is `[a[i], b[i], ...]`
 * (views, no copy). `getBatch` gathers rows with `indexSelect`, one copy per array.
 * @example
 * ```ts
 * const ds = new TensorDataset(images, labels); // [n, 784] and [n]
 * const [x, y] = ds.get(0);                       // shapes [784] and []
 * ```
 */
export class TensorDataset<T extends NDArray[] = NDArray[]> implements BatchedDataset<T> {
  readonly arrays: Readonly<T>;
  readonly length: number;

  constructor(...arrays: T) {
    if (arrays.length === 0) throw new ShapeError('TensorDataset', 'expected at least one array');
    arrays.forEach((a, k) => {
      if (!(a instanceof NDArray)) throw new TypeError(`TensorDataset: argument ${k} is not an NDArray`);
      if (a.ndim === 0) throw new ShapeError('TensorDataset', `array ${k} is 0-d; every array needs a first axis to index`);
    });
    const n = arrays[0]!.shape[0]!;
    arrays.forEach((a, k) => {
      if (a.shape[0] !== n) {
        throw new ShapeError('TensorDataset', `array ${k} has shape ${fmtShape(a.shape)}, expected first dimension ${n} like array 0 ${fmtShape(arrays[0]!.shape)}`);
      }
    });
    this.arrays = arrays;
    this.length = n;
  }

  get(index: number): T {
    checkItemIndex('TensorDataset.get', index, this.length);
    return this.arrays.map((a) => a.select(0, index)) as T;
  }

  getBatch(indices: readonly number[]): T {
    const index = int32Index('TensorDataset.getBatch', indices, this.length);
    return this.arrays.map((a) => indexSelect(a, 0, index)) as T;
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

  constructor(readonly dataset: Dataset<T>, indices: readonly number[]) {
    indices.forEach((i) => checkItemIndex('Subset', i, dataset.length));
    this.indices = [...indices];
    if (hasGetBatch(dataset)) {
      this.getBatch = (batch) => dataset.getBatch(batch.map((i) => {
        checkItemIndex('Subset.getBatch', i, this.indices.length);
        return this.indices[i]!;
      }));
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
