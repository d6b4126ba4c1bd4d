import { describe, expect, it } from 'vitest';
import { randn } from '@chainrule/autograd';
import { lenet, trainCnn } from '../cnn.js';

// The script trains on all 8,000 digits for 6 epochs and reaches ≥ 96% test accuracy (see the
// README); this test trains on 1,000 digits for 1 epoch and asks for ≥ 60% (chance is 10%).
describe('examples/cnn', () => {
  it('maps [n, 1, 28, 28] images to 10 logits with 5,994 parameters', () => {
    const model = lenet();
    expect(model.forward(randn([2, 1, 28, 28])).shape).toEqual([2, 10]);
    expect(model.parameterCount()).toBe(8 * 25 + 8 + 16 * 8 * 25 + 16 + 256 * 10 + 10);
  });

  it('learns the digits on a small budget', () => {
    const r = trainCnn({ trainSize: 1000, epochs: 1 });
    expect(r.valAccuracy).toHaveLength(1);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.6);
  });
});
