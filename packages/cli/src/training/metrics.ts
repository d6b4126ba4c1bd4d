import type { Module } from '@chainrule/nn';
import { Tensor, noGrad } from '@chainrule/autograd';
import { type NDArray, argmax, concat } from '@chainrule/tensor';
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
  /** The predicted class of each sample. */
  predictions: Int32Array;
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
 * Loss and accuracy of `model` on `set`.
 * @example
 * ```ts
 * const { accuracy } = evaluate(model, split.test, classificationLoss('mse', 10));
 * ```
 */
export function evaluate(model: Module, set: LabeledSet, loss: ClassificationLoss): Evaluation {
  const outputs = predictOutputs(model, set.images);
  const lossValue = noGrad(() => loss(new Tensor(outputs), set.labels).item());
  const predicted = argmax(outputs, 1).contiguous();
  const labels = set.labels.contiguous();
  const total = labels.size;
  const predictions = new Int32Array(total);
  let correct = 0;
  for (let i = 0; i < total; i++) {
    predictions[i] = predicted.data[predicted.offset + i]!;
    if (predictions[i] === labels.data[labels.offset + i]) correct++;
  }
  return { loss: lossValue, accuracy: total > 0 ? correct / total : NaN, correct, total, predictions };
}

/** Counts `matrix[true][predicted]` over `classes` classes. */
export function confusionMatrix(labels: NDArray, predictions: Int32Array, classes: number): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const l = labels.contiguous();
  for (let i = 0; i < predictions.length; i++) matrix[l.data[l.offset + i]!]![predictions[i]!]! += 1;
  return matrix;
}

/** `91.73%`. */
export function percent(fraction: number, digits = 2): string {
  return `${(100 * fraction).toFixed(digits)}%`;
}
