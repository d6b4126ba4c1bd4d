// Properties of the classification metrics that hold for any input (fast-check): identities between
// them, the ROC AUC as the Mann-Whitney probability, and invariance to the order of the samples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracy, averagePrecision, f1Score, precision, recall, rocAuc, rocCurve } from '@chainrule/nn';
import { tensor } from '@chainrule/autograd';

/** Pairs of label arrays of one length over `classes` classes. */
const labelPairs = (classes: number) =>
  fc
    .integer({ min: 1, max: 40 })
    .chain((n) =>
      fc.tuple(
        fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n }),
        fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n }),
      ),
    );

/** Binary labels with both classes present and scores on a coarse grid (many ties). */
const binaryScored = fc.integer({ min: 2, max: 40 }).chain((n) =>
  fc.tuple(
    fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }).map((y) => [0, 1, ...y.slice(2)]),
    fc.array(
      fc.integer({ min: 0, max: 8 }).map((k) => k / 8),
      { minLength: n, maxLength: n },
    ),
  ),
);

const permuted = <X>(xs: readonly X[], seed: number): X[] =>
  xs
    .map((x, i) => [x, (i * 7919 + seed * 104729) % 1000003] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([x]) => x);

describe('metric properties', () => {
  it('micro precision, recall and F1 of single-label data are the accuracy', () => {
    fc.assert(
      fc.property(labelPairs(4), ([t, p]) => {
        const acc = accuracy(tensor(p, { dtype: 'int32' }), tensor(t, { dtype: 'int32' }));
        for (const f of [precision, recall, f1Score]) expect(f(t, p, { average: 'micro' })).toBeCloseTo(acc, 12);
      }),
    );
  });

  it('F1 is the harmonic mean of precision and recall, per class', () => {
    fc.assert(
      fc.property(labelPairs(3), ([t, p]) => {
        const opts = { average: null, labels: [0, 1, 2], zeroDivision: Number.NaN } as const;
        const [P, R, F] = [precision(t, p, opts), recall(t, p, opts), f1Score(t, p, opts)];
        F.forEach((f, c) => {
          if (P[c]! + R[c]! > 0) expect(f).toBeCloseTo((2 * P[c]! * R[c]!) / (P[c]! + R[c]!), 12);
        });
      }),
    );
  });

  it('ROC AUC is the probability that a positive outscores a negative (ties count half)', () => {
    fc.assert(
      fc.property(binaryScored, ([y, s]) => {
        let wins = 0,
          pairs = 0;
        y.forEach((a, i) => {
          y.forEach((b, j) => {
            if (a === 1 && b === 0) {
              pairs++;
              wins += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
            }
          });
        });
        expect(rocAuc(y, s)).toBeCloseTo(wins / pairs, 12);
      }),
    );
  });

  it('ROC curves rise from (0, 0) to (1, 1); dropping intermediate points keeps the area', () => {
    fc.assert(
      fc.property(binaryScored, ([y, s]) => {
        for (const dropIntermediate of [true, false]) {
          const { fpr, tpr, thresholds } = rocCurve(y, s, { dropIntermediate });
          expect([fpr[0], tpr[0], fpr.at(-1), tpr.at(-1)]).toEqual([0, 0, 1, 1]);
          for (let i = 1; i < fpr.length; i++) {
            expect(fpr[i]!).toBeGreaterThanOrEqual(fpr[i - 1]!);
            expect(tpr[i]!).toBeGreaterThanOrEqual(tpr[i - 1]!);
            expect(thresholds[i]!).toBeLessThan(thresholds[i - 1]!);
          }
          let area = 0;
          for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
          expect(area).toBeCloseTo(rocAuc(y, s), 12);
        }
      }),
    );
  });

  it('no metric depends on the order of the samples', () => {
    fc.assert(
      fc.property(binaryScored, fc.integer({ min: 0, max: 1000 }), ([y, s], seed) => {
        const pairs = permuted(
          y.map((v, i) => [v, s[i]!] as const),
          seed,
        );
        const [y2, s2] = [pairs.map(([v]) => v), pairs.map(([, v]) => v)];
        expect(rocAuc(y2, s2)).toBeCloseTo(rocAuc(y, s), 12);
        expect(averagePrecision(y2, s2)).toBeCloseTo(averagePrecision(y, s), 12);
        const yp = s.map((v) => (v > 0.5 ? 1 : 0)),
          yp2 = s2.map((v) => (v > 0.5 ? 1 : 0));
        expect(f1Score(y2, yp2, { average: 'macro' })).toBeCloseTo(f1Score(y, yp, { average: 'macro' }), 12);
      }),
    );
  });
});
