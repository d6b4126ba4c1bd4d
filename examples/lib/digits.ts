/**
 * MNIST digits for the examples: the `mnist` package's 10,000 digits through the project's
 * loader (@chainrule/cli/mnist), split with a seed into 8,000 train / 1,000 validation / 1,000
 * test, and cut down to the sizes an example asks for, as Tensors.
 */
import { type MnistData, mnistSplit } from '@chainrule/cli/mnist';
import { Tensor } from '@chainrule/autograd';

/** Images [n, 784] float32 in [0, 1] and their int32 labels [n]. */
export interface DigitData {
  images: Tensor;
  labels: Tensor;
}

/** The three parts of the split. */
export interface Digits {
  train: DigitData;
  val: DigitData;
  test: DigitData;
}

/** How many digits of each part to keep (default: all of it). */
export interface DigitSizes {
  train?: number;
  val?: number;
  test?: number;
  /** Split seed (default 0). */
  seed?: number;
}

function head(data: MnistData, n: number | undefined): DigitData {
  const rows = n === undefined ? data.labels.size : Math.min(n, data.labels.size);
  return { images: new Tensor(data.images.slice(0, 0, rows)), labels: new Tensor(data.labels.slice(0, 0, rows)) };
}

/** The first `train`, `val` and `test` digits of each part of the seeded split. */
export function digits(sizes: DigitSizes = {}): Digits {
  const split = mnistSplit(sizes.seed ?? 0);
  return { train: head(split.train, sizes.train), val: head(split.val, sizes.val), test: head(split.test, sizes.test) };
}

/** The digits as images [n, 1, 28, 28] for convolutional nets. */
export function asImages(images: Tensor): Tensor {
  return images.reshape([images.shape[0]!, 1, 28, 28]);
}
