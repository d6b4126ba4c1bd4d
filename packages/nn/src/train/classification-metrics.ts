/**
 * Label metrics with scikit-learn's names and rules: `precision`, `recall`, `f1Score` (per class or
 * averaged 'binary' | 'micro' | 'macro' | 'weighted') and `balancedAccuracy`. Inputs are class labels.
 */
import * as T from '@chainrule/tensor';
import { checkOptions } from '../layers/options.js';
import { type LabelsInput, checkSameLength, readLabels, uniqueSorted } from './metric-inputs.js';

/** How per-class scores are combined, as scikit-learn's `average` (`null`: one score per class). */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

/** Options of `precision`, `recall` and `f1Score`. */
export interface PrfOptions {
  /**
   * 'binary' (the default, as scikit-learn): the score of class `posLabel` alone, for labels with at
   * most two distinct values; 'micro': from the counts summed over classes; 'macro': the mean of the
   * per-class scores; 'weighted': their mean weighted by each class's number of true samples.
   */
  average?: Average;
  /** The positive class for average 'binary' (default 1). */
  posLabel?: number;
  /** The classes to score, in order (default: every label seen in yTrue or yPred, sorted). */
  labels?: readonly number[];
  /**
   * The score of a class whose denominator is 0 (nothing predicted as it, for precision; no true
   * sample of it, for recall; neither, for F1): 0 (the default: scikit-learn's 'warn', without the
   * warning), 1, or NaN (then left out of the averages).
   */
  zeroDivision?: number;
}

/** The same options with `average: null`: one score per class, in the order of `labels`. */
export type PerClassOptions = Omit<PrfOptions, 'average'> & { average: null };

const PRF_KEYS = ['average', 'posLabel', 'labels', 'zeroDivision'] as const;
type Which = 'precision' | 'recall' | 'f1';

/** Per-class true-positive, predicted and true counts for the given classes. */
function counts(yTrue: Int32Array, yPred: Int32Array, classes: readonly number[]) {
  const index = new Map(classes.map((c, i) => [c, i]));
  const tp = new Array<number>(classes.length).fill(0);
  const predicted = tp.slice();
  const actual = tp.slice();
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]!),
      p = index.get(yPred[i]!);
    if (t !== undefined) actual[t]!++;
    if (p !== undefined) predicted[p]!++;
    if (t !== undefined && yTrue[i] === yPred[i]) tp[t]!++;
  }
  return { tp, predicted, actual };
}

/** The mean of the non-NaN values, weighted (all-zero weights count as equal ones); NaN when none. */
function nanAverage(values: readonly number[], weights?: readonly number[]): number {
  const keep = values.map((v, i) => [v, weights?.[i] ?? 1] as const).filter(([v]) => !Number.isNaN(v));
  if (keep.length === 0) return NaN;
  const total = keep.reduce((a, [, w]) => a + w, 0);
  if (total === 0) return keep.reduce((a, [v]) => a + v, 0) / keep.length;
  return keep.reduce((a, [v, w]) => a + v * w, 0) / total;
}

function prf(fn: string, which: Which, yTrue: LabelsInput, yPred: LabelsInput, options: PrfOptions | PerClassOptions) {
  checkOptions(fn, options, PRF_KEYS);
  const t = readLabels(fn, 'yTrue', yTrue),
    p = readLabels(fn, 'yPred', yPred);
  checkSameLength(fn, 'yTrue', t.length, 'yPred', p.length);
  const average = options.average === undefined ? 'binary' : options.average;
  if (average !== null && !['binary', 'micro', 'macro', 'weighted'].includes(average))
    throw new T.RangeError(
      fn,
      `average must be 'binary', 'micro', 'macro', 'weighted' or null; got ${String(average)}`,
    );
  const zero = options.zeroDivision ?? 0;
  if (zero !== 0 && zero !== 1 && !Number.isNaN(zero))
    throw new T.RangeError(fn, `zeroDivision must be 0, 1 or NaN; got ${zero}`);
  const present = uniqueSorted(t, p);
  let classes: readonly number[] = options.labels ?? present;
  if (options.labels?.some((c) => !Number.isInteger(c)))
    throw new T.RangeError(fn, `labels must be integers; got [${options.labels.join(', ')}]`);
  if (average === 'binary') {
    const pos = options.posLabel ?? 1;
    if (present.length > 2)
      throw new T.RangeError(
        fn,
        `the labels are multiclass ([${present.join(', ')}]) but average is 'binary'; ` +
          `expected average 'micro', 'macro', 'weighted' or null`,
      );
    if (present.length === 2 && !present.includes(pos))
      throw new T.RangeError(fn, `posLabel ${pos} is not a label; expected one of [${present.join(', ')}]`);
    classes = [pos];
  }
  const c = counts(t, p, classes);
  const micro = average === 'micro';
  const sum = (a: number[]): number[] => [a.reduce((x, y) => x + y, 0)];
  const tp = micro ? sum(c.tp) : c.tp,
    predicted = micro ? sum(c.predicted) : c.predicted,
    actual = micro ? sum(c.actual) : c.actual;
  const divide = (num: number, den: number): number => (den === 0 ? zero : num / den);
  const scores = tp.map((k, i) =>
    which === 'precision'
      ? divide(k, predicted[i]!)
      : which === 'recall'
        ? divide(k, actual[i]!)
        : divide(2 * k, predicted[i]! + actual[i]!),
  );
  if (average === null) return scores;
  return nanAverage(scores, average === 'weighted' ? actual : undefined);
}

