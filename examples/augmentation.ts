/**
 * Data augmentation in the small-data regime: the 784-30-10 sigmoid network trained on only 1,000
 * digits, once on the digits as they are and once with each training batch augmented on the fly
 * (a seeded `DataLoader` transform): random affine transforms (rotate ±10°, translate ±2 px,
 * scale 0.9–1.1, shear ±10°) and elastic distortions (Simard et al. 2003, α 34, σ 4). Each
 * setting runs over several seeds; the script prints the test accuracy of each run and the mean.
 *
 * What it shows: augmentation acts as more data. The network sees a slightly different version
 * of every digit each epoch, so it cannot learn the 1,000 by heart, and the test accuracy rises.
 *
 * Run: npx tsx examples/augmentation.ts
 */
import {
  DataLoader,
  Linear,
  SGD,
  Sequential,
  Sigmoid,
  TensorDataset,
  crossEntropy,
  elasticDistortion,
  evaluate,
  fit,
  randomAffine,
} from '@chainrule/nn';
import type { Tensor } from '@chainrule/autograd';
import { Rng } from '@chainrule/tensor';
import { type DigitData, digits } from './lib/digits.js';
import { isMain } from './lib/is-main.js';

/** The augmentations compared. */
export type Augmentation = 'none' | 'affine' | 'elastic';

/** What to run. */
export interface AugmentationOptions {
  /** Training digits (default 1,000). */
  trainSize?: number;
  /** Epochs (default 30), SGD learning rate on the cross-entropy (default 0.5), batch size (default 10). */
  epochs?: number;
  lr?: number;
  batchSize?: number;
  /** Seeds of the weights, shuffles and augmentations (default [0, 1, 2]). */
  seeds?: readonly number[];
  kinds?: readonly Augmentation[];
}

/** The test accuracies of one setting, one per seed. */
export interface AugmentationResult {
  kind: Augmentation;
  testAccuracy: number[];
  mean: number;
}

/** Augments a batch of flat digits [B, 784] (as [B, 28, 28] images), drawing from `rng`. */
export function augmentDigits(kind: Augmentation, images: Tensor, rng: Rng): Tensor {
  if (kind === 'none') return images;
  const x = images.reshape([images.shape[0]!, 28, 28]);
  const y =
    kind === 'affine'
      ? randomAffine(x, { degrees: 10, translate: 2, scale: [0.9, 1.1], shear: 10, rng })
      : elasticDistortion(x, { alpha: 34, sigma: 4, rng });
  return y.reshape([images.shape[0]!, 784]);
}

function run(
  kind: Augmentation,
  seed: number,
  train: DigitData,
  test: DigitData,
  o: Required<AugmentationOptions>,
): number {
  const rng = new Rng(seed);
  const model = new Sequential(new Linear(784, 30, { rng }), new Sigmoid(), new Linear(30, 10, { rng }));
  const augmentRng = new Rng(seed + 1000);
  const loader = new DataLoader(new TensorDataset(train.images, train.labels), {
    batchSize: o.batchSize,
    shuffle: true,
    seed,
    transform: ([x, y]): [Tensor, Tensor] => [augmentDigits(kind, x, augmentRng), y],
  });
  fit(model, {
    train: loader,
    loss: crossEntropy,
    optimizer: new SGD(model.parameters(), { lr: o.lr }),
    epochs: o.epochs,
  });
  const { metrics } = evaluate(model, { x: test.images, y: test.labels }, { metrics: ['accuracy'], batchSize: 1000 });
  return metrics.accuracy!;
}

/** Trains every setting with every seed and returns the test accuracies. */
export function augmentation(options: AugmentationOptions = {}): AugmentationResult[] {
  const o: Required<AugmentationOptions> = {
    trainSize: 1000,
    epochs: 30,
    lr: 0.5,
    batchSize: 10,
    seeds: [0, 1, 2],
    kinds: ['none', 'affine', 'elastic'],
    ...options,
  };
  const data = digits({ train: o.trainSize });
  return o.kinds.map((kind) => {
    const testAccuracy = o.seeds.map((seed) => run(kind, seed, data.train, data.test, o));
    return { kind, testAccuracy, mean: testAccuracy.reduce((a, b) => a + b, 0) / testAccuracy.length };
  });
}

if (isMain(import.meta.url)) {
  const results = augmentation();
  console.log('784-30-10 sigmoid net, cross-entropy, SGD lr 0.5, batch 10, 30 epochs, 1,000 training digits');
  console.log('test accuracy on the 1,000 test digits, seeds 0, 1, 2:');
  for (const r of results) {
    const each = r.testAccuracy.map((a) => `${(100 * a).toFixed(1)}%`).join(', ');
    console.log(`  ${r.kind.padEnd(8)} ${each}   mean ${(100 * r.mean).toFixed(2)}%`);
  }
}
