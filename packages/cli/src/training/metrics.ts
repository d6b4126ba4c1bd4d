import { type Module, confusionMatrix } from '@chainrule/nn';
import { Tensor, noGrad } from '@chainrule/autograd';
import { type NDArray, concat } from '@chainrule/tensor';
import type { ClassificationLoss } from './loss.js';

/** Images [n, features] with int32 labels [n]. */
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

/**
 * The model's outputs [n, C] for all rows of `images`, in chunks of `chunk` rows, without
 * recording a graph. The model is put in evaluation mode and its mode restored afterwards.
 */
export function predictOutputs(model: Module, images: NDArray, chunk = 1000): NDArray {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const n = images.shape[0]!;
      const parts: NDArray[] = [];
      for (let start = 0; start < n; start += chunk) parts.push(model.forward(new Tensor(images.slice(0, start, Math.min(n, start + chunk)))).value);
      return parts.length === 1 ? parts[0]! : concat(parts, 0);
    });
  } finally {
    model.train(wasTraining);
  }
}

/**
 * Loss, accuracy and confusion matrix of `model` on `set`, over `classes` classes.
 * @example
 * ```ts
 * const { accuracy, confusion } = evaluate(model, split.test, classificationLoss('mse', 10), 10);
 * ```
 */
export function evaluate(model: Module, set: LabeledSet, loss: ClassificationLoss, classes: number): Evaluation {
  const outputs = predictOutputs(model, set.images);
  const lossValue = noGrad(() => loss(new Tensor(outputs), set.labels).item());
  const confusion = confusionMatrix(outputs, set.labels, classes);
  const correct = confusion.reduce((a, row, i) => a + row[i]!, 0);
  const total = set.labels.size;
  return { loss: lossValue, accuracy: total > 0 ? correct / total : NaN, correct, total, confusion };
}

/** `91.73%`. */
export function percent(fraction: number, digits = 2): string {
  return `${(100 * fraction).toFixed(digits)}%`;
}
