import { crossEntropy, quadraticCost } from '@chainrule/nn';
import { type Tensor, oneHot } from '@chainrule/autograd';
import type { LossName } from '../model/architecture.js';

/**
 * A loss on a batch of outputs [n, C] against int32 labels [n] — or, with `encoded`, against
 * targets already in the loss's form (one-hot rows for mse, labels for ce).
 */
export type ClassificationLoss = (outputs: Tensor, targets: Tensor, encoded?: boolean) => Tensor;

/**
 * The loss of `name`: `mse` is the notes' quadratic cost C = 1/(2n) Σ‖y − a‖² against one-hot
 * targets; `ce` is softmax cross-entropy on logits, averaged over the batch.
 * @example
 * ```ts
 * const loss = classificationLoss('mse', 10)(model.forward(x), labels);
 * ```
 */
export function classificationLoss(name: LossName, classes: number): ClassificationLoss {
  if (name === 'mse') {
    return (outputs, targets, encoded = false) =>
      quadraticCost(outputs, encoded ? targets : oneHot(targets, classes, outputs.dtype));
  }
  return (outputs, targets) => crossEntropy(outputs, targets);
}

/** Human-readable name of a loss. */
export const LOSS_DESCRIPTIONS: Readonly<Record<LossName, string>> = {
  mse: 'quadratic cost',
  ce: 'cross-entropy',
};
