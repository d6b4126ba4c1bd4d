import { type Module, accuracy, confusionMatrix, evaluate } from '@chainrule/nn';
import { Tensor } from '@chainrule/autograd';
import type { NDArray } from '@chainrule/tensor';
import type { ClassificationLoss } from './loss.js';

/** Images [n, features] with int32 labels [n] (the arrays of the MNIST loader). */
export interface LabeledSet {
  images: NDArray;
  labels: NDArray;
}

/** How a model does on a labeled set. */
export interface Evaluation {
  /** Mean loss per sample. */
  loss: number;
  /** Share of correct predictions, in [0, 1]. */
  accuracy: number;
  correct: number;
  total: number;
  /** `confusion[true][predicted]` counts. */
  confusion: number[][];
}

/** Rows per forward pass of an evaluation (bounds the memory of the 8,000-digit training split). */
export const EVAL_BATCH = 1000;

/**
 * Loss, accuracy and confusion matrix of `model` on `set`, over `classes` classes: one pass of
 * @chainrule/nn's `evaluate` (evaluation mode, no graph, `EVAL_BATCH` rows at a time) whose
 * metric also adds each batch's confusion matrix to the total.
 * @example
 * ```ts
 * const { accuracy, confusion } = evaluateClassifier(model, split.test, classificationLoss('mse', 10), 10);
 * ```
 */
export function evaluateClassifier(
  model: Module,
  set: LabeledSet,
  loss: ClassificationLoss,
  classes: number,
): Evaluation {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const tally = (pred: Tensor, target: Tensor): number => {
    confusionMatrix(pred, target, classes).forEach((row, t) => {
      row.forEach((count, p) => {
        confusion[t]![p]! += count;
      });
    });
    return accuracy(pred, target);
  };
  const result = evaluate(
    model,
    { x: new Tensor(set.images), y: new Tensor(set.labels) },
    { loss, metrics: { accuracy: tally }, batchSize: EVAL_BATCH },
  );
  const correct = confusion.reduce((a, row, i) => a + row[i]!, 0);
  const total = set.labels.size;
  return { loss: result.loss, accuracy: total > 0 ? correct / total : NaN, correct, total, confusion };
}

/** `91.73%`. */
export function percent(fraction: number, digits = 2): string {
  return `${(100 * fraction).toFixed(digits)}%`;
}
