// The metrics' inputs (tensors, arrays, plain numbers), their typed errors, and the documented examples.
import { describe, expect, it } from 'vitest';
import { tensor } from '@chainrule/autograd';
import { DTypeError, RangeError, ShapeError, array } from '@chainrule/tensor';
import {
  ModuleError,
  averagePrecision,
  balancedAccuracy,
  f1Score,
  logLoss,
  precision,
  precisionRecallCurve,
  recall,
  rocAuc,
  rocCurve,
  topKAccuracy,
} from '@chainrule/nn';

const yTrue = [0, 2, 1, 2, 0, 1, 1, 2];
const yPred = [0, 1, 1, 2, 2, 1, 0, 2];
const probs = [
  [0.7, 0.2, 0.1],
  [0.1, 0.5, 0.4],
  [0.2, 0.6, 0.2],
  [0.1, 0.1, 0.8],
  [0.3, 0.3, 0.4],
  [0.2, 0.7, 0.1],
  [0.5, 0.4, 0.1],
  [0.3, 0.2, 0.5],
];

describe('metric inputs', () => {
  it('int32 tensors and NDArrays give what plain arrays give', () => {
    const t = tensor(yTrue, { dtype: 'int32' }),
      p = array(yPred, 'int32');
    for (const average of ['micro', 'macro', 'weighted'] as const) {
      expect(precision(t, p, { average })).toBe(precision(yTrue, yPred, { average }));
      expect(f1Score(t, p, { average })).toBe(f1Score(yTrue, yPred, { average }));
    }
    expect(recall(t, p, { average: null })).toEqual(recall(yTrue, yPred, { average: null }));
    expect(balancedAccuracy(t, Int32Array.from(yPred))).toBe(balancedAccuracy(yTrue, yPred));
    const s = tensor(probs, { dtype: 'float64' });
    expect(topKAccuracy(t, s, { k: 1 })).toBe(topKAccuracy(yTrue, probs, { k: 1 }));
    expect(logLoss(t, s)).toBe(logLoss(yTrue, probs));
    expect(rocAuc(t, s, { average: 'weighted' })).toBe(rocAuc(yTrue, probs, { average: 'weighted' }));
  });

  it('binary scores [N, 2] are scored by their column 1', () => {
    const y = [0, 1, 1, 0, 1];
    const p1 = [0.2, 0.9, 0.4, 0.6, 0.7];
    const two = p1.map((v) => [1 - v, v]);
    expect(rocAuc(y, two)).toBe(rocAuc(y, p1));
    expect(averagePrecision(y, two)).toBe(averagePrecision(y, p1));
  });

  it('logLoss clips float32 probabilities with float32 epsilon', () => {
    const p = tensor([[1, 0]], { dtype: 'float32' });
    expect(logLoss([1], p)).toBeCloseTo(23 * Math.LN2, 12);
    expect(logLoss([1], [[1, 0]])).toBeCloseTo(52 * Math.LN2, 12);
  });

  it('the documented examples', () => {
    expect(precision([0, 1, 1, 0], [0, 1, 0, 1])).toBe(0.5);
    expect(precision([0, 1, 2, 2], [0, 2, 2, 1], { average: null })).toEqual([1, 0, 0.5]);
    expect(recall([0, 1, 2, 2], [0, 2, 2, 1], { average: 'macro' })).toBe(0.5);
    expect(f1Score([0, 1, 2, 2], [0, 2, 2, 1], { average: 'micro' })).toBe(0.5);
    expect(balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 0])).toBe(0.5);
    expect(
      topKAccuracy(
        [2, 0],
        [
          [0.1, 0.3, 0.6],
          [0.2, 0.5, 0.3],
        ],
        { k: 2 },
      ),
    ).toBe(0.5);
    expect(logLoss([1, 0], [0.9, 0.2])).toBeCloseTo((-Math.log(0.9) - Math.log(0.8)) / 2, 15);
    const s = [0.1, 0.4, 0.35, 0.8];
    expect(rocCurve([0, 0, 1, 1], s)).toEqual({
      fpr: [0, 0, 0.5, 0.5, 1],
      tpr: [0, 0.5, 0.5, 1, 1],
      thresholds: [Number.POSITIVE_INFINITY, 0.8, 0.4, 0.35, 0.1],
    });
    expect(precisionRecallCurve([0, 0, 1, 1], s)).toEqual({
      precision: [0.5, 2 / 3, 0.5, 1, 1],
      recall: [1, 1, 0.5, 0.5, 0],
      thresholds: [0.1, 0.35, 0.4, 0.8],
    });
    expect(rocAuc([0, 0, 1, 1], s)).toBe(0.75);
    expect(averagePrecision([0, 0, 1, 1], s)).toBeCloseTo(5 / 6, 15);
  });
});

