import { RangeError } from '@chainrule/tensor';
import { type Dataset, Subset } from './dataset.js';
import { randomPermutation } from './permutation.js';

/** Sizes of the three parts: fractions summing to 1, or counts summing to at most n. */
export interface SplitSizes {
  train: number;
  val: number;
  test: number;
}

/** Disjoint index lists of the three parts. */
export interface IndexSplit {
  train: number[];
  val: number[];
  test: number[];
}

/** The three parts of a dataset. */
export interface DatasetSplit<T> {
  train: Subset<T>;
  val: Subset<T>;
  test: Subset<T>;
}

/**
 * Shuffles 0..n-1 with `Rng(seed)` and cuts it into train, val and test parts. If the three sizes
 * sum to 1 they are fractions (val and test are rounded, train takes the rest); otherwise they
 * must be non-negative integer counts summing to at most n (left-over items go nowhere).
 * Given a dataset, returns `Subset`s instead of index lists.
 * @example
 * ```ts
 * const { train, val, test } = trainValTestSplit(10000, { train: 8000, val: 1000, test: 1000 }, 42);
 * const parts = trainValTestSplit(dataset, { train: 0.8, val: 0.1, test: 0.1 }, 42);
 * ```
 */
export function trainValTestSplit(n: number, sizes: SplitSizes, seed?: number): IndexSplit;
export function trainValTestSplit<T>(dataset: Dataset<T>, sizes: SplitSizes, seed?: number): DatasetSplit<T>;
export function trainValTestSplit<T>(
  source: number | Dataset<T>,
  sizes: SplitSizes,
  seed = 0,
): IndexSplit | DatasetSplit<T> {
  const n = typeof source === 'number' ? source : source.length;
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError('trainValTestSplit', `n must be a non-negative integer, got ${n}`);
  const [train, val, test] = counts(n, sizes);
  const order = randomPermutation(n, seed);
  const split: IndexSplit = {
    train: order.slice(0, train),
    val: order.slice(train, train + val),
    test: order.slice(train + val, train + val + test),
  };
  if (typeof source === 'number') return split;
  return {
    train: new Subset(source, split.train),
    val: new Subset(source, split.val),
    test: new Subset(source, split.test),
  };
}

function counts(n: number, sizes: SplitSizes): [number, number, number] {
  const values = [sizes.train, sizes.val, sizes.test];
  if (values.some((v) => typeof v !== 'number' || !(v >= 0))) {
    throw new RangeError('trainValTestSplit', `sizes must be non-negative numbers, got ${JSON.stringify(sizes)}`);
  }
  const total = values[0]! + values[1]! + values[2]!;
  if (Math.abs(total - 1) <= 1e-9) {
    const test = Math.round(sizes.test * n);
    const val = Math.min(Math.round(sizes.val * n), n - test);
    return [n - val - test, val, test];
  }
  if (!values.every(Number.isInteger) || total > n) {
    throw new RangeError(
      'trainValTestSplit',
      `sizes ${JSON.stringify(sizes)} are neither fractions summing to 1 nor integer counts summing to at most ${n}`,
    );
  }
  return [sizes.train, sizes.val, sizes.test];
}
