import { type Module, accuracy, confusionMatrix, evaluate, f1Score, precision, recall } from '@chainrule/nn';
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
  /** Precision, recall and F1 of each class, and their macro averages. */
  classes: ClassScores;
}

/**
 * Per-class precision, recall and F1 (scikit-learn's rules, @chainrule/nn's functions), NaN where a
 * class was never predicted (precision) or has no sample (recall; F1 where both): such classes are
 * left out of the macro averages (`zeroDivision: NaN`).
 */
export interface ClassScores {
  precision: number[];
  recall: number[];
  f1: number[];
  /** True samples of each class. */
  support: number[];
  macro: { precision: number; recall: number; f1: number };
}

/**
 * The per-class scores of a confusion matrix `matrix[true][predicted]`.
 * @example
 * ```ts
 * classScores([[3, 1], [0, 4]]).precision; // [1, 0.8]
 * ```
 */
export function classScores(matrix: readonly (readonly number[])[]): ClassScores {
  const yTrue: number[] = [],
    yPred: number[] = [];
  matrix.forEach((row, t) => {
    row.forEach((count, p) => {
      for (let k = 0; k < count; k++) {
        yTrue.push(t);
        yPred.push(p);
      }
    });
  });
  const labels = matrix.map((_, i) => i);
  const per = { average: null, labels, zeroDivision: Number.NaN } as const;
  const macro = { average: 'macro', labels, zeroDivision: Number.NaN } as const;
  return {
    precision: precision(yTrue, yPred, per),
    recall: recall(yTrue, yPred, per),
    f1: f1Score(yTrue, yPred, per),
    support: matrix.map((row) => row.reduce((a, b) => a + b, 0)),
    macro: {
      precision: precision(yTrue, yPred, macro),
      recall: recall(yTrue, yPred, macro),
      f1: f1Score(yTrue, yPred, macro),
    },
  };
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
  const accuracyOf = total > 0 ? correct / total : NaN;
  return { loss: result.loss, accuracy: accuracyOf, correct, total, confusion, classes: classScores(confusion) };
}

/** `91.73%`. */
export function percent(fraction: number, digits = 2): string {
  return `${(100 * fraction).toFixed(digits)}%`;
}
