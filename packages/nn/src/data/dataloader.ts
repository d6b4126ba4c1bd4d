import { RangeError, Rng } from '@chainrule/tensor';
import { type Collated, defaultCollate } from './collate.js';
import { type Dataset, hasGetBatch } from './dataset.js';
import { epochSeed, randomPermutation } from './permutation.js';

/** How a DataLoader batches. */
export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Reshuffle every epoch (default false: dataset order). */
  shuffle?: boolean;
  /** Seed of the shuffles (default 0); epoch e uses a generator derived from (seed, e). */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Makes a batch from items (default: `defaultCollate`, or the dataset's `getBatch` when it has one). */
  collate?: (items: T[]) => B;
  /**
   * Applied to each batch after collation, e.g. a seeded augmentation:
   * `transform: ([x, y]): [Tensor, Tensor] => [randomAffine(x, { degrees: 10, rng }), y]` (default: none).
   */
  transform?: (batch: B) => B;
}

/**
 * Iterates over a dataset in batches. Each `for..of` is one epoch; with `shuffle` the order of
 * epoch e is a permutation drawn from a generator seeded by (seed, e), so runs repeat exactly
 * and a resumed run can `setEpoch(e)` to continue the same sequence.
 * @example
 * ```ts
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 10, shuffle: true, seed: 1 });
 * for (let epoch = 0; epoch < 30; epoch++) for (const [xb, yb] of loader) train(xb, yb);
 * ```
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  private readonly collate: ((items: T[]) => B) | undefined;
  private readonly transform: ((batch: B) => B) | undefined;
  private nextEpoch = 0;

  constructor(
    readonly dataset: Dataset<T>,
    options: DataLoaderOptions<T, B> = {},
  ) {
    const { batchSize = 1, shuffle = false, seed = 0, dropLast = false, collate, transform } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError('DataLoader', `batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(seed)) throw new RangeError('DataLoader', `seed must be an integer, got ${seed}`);
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
    this.collate = collate;
    this.transform = transform;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The epoch the next `for..of` will run. */
  get epoch(): number {
    return this.nextEpoch;
  }

  /** Sets the epoch the next `for..of` runs (to resume a run). */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0)
      throw new RangeError('DataLoader', `epoch must be a non-negative integer, got ${epoch}`);
    this.nextEpoch = epoch;
  }

  /** The item order of `epoch` (identity without shuffle). */
  order(epoch: number): number[] {
    const n = this.dataset.length;
    if (!this.shuffle) return Array.from({ length: n }, (_, i) => i);
    return randomPermutation(n, new Rng(epochSeed(this.seed, epoch)));
  }

  [Symbol.iterator](): Iterator<B> {
    const order = this.order(this.nextEpoch++);
    return this.batches(order);
  }

  private *batches(order: number[]): Generator<B> {
    const batches = this.length;
    const dataset = this.dataset;
    for (let b = 0; b < batches; b++) {
      const indices = order.slice(b * this.batchSize, (b + 1) * this.batchSize);
      let batch: B;
      if (this.collate !== undefined) batch = this.collate(indices.map((i) => dataset.get(i)));
      else if (hasGetBatch(dataset)) batch = dataset.getBatch(indices) as B;
      else batch = defaultCollate(indices.map((i) => dataset.get(i))) as B;
      yield this.transform === undefined ? batch : this.transform(batch);
    }
  }
}