/**
 * Precision tp / (tp + fp): of the samples predicted as a class, the share that are of it. As
 * scikit-learn's `precision_score`, with its default `average: 'binary'` (class `posLabel`).
 * @throws DTypeError for float label tensors; ShapeError for lengths that differ or non-1-d labels;
 * RangeError for multiclass labels with average 'binary', or a bad option value.
 * @example
 * ```ts
 * import { precision } from '@chainrule/nn';
 * precision([0, 1, 1, 0], [0, 1, 0, 1]); // 0.5: of the two predicted 1s, one is a 1
 * precision([0, 1, 2, 2], [0, 2, 2, 1], { average: null }); // [1, 0, 0.5]
 * ```
 */
export function precision(yTrue: LabelsInput, yPred: LabelsInput, options: PerClassOptions): number[];
export function precision(yTrue: LabelsInput, yPred: LabelsInput, options?: PrfOptions): number;
export function precision(
  yTrue: LabelsInput,
  yPred: LabelsInput,
  options: PrfOptions | PerClassOptions = {},
): number | number[] {
  return prf('precision', 'precision', yTrue, yPred, options);
}

/**
 * Recall tp / (tp + fn): of the samples of a class, the share predicted as it. As scikit-learn's
 * `recall_score` (same options and errors as `precision`).
 * @example
 * ```ts
 * import { recall } from '@chainrule/nn';
 * recall([0, 1, 1, 0], [0, 1, 0, 1]); // 0.5
 * recall([0, 1, 2, 2], [0, 2, 2, 1], { average: 'macro' }); // (1 + 0 + 0.5) / 3
 * ```
 */
export function recall(yTrue: LabelsInput, yPred: LabelsInput, options: PerClassOptions): number[];
export function recall(yTrue: LabelsInput, yPred: LabelsInput, options?: PrfOptions): number;
export function recall(
  yTrue: LabelsInput,
  yPred: LabelsInput,
  options: PrfOptions | PerClassOptions = {},
): number | number[] {
  return prf('recall', 'recall', yTrue, yPred, options);
}

/**
 * F1 = 2·tp / (2·tp + fp + fn), the harmonic mean of precision and recall. As scikit-learn's
 * `f1_score` (same options and errors as `precision`); 'micro' F1 of single-label data is the accuracy.
 * @example
 * ```ts
 * import { f1Score } from '@chainrule/nn';
 * f1Score([0, 1, 2, 2], [0, 2, 2, 1], { average: 'micro' }); // 0.5
 * f1Score([0, 1, 2, 2], [0, 2, 2, 1], { average: null }); // [1, 0, 0.5]
 * ```
 */
export function f1Score(yTrue: LabelsInput, yPred: LabelsInput, options: PerClassOptions): number[];
export function f1Score(yTrue: LabelsInput, yPred: LabelsInput, options?: PrfOptions): number;
export function f1Score(
  yTrue: LabelsInput,
  yPred: LabelsInput,
  options: PrfOptions | PerClassOptions = {},
): number | number[] {
  return prf('f1Score', 'f1', yTrue, yPred, options);
}

/** Options of `balancedAccuracy`. */
export interface BalancedAccuracyOptions {
  /** Rescale so that chance scores 0 and perfect 1 (scikit-learn's `adjusted`; default false). */
  adjusted?: boolean;
}

/**
 * The mean recall over the classes that occur in yTrue (classes only predicted are left out), as
 * scikit-learn's `balanced_accuracy_score`. NaN for no samples.
 * @throws DTypeError, ShapeError as `precision`.
 * @example
 * ```ts
 * import { balancedAccuracy } from '@chainrule/nn';
 * balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 0]); // 0.5: recall 1 for class 0, 0 for class 1
 * ```
 */
export function balancedAccuracy(
  yTrue: LabelsInput,
  yPred: LabelsInput,
  options: BalancedAccuracyOptions = {},
): number {
  const fn = 'balancedAccuracy';
  checkOptions(fn, options, ['adjusted']);
  const t = readLabels(fn, 'yTrue', yTrue),
    p = readLabels(fn, 'yPred', yPred);
  checkSameLength(fn, 'yTrue', t.length, 'yPred', p.length);
  const classes = uniqueSorted(t);
  if (classes.length === 0) return NaN;
  const { tp, actual } = counts(t, p, classes);
  const score = tp.reduce((a, k, i) => a + k / actual[i]!, 0) / classes.length;
  if (options.adjusted !== true) return score;
  const chance = 1 / classes.length;
  return (score - chance) / (1 - chance);
}
