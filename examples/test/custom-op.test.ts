import { describe, expect, it } from 'vitest';
import { tensor } from '@chainrule/autograd';
import { buggySigmoidLayer, checkCustomOps, sigmoidLayer } from '../custom-op.js';

describe('examples/custom-op', () => {
  const { correct, buggy } = checkCustomOps();

  it('the hand-written backward passes gradcheck for x, W and b', () => {
    expect(correct.ok).toBe(true);
    expect(correct.inputs.map((i) => i.ok)).toEqual([true, true, true]);
    for (const i of correct.inputs) expect(i.maxAbsError).toBeLessThan(1e-6);
  });

  it('the backward that forgets (1 − σ) fails for every input, and the report says where', () => {
    expect(buggy.ok).toBe(false);
    expect(buggy.inputs.map((i) => i.ok)).toEqual([false, false, false]);
    expect(buggy.report).toMatch(/gradcheck failed for 3 of 3 inputs/);
    expect(buggy.report).toMatch(/input 2 \(shape \[2\]\): FAILED; worst at input 2 index \[\d\]/);
    // the buggy derivative is σ where it should be σ(1 − σ): analytic/numeric = 1/(1 − σ) > 1
    for (const i of buggy.inputs) expect(Math.abs(i.analytic)).toBeGreaterThan(Math.abs(i.numeric));
  });

  it('both versions compute the same forward value, σ(xW + b)', () => {
    const x = tensor([[1, 2]], { dtype: 'float64' }),
      w = tensor([[0.5], [-0.25]], { dtype: 'float64' }),
      b = tensor([0.1], { dtype: 'float64' });
    const expected = 1 / (1 + Math.exp(-(1 * 0.5 + 2 * -0.25 + 0.1)));
    expect(sigmoidLayer(x, w, b).item()).toBeCloseTo(expected, 12);
    expect(buggySigmoidLayer(x, w, b).item()).toBeCloseTo(expected, 12);
  });
});
