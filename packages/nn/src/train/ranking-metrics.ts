/**
 * Threshold metrics of scores, as scikit-learn: `rocCurve`, `rocAuc`, `precisionRecallCurve` and
 * `averagePrecision`. Scores are any real numbers where higher means "more likely positive".
 */
import * as T from '@chainrule/tensor';
import { checkOptions } from '../layers/options.js';
import {
  type LabelsInput,
  type ScoreMatrix,
  type ScoresInput,
  checkClassIndices,
  checkSameLength,
  readLabels,
  readScores,
  uniqueSorted,
} from './metric-inputs.js';

/** A ROC curve: false- and true-positive rates at each threshold (highest threshold first). */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing; the first is +Infinity (nothing predicted positive), as scikit-learn ≥ 1.3. */
  thresholds: number[];
}

/** A precision-recall curve; the last point (precision 1, recall 0) has no threshold. */
export interface PrecisionRecallCurve {
  precision: number[];
  recall: number[];
  /** Increasing, one fewer than the points. */
  thresholds: number[];
}

/** Options of `rocCurve` and `precisionRecallCurve`. */
export interface CurveOptions {
  /**
   * The positive class. Default: 1, for labels within {0, 1} or {-1, 1} (any other pair of labels
   * needs it, as scikit-learn's `pos_label=None`).
   */
  posLabel?: number;
  /**
   * Leave out thresholds that add no corner to the plotted curve (default true for `rocCurve`,
   * false for `precisionRecallCurve`, as scikit-learn).
   */
  dropIntermediate?: boolean;
}

/** Options of `rocAuc` and `averagePrecision` for [N, C] scores; 'micro' pools every (sample, class) pair. */
export interface ScoreAverageOptions {
  /** 'macro' (default): the mean of the one-vs-rest scores; 'weighted': weighted by class support. */
  average?: 'macro' | 'weighted' | 'micro';
}

/** Counts at each distinct threshold, scores sorted high to low (scikit-learn's `_binary_clf_curve`). */
function thresholdCounts(positive: Uint8Array, scores: Float64Array) {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
  const fps: number[] = [],
    tps: number[] = [],
    thresholds: number[] = [];
  let tp = 0;
  order.forEach((i, rank) => {
    tp += positive[i]!;
    const next = order[rank + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      tps.push(tp);
      fps.push(rank + 1 - tp);
      thresholds.push(scores[i]!);
    }
  });
  return { fps, tps, thresholds };
}

const keep = <X>(xs: readonly X[], mask: readonly boolean[]): X[] => xs.filter((_, i) => mask[i]);

/** Labels and 1-d scores of a binary curve, with the positive class resolved. */
function binaryInputs(fn: string, yTrue: LabelsInput, yScore: ScoresInput, posLabel: number | undefined) {
  const t = readLabels(fn, 'yTrue', yTrue);
  const s = readScores(fn, 'yScore', yScore);
  if (s.cols !== 0) throw new T.ShapeError(fn, `yScore must be 1-d scores [N]; got [${s.rows},${s.cols}]`);
  checkSameLength(fn, 'yTrue', t.length, 'yScore', s.rows);
  const classes = uniqueSorted(t);
  if (classes.length > 2)
    throw new T.RangeError(fn, `yTrue must hold two classes at most; got [${classes.join(', ')}]`);
  const plain = classes.every((c) => c === 0 || c === 1) || classes.every((c) => c === -1 || c === 1);
  if (posLabel === undefined && !plain)
    throw new T.RangeError(
      fn,
      `yTrue holds [${classes.join(', ')}]: expected labels in {0, 1} or {-1, 1}, or posLabel`,
    );
  const pos = posLabel ?? 1;
  return { positive: Uint8Array.from(t, (v) => (v === pos ? 1 : 0)), scores: s.values };
}

