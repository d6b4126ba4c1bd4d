import { describe, expect, it } from 'vitest';
import { confusionTable } from '../src/report/ascii.js';
import { classScores } from '../src/training/metrics.js';

// true class 0: 3 right, 1 taken for 1; class 1: 4 right; class 2: no digit, and never predicted
const matrix = [
  [3, 1, 0],
  [0, 4, 0],
  [0, 0, 0],
];

describe('per-class scores of a confusion matrix', () => {
  it('are precision, recall and F1 by hand, NaN where undefined and left out of the macro means', () => {
    const s = classScores(matrix);
    expect(s.precision).toEqual([1, 0.8, Number.NaN]);
    expect(s.recall).toEqual([0.75, 1, Number.NaN]);
    expect(s.f1[0]).toBeCloseTo((2 * 3) / (2 * 3 + 1), 15);
    expect(s.f1[1]).toBeCloseTo((2 * 4) / (2 * 4 + 1), 15);
    expect(s.f1[2]).toBeNaN();
    expect(s.support).toEqual([4, 4, 0]);
    expect(s.macro.precision).toBeCloseTo(0.9, 15);
    expect(s.macro.recall).toBeCloseTo(0.875, 15);
  });

  it('print beside the matrix, with a macro line', () => {
    const lines = confusionTable(matrix, classScores(matrix)).split('\n');
    expect(lines[0]).toMatch(/^true\\pred\s+0\s+1\s+2\s+precision\s+recall\s+f1$/);
    expect(lines[1]).toMatch(/^0\s+3\s+1\s+0\s+100\.0%\s+75\.0%\s+85\.7%$/);
    expect(lines[3]).toMatch(/^2\s+0\s+0\s+0\s+n\/a\s+n\/a\s+n\/a$/);
    expect(lines[4]).toMatch(/^macro avg\s+90\.0%\s+87\.5%\s+87\.3%$/);
    // the score columns line up with their headers
    expect(lines[1]!.length).toBe(lines[0]!.length);
    expect(lines[4]!.length).toBe(lines[0]!.length);
  });
});
