import { crossEntropy, quadraticCost } from '@chainrule/nn';
import { Tensor } from '@chainrule/autograd';
import { type NDArray, oneHot } from '@chainrule/tensor';
import type { LossName } from '../model/architecture.js';

/** A loss on a batch of outputs [n, C] against int32 labels [n]. */
export type ClassificationLoss = (outputs: Tensor, labels: NDArray) => Tensor;

/**
 * The loss of `name`: `mse` is the notes' quadratic cost C = 1/(2n) Σ‖y − a‖² against one-hot
 * targets; `ce` is softmax cross-entropy on logits, averaged over the batch.
 * @example
 * ```ts
 * const loss = classificationLoss('mse', 10)(model.forward(x), labels);
 * ```
 */
export function classificationLoss(name: LossName, classes: number): ClassificationLoss {
  if (name === 'mse') return (outputs, labels) => quadraticCost(outputs, new Tensor(oneHot(labels, classes, outputs.dtype)));
  return (outputs, labels) => crossEntropy(outputs, new Tensor(labels));
}

/** Human-readable name of a loss. */
export const LOSS_DESCRIPTIONS: Readonly<Record<LossName, string>> = {
  mse: 'quadratic cost',
  ce: 'cross-entropy',
};
