/** Metrics of class scores against labels, as scikit-learn: `topKAccuracy` and `logLoss`. */
import * as T from '@chainrule/tensor';
import { checkOptions } from '../layers/options.js';
import {
  type LabelsInput,
  type ScoresInput,
  checkClassIndices,
  checkSameLength,
  readLabels,
  readScores,
} from './metric-inputs.js';

/** Options of `topKAccuracy`. */
export interface TopKAccuracyOptions {
  /** How many of the best-scored classes count as a hit (default 2, as scikit-learn). */
  k?: number;
  /** true (default): the share of hits; false: their number. */
  normalize?: boolean;
}

/**
 * The share of samples whose true class is among the `k` highest-scored classes, as scikit-learn's
 * `top_k_accuracy_score` with `labels` 0..C-1: labels are column indices of the scores [N, C]. Ties
 * are broken as scikit-learn does: among equal scores the higher class index ranks first. Binary
 * scores [N, 2] are ranked the same way (scikit-learn refuses 2-d scores for binary labels, and scores
 * its 1-d binary form with k = 1 by `p > 0.5`, which sends a 0.5 tie to class 0).
 * @throws DTypeError for int scores or float labels; ShapeError unless scores are [N, C] with one row
 * per label; RangeError for a label outside [0, C) or k < 1.
 * @example
 * ```ts
 * import { topKAccuracy } from '@chainrule/nn';
 * topKAccuracy([2, 0], [[0.1, 0.3, 0.6], [0.2, 0.5, 0.3]], { k: 2 }); // 0.5
 * ```
 */
export function topKAccuracy(yTrue: LabelsInput, yScore: ScoresInput, options: TopKAccuracyOptions = {}): number {
  const fn = 'topKAccuracy';
  checkOptions(fn, options, ['k', 'normalize']);
  const k = options.k ?? 2;
  if (!Number.isInteger(k) || k < 1) throw new T.RangeError(fn, `k must be a positive integer; got ${k}`);
  const t = readLabels(fn, 'yTrue', yTrue);
  const s = readScores(fn, 'yScore', yScore);
  if (s.cols < 2) throw new T.ShapeError(fn, `yScore must be class scores [N, C] with C >= 2; got [${s.rows}]`);
  checkSameLength(fn, 'yTrue', t.length, 'yScore', s.rows);
  checkClassIndices(fn, 'yTrue', t, s.cols);
  let hits = 0;
  for (let i = 0; i < s.rows; i++) {
    const row = s.values.subarray(i * s.cols, (i + 1) * s.cols);
    const c = t[i]!,
      mine = row[c]!;
    let ahead = 0;
    for (let j = 0; j < s.cols; j++) if (row[j]! > mine || (row[j] === mine && j > c)) ahead++;
    if (ahead < k) hits++;
  }
  if (options.normalize === false) return hits;
  return s.rows > 0 ? hits / s.rows : NaN;
}

/** Options of `logLoss`. */
export interface LogLossOptions {
  /** true (default): the mean over samples; false: the sum. */
  normalize?: boolean;
}

/**
 * The cross-entropy −log p(true class) of predicted probabilities, averaged over samples, as
 * scikit-learn's `log_loss` (1.9): probabilities are clipped to [eps, 1 − eps] with eps the machine
 * epsilon of their dtype (2⁻⁵² for float64 and plain arrays, 2⁻²³ for float32), and rows are not
 * renormalised. `yProb` is [N, C] with labels 0..C-1 indexing its columns, or [N]: the probability of
 * class 1 for labels 0/1.
 * @throws RangeError for probabilities outside [0, 1] or a label outside [0, C); DTypeError, ShapeError
 * as `topKAccuracy`.
 * @example
 * ```ts
 * import { logLoss } from '@chainrule/nn';
 * logLoss([1, 0], [0.9, 0.2]); // (−log 0.9 − log 0.8) / 2 ≈ 0.164
 * ```
 */
export function logLoss(yTrue: LabelsInput, yProb: ScoresInput, options: LogLossOptions = {}): number {
  const fn = 'logLoss';
  checkOptions(fn, options, ['normalize']);
  const t = readLabels(fn, 'yTrue', yTrue);
  const s = readScores(fn, 'yProb', yProb);
  checkSameLength(fn, 'yTrue', t.length, 'yProb', s.rows);
  const binary = s.cols === 0;
  if (s.cols === 1) throw new T.ShapeError(fn, `yProb [${s.rows},1]: expected [N] for binary or [N, C] with C >= 2`);
  checkClassIndices(fn, 'yTrue', t, binary ? 2 : s.cols);
  const bad = s.values.findIndex((v) => v < 0 || v > 1);
  if (bad >= 0) throw new T.RangeError(fn, `yProb holds ${s.values[bad]}; expected probabilities in [0, 1]`);
  const eps = s.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
  let total = 0;
  for (let i = 0; i < s.rows; i++) {
    const c = t[i]!;
    const p = binary ? (c === 1 ? s.values[i]! : 1 - s.values[i]!) : s.values[i * s.cols + c]!;
    total -= Math.log(Math.min(1 - eps, Math.max(eps, p)));
  }
  if (options.normalize === false) return total;
  return s.rows > 0 ? total / s.rows : NaN;
}
