import { describe, expect, it } from 'vitest';
import { Rng } from '@chainrule/tensor';
import { sumTask, trainRecurrent } from '../rnn.js';

// 200 training steps instead of the script's 600.
describe('examples/rnn', () => {
  it('the task pairs sequences in [−1, 1) with their sums', () => {
    const { x, y } = sumTask(4, 3, new Rng(5));
    expect(x.shape).toEqual([4, 3, 1]);
    expect(y.shape).toEqual([3, 1]);
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let t = 0; t < 4; t++) {
        const v = x.value.get(t, i, 0);
        expect(v).toBeGreaterThanOrEqual(-1);
        expect(v).toBeLessThan(1);
        s += v;
      }
      expect(y.value.get(i, 0)).toBeCloseTo(s, 5);
    }
  });

  it('an Elman RNN and an LSTM both learn to sum, far below the constant-guess error', () => {
    const runs = trainRecurrent({ steps: 200 });
    expect(runs.map((r) => r.name)).toEqual(['Elman RNN (tanh), 16 units', 'LSTM, 16 units']);
    for (const r of runs) {
      expect(r.baselineMse).toBeCloseTo(10 / 3, 10);
      expect(r.testMse, r.name).toBeLessThan(r.baselineMse / 10);
      expect(r.losses.at(-1)!, r.name).toBeLessThan(r.losses[0]! / 10);
    }
  });
});
