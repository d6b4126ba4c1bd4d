import { describe, expect, it } from 'vitest';
import { Rng } from '@chainrule/tensor';
import { digitTask, trainDigitTransformer } from '../transformer.js';

// Short runs in batches of 32: 60 steps to reverse and 150 to sort (the script runs 200 and 600 of 64).
describe('examples/transformer', () => {
  it('the tasks pair digit strings with their reversal or their sorted digits', () => {
    const rev = digitTask('reverse', 5, 3, new Rng(4));
    const sorted = digitTask('sort', 5, 3, new Rng(4));
    expect(rev.x.shape).toEqual([3, 5]);
    expect(rev.x.dtype).toBe('int32');
    expect(sorted.x.toArray()).toEqual(rev.x.toArray());
    const reversed = rev.y.toArray() as number[][];
    const ordered = sorted.y.toArray() as number[][];
    for (const [i, d] of rev.digits.entries()) {
      expect(d.every((v) => Number.isInteger(v) && v >= 0 && v <= 9)).toBe(true);
      expect(reversed[i]).toEqual([...d].reverse());
      expect(ordered[i]).toEqual([...d].sort((a, b) => a - b));
    }
  });

  it('a 2-layer transformer learns to reverse 6 digits: ≥ 98% of digits and ≥ 90% of strings', () => {
    const run = trainDigitTransformer({ task: 'reverse', steps: 60, batch: 32 });
    expect(run.losses.at(-1)!).toBeLessThan(run.losses[0]! / 10);
    expect(run.tokenAccuracy).toBeGreaterThanOrEqual(0.98);
    expect(run.sequenceAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('and to sort them: ≥ 90% of digits right (chance is 10%)', () => {
    const run = trainDigitTransformer({ task: 'sort', steps: 150, batch: 32 });
    expect(run.losses.at(-1)!).toBeLessThan(run.losses[0]! / 5);
    expect(run.tokenAccuracy).toBeGreaterThanOrEqual(0.9);
  });
});