function roc(positive: Uint8Array, scores: Float64Array, dropIntermediate: boolean): RocCurve {
  let { fps, tps, thresholds } = thresholdCounts(positive, scores);
  if (dropIntermediate && fps.length > 2) {
    const corner = fps.map(
      (_, i, f) =>
        i === 0 ||
        i === f.length - 1 ||
        f[i - 1]! - 2 * f[i]! + f[i + 1]! !== 0 ||
        tps[i - 1]! - 2 * tps[i]! + tps[i + 1]! !== 0,
    );
    [fps, tps, thresholds] = [keep(fps, corner), keep(tps, corner), keep(thresholds, corner)];
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  const fpMax = fps[fps.length - 1]!,
    tpMax = tps[tps.length - 1]!;
  return {
    fpr: fps.map((v) => (fpMax > 0 ? v / fpMax : NaN)),
    tpr: tps.map((v) => (tpMax > 0 ? v / tpMax : NaN)),
    thresholds: [Number.POSITIVE_INFINITY, ...thresholds],
  };
}

function prCurve(positive: Uint8Array, scores: Float64Array, dropIntermediate: boolean): PrecisionRecallCurve {
  let { fps, tps, thresholds } = thresholdCounts(positive, scores);
  if (dropIntermediate && fps.length > 2) {
    const edge = tps.map((v, i, a) => i === 0 || i === a.length - 1 || v !== a[i - 1] || a[i + 1] !== v);
    [fps, tps, thresholds] = [keep(fps, edge), keep(tps, edge), keep(thresholds, edge)];
  }
  const tpMax = tps[tps.length - 1] ?? 0;
  const precision = tps.map((v, i) => (v + fps[i]! > 0 ? v / (v + fps[i]!) : 0));
  const recall = tps.map((v) => (tpMax > 0 ? v / tpMax : 1));
  return {
    precision: [...precision.reverse(), 1],
    recall: [...recall.reverse(), 0],
    thresholds: thresholds.reverse(),
  };
}

/**
 * The ROC curve of binary labels and scores, as scikit-learn's `roc_curve` (with its default
 * `drop_intermediate=True`). A rate with no sample of its class (no negatives for fpr, no positives for
 * tpr) is NaN throughout, where scikit-learn warns.
 * @throws ShapeError for scores not [N] or lengths that differ; RangeError for more than two classes.
 * @example
 * ```ts
 * import { rocCurve } from '@chainrule/nn';
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // { fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] }
 * ```
 */
export function rocCurve(yTrue: LabelsInput, yScore: ScoresInput, options: CurveOptions = {}): RocCurve {
  checkOptions('rocCurve', options, ['posLabel', 'dropIntermediate']);
  const { positive, scores } = binaryInputs('rocCurve', yTrue, yScore, options.posLabel);
  return roc(positive, scores, options.dropIntermediate ?? true);
}

/**
 * Precision and recall at each threshold, as scikit-learn's `precision_recall_curve`: recall
 * decreasing to a final (recall 0, precision 1) point. With no positive sample, recall is 1 throughout.
 * @throws As `rocCurve`.
 * @example
 * ```ts
 * import { precisionRecallCurve } from '@chainrule/nn';
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // { precision: [0.5, 2/3, 0.5, 1, 1], recall: [1, 1, 0.5, 0.5, 0], thresholds: [0.1, 0.35, 0.4, 0.8] }
 * ```
 */
export function precisionRecallCurve(
  yTrue: LabelsInput,
  yScore: ScoresInput,
  options: CurveOptions = {},
): PrecisionRecallCurve {
  checkOptions('precisionRecallCurve', options, ['posLabel', 'dropIntermediate']);
  const { positive, scores } = binaryInputs('precisionRecallCurve', yTrue, yScore, options.posLabel);
  return prCurve(positive, scores, options.dropIntermediate ?? false);
}

/** Trapezoid area under (x, y). */
function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return area;
}

function binaryAuc(fn: string, positive: Uint8Array, scores: Float64Array): number {
  const p = positive.reduce((a, v) => a + v, 0);
  if (p === 0 || p === positive.length)
    throw new T.RangeError(fn, 'only one class is present in yTrue; ROC AUC is undefined then');
  const { fpr, tpr } = roc(positive, scores, true);
  return trapezoid(fpr, tpr);
}

function binaryAp(positive: Uint8Array, scores: Float64Array): number {
  const { precision, recall } = prCurve(positive, scores, false);
  let sum = 0;
  for (let i = 1; i < recall.length; i++) sum += (recall[i]! - recall[i - 1]!) * precision[i - 1]!;
  return Math.max(0, -sum);
}

