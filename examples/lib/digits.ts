/**
 * MNIST digits for the examples: the `mnist` package's 10,000 digits through the project's
 * loader (@chainrule/cli/mnist), split with a seed into 8,000 train / 1,000 validation / 1,000
 * test, and cut down to the sizes an example asks for.
 */
import { type MnistData, mnistSplit } from '@chainrule/cli/mnist';
import type { NDArray } from '@chainrule/tensor';

/** Images [n, 784] float32 in [0, 1] and int32 labels [n] of each part. */
export interface Digits {
  train: MnistData;
  val: MnistData;
  test: MnistData;
}

/** How many digits of each part to keep (default: all of it). */
export interface DigitSizes {
  train?: number;
  val?: number;
  test?: number;
  /** Split seed (default 0). */
  seed?: number;
}

function head(data: MnistData, n: number | undefined): MnistData {
  if (n === undefined || n >= data.labels.size) return data;
  return { images: data.images.slice(0, 0, n), labels: data.labels.slice(0, 0, n) };
}

/** The first `train`, `val` and `test` digits of each part of the seeded split. */
export function digits(sizes: DigitSizes = {}): Digits {
  const split = mnistSplit(sizes.seed ?? 0);
  return { train: head(split.train, sizes.train), val: head(split.val, sizes.val), test: head(split.test, sizes.test) };
}

/** The digits as images [n, 1, 28, 28] for convolutional nets. */
export function asImages(images: NDArray): NDArray {
  return images.reshape([images.shape[0]!, 1, 28, 28]);
}