describe('metric errors', () => {
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['float labels', () => precision(tensor([0, 1]), [0, 1]), DTypeError, /precision: yTrue must be int32.*float32/],
    ['lengths', () => recall([0, 1, 1], [0, 1]), ShapeError, /recall: yTrue has 3 samples but yPred has 2/],
    ['2-d labels', () => f1Score(array([[0, 1]], 'int32'), [0, 1]), ShapeError, /must be 1-d/],
    ['fractional label', () => precision([0, 0.5], [0, 1]), RangeError, /yTrue\[1\] is 0.5/],
    ['binary on multiclass', () => precision(yTrue, yPred), RangeError, /multiclass \(\[0, 1, 2\]\).*'binary'/],
    ['posLabel absent', () => recall([0, 2], [2, 0], { posLabel: 1 }), RangeError, /posLabel 1 is not a label/],
    ['bad average', () => f1Score(yTrue, yPred, { average: 'samples' as 'macro' }), RangeError, /average must be/],
    [
      'bad zeroDivision',
      () => precision(yTrue, yPred, { average: 'macro', zeroDivision: 2 }),
      RangeError,
      /0, 1 or NaN/,
    ],
    ['unknown option', () => recall(yTrue, yPred, { avg: 'macro' } as never), ModuleError, /unknown option key "avg"/],
    ['int scores', () => topKAccuracy([0], array([[1, 2]], 'int32')), DTypeError, /float32 or float64/],
    ['top-k label range', () => topKAccuracy([3], [[0.5, 0.5]]), RangeError, /yTrue\[0\] is 3.*\[0, 2\)/],
    ['top-k 1-d', () => topKAccuracy([0, 1], [0.5, 0.5]), ShapeError, /\[N, C\] with C >= 2/],
    ['k', () => topKAccuracy([0], [[0.5, 0.5]], { k: 0 }), RangeError, /k must be a positive integer/],
    ['probability > 1', () => logLoss([0], [[1.5, -0.5]]), RangeError, /logLoss: yProb holds 1.5/],
    ['NaN score', () => rocCurve([0, 1], [0.5, Number.NaN]), RangeError, /expected finite values/],
    ['ragged rows', () => logLoss([0, 1], [[1, 0], [1]]), ShapeError, /row 1 has 1 entries; expected 2/],
    ['multiclass curve', () => rocCurve([0, 1, 2], [0.1, 0.2, 0.3]), RangeError, /two classes at most/],
    ['labels need posLabel', () => rocCurve([2, 5], [0.1, 0.2]), RangeError, /\{0, 1\} or \{-1, 1\}, or posLabel/],
    ['one class AUC', () => rocAuc([1, 1], [0.1, 0.2]), RangeError, /only one class is present/],
    [
      'rows not summing to 1',
      () =>
        rocAuc(
          [0, 1, 2],
          [
            [0.5, 0.5, 0.5],
            [0.2, 0.3, 0.5],
            [0.1, 0.1, 0.8],
          ],
        ),
      RangeError,
      /row 0 of yScore sums to 1.5/,
    ],
    [
      'class never true',
      () =>
        averagePrecision(
          [0, 1, 1],
          [
            [0.2, 0.3, 0.5],
            [0.2, 0.3, 0.5],
            [0.1, 0.1, 0.8],
          ],
        ),
      RangeError,
      /class 2 never occurs/,
    ],
    [
      'curve 2-d scores',
      () =>
        precisionRecallCurve(
          [0, 1],
          [
            [0.5, 0.5],
            [0.5, 0.5],
          ],
        ),
      ShapeError,
      /1-d scores \[N\]/,
    ],
  ];
  it.each(cases)('%s', (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