/** Scores one-vs-rest over the columns of `s` and averages them (scikit-learn's `_average_binary_score`). */
function oneVsRest(
  fn: string,
  t: Int32Array,
  s: ScoreMatrix,
  average: string,
  score: (positive: Uint8Array, scores: Float64Array) => number,
): number {
  const { rows, cols, values } = s;
  checkClassIndices(fn, 'yTrue', t, cols);
  const missing = Array.from({ length: cols }, (_, c) => c).filter((c) => !t.includes(c));
  if (missing.length > 0)
    throw new T.RangeError(fn, `class ${missing[0]} never occurs in yTrue; every one of the ${cols} classes must`);
  if (average === 'micro')
    return score(
      Uint8Array.from(values, (_, j) => (t[Math.floor(j / cols)] === j % cols ? 1 : 0)),
      values,
    );
  const perClass: number[] = [],
    support: number[] = [];
  for (let c = 0; c < cols; c++) {
    const positive = Uint8Array.from(t, (v) => (v === c ? 1 : 0));
    perClass.push(
      score(
        positive,
        Float64Array.from({ length: rows }, (_, i) => values[i * cols + c]!),
      ),
    );
    support.push(positive.reduce((a, v) => a + v, 0));
  }
  const w = average === 'weighted' ? support : support.map(() => 1);
  const total = w.reduce((a, b) => a + b, 0);
  return perClass.reduce((a, v, i) => a + v * w[i]!, 0) / total;
}

function scoreInputs(fn: string, yTrue: LabelsInput, yScore: ScoresInput, options: ScoreAverageOptions) {
  checkOptions(fn, options, ['average']);
  const average = options.average ?? 'macro';
  if (!['macro', 'weighted', 'micro'].includes(average))
    throw new T.RangeError(fn, `average must be 'macro', 'weighted' or 'micro'; got ${String(average)}`);
  const t = readLabels(fn, 'yTrue', yTrue);
  const s = readScores(fn, 'yScore', yScore);
  checkSameLength(fn, 'yTrue', t.length, 'yScore', s.rows);
  if (s.cols === 1) throw new T.ShapeError(fn, `yScore [${s.rows},1]: expected [N], [N, 2] or [N, C] scores`);
  let binary: Float64Array | undefined;
  if (s.cols === 0) binary = s.values;
  else if (s.cols === 2) binary = Float64Array.from({ length: s.rows }, (_, i) => s.values[2 * i + 1]!);
  return { t, s, average, binary };
}

/**
 * The area under the ROC curve, as scikit-learn's `roc_auc_score`. Binary: labels with two distinct
 * values (the larger is positive) and scores [N], or [N, 2] whose column 1 is used. Multiclass: labels
 * 0..C-1 indexing the columns of probabilities [N, C] (rows summing to 1, every class present),
 * scored one-vs-rest ('ovr') and averaged 'macro' (default), 'weighted' or 'micro'.
 * @throws RangeError for one class only, a class never present, rows not summing to 1; ShapeError as
 * `rocCurve`.
 * @example
 * ```ts
 * import { rocAuc } from '@chainrule/nn';
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * ```
 */
export function rocAuc(yTrue: LabelsInput, yScore: ScoresInput, options: ScoreAverageOptions = {}): number {
  const fn = 'rocAuc';
  const { t, s, average, binary } = scoreInputs(fn, yTrue, yScore, options);
  if (binary !== undefined) {
    const classes = uniqueSorted(t);
    if (classes.length > 2)
      throw new T.RangeError(
        fn,
        `yTrue holds ${classes.length} classes but yScore has ${Math.max(s.cols, 1)} column(s)`,
      );
    return binaryAuc(
      fn,
      Uint8Array.from(t, (v) => (v === classes[classes.length - 1] ? 1 : 0)),
      binary,
    );
  }
  for (let i = 0; i < s.rows; i++) {
    const sum = s.values.subarray(i * s.cols, (i + 1) * s.cols).reduce((a, b) => a + b, 0);
    if (!(Math.abs(1 - sum) <= 1e-8 + 1e-5 * Math.abs(sum)))
      throw new T.RangeError(fn, `row ${i} of yScore sums to ${sum}; multiclass ROC AUC needs probabilities`);
  }
  return oneVsRest(fn, t, s, average, (p, v) => binaryAuc(fn, p, v));
}

/**
 * Average precision: the area under the precision-recall curve as the step sum Σ (Rₙ − Rₙ₋₁)·Pₙ (no
 * interpolation), as scikit-learn's `average_precision_score`. Inputs as `rocAuc` (multiclass scores
 * need not sum to 1); binary labels are 0/1 or -1/1 with 1 positive.
 * @throws As `rocAuc`.
 * @example
 * ```ts
 * import { averagePrecision } from '@chainrule/nn';
 * averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333
 * ```
 */
export function averagePrecision(yTrue: LabelsInput, yScore: ScoresInput, options: ScoreAverageOptions = {}): number {
  const fn = 'averagePrecision';
  const { t, s, average, binary } = scoreInputs(fn, yTrue, yScore, options);
  if (binary !== undefined) return binaryAp(binaryInputs(fn, t, Array.from(binary), undefined).positive, binary);
  return oneVsRest(fn, t, s, average, binaryAp);
}
