// A batch-first sequence is copied to time-major rows once per layer, forward and backward together.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { randn } from '@chainrule/autograd';
import { GRU, LSTM } from '@chainrule/nn';
import { countCopies } from '../../../tooling/count-copies.js';

describe('recurrent layers copy a batch-first input once', () => {
  for (const [name, make] of [
    ['LSTM', () => new LSTM(5, 6, { batchFirst: true, rng: new Rng(1) })],
    ['GRU', () => new GRU(5, 6, { batchFirst: true, rng: new Rng(2) })],
  ] as const) {
    it(`${name}: forward and backward`, () => {
      const net = make();
      const x = randn([3, 4, 5], { rng: new T.Rng(3) }); // [N, T, I]
      const copies = countCopies(() => {
        const [out] = net.forward(x);
        out.sum().backward();
      }, [4, 3, 5]);
      expect(copies).toBe(1);
      expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    });
  }
});
