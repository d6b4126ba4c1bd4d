/**
 * The network most examples train on the digits: 784-hidden-10 with sigmoid units, cross-entropy,
 * plain SGD with mini-batches of 10; and its accuracy on a part of the split.
 */
import { Linear, SGD, Sequential, Sigmoid, crossEntropy, evaluate, fit } from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';
import type { DigitData } from './digits.js';

/** The two settings the searches tune. */
export interface Params {
  lr: number;
  hidden: number;
}

/** Trains a 784-hidden-10 sigmoid network on `train` for `epochs`, from `seed`; returns it. */
export function trainDigitMlp(train: DigitData, p: Params, epochs: number, seed: number): Sequential {
  const rng = new Rng(seed);
  const model = new Sequential(new Linear(784, p.hidden, { rng }), new Sigmoid(), new Linear(p.hidden, 10, { rng }));
  fit(model, {
    train: { x: train.images, y: train.labels },
    batchSize: 10,
    seed,
    loss: crossEntropy,
    optimizer: new SGD(model.parameters(), { lr: p.lr }),
    epochs,
  });
  return model;
}

/** The model's accuracy on `part` (images and labels). */
export function digitAccuracy(model: Sequential, part: DigitData): number {
  return evaluate(model, { x: part.images, y: part.labels }, { metrics: ['accuracy'], batchSize: 1000 }).metrics
    .accuracy!;
}
