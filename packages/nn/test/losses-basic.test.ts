import { describe, expect, it } from 'vitest';
import { tensor } from '@chainrule/autograd';
import { crossEntropy, mseLoss, quadraticCost } from '@chainrule/nn';
import { expectClose } from './helpers.js';

describe('priority losses', () => {
  it("mseLoss means, sums, keeps, and gives the notes' quadratic cost", () => {
    const a = tensor(
      [
        [1, 2],
        [3, 5],
      ],
      { dtype: 'float64' },
    );
    const y = tensor(
      [
        [0, 0],
        [3, 3],
      ],
      { dtype: 'float64' },
    );
    // squared errors 1, 4, 0, 4
    expect(mseLoss(a, y).item()).toBe(9 / 4);
    expect(mseLoss(a, y, { reduction: 'sum' }).item()).toBe(9);
    expect(mseLoss(a, y, { reduction: 'none' }).toArray()).toEqual([
      [1, 4],
      [0, 4],
    ]);
    // C = 1/(2n) Σ‖y − a‖² with n = 2 samples
    expect(mseLoss(a, y, { reduction: 'quadratic' }).item()).toBe(9 / 4);
    expect(
      quadraticCost(tensor([[1, 2, 2]], { dtype: 'float64' }), tensor([[0, 0, 0]], { dtype: 'float64' })).item(),
    ).toBe(9 / 2);
  });

  it('the quadratic cost gradient is (a − y)/n', () => {
    const a = tensor(
      [
        [1, 2],
        [3, 5],
        [0, 1],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    const y = tensor(
      [
        [0, 0],
        [3, 3],
        [1, 1],
      ],
      { dtype: 'float64' },
    );
    quadraticCost(a, y).backward();
    expectClose(
      a.grad!.toArray(),
      [
        [1 / 3, 2 / 3],
        [0, 2 / 3],
        [-1 / 3, 0],
      ],
      1e-15,
    );
  });

  it('mseLoss refuses (3,1) against (3)', () => {
    expect(() => mseLoss(tensor([[1], [2], [3]]), tensor([1, 2, 3]))).toThrow(
      'mseLoss: prediction shape [3,1] and target shape [3] differ',
    );
  });

  it('crossEntropy from logits with int32 labels matches −log softmax', () => {
    const logits = [
      [2, 0, -1],
      [0.5, 0.5, 3],
    ];
    const labels = [0, 2];
    const expected = logits.map((row, i) => {
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      return lse - row[labels[i]!]!;
    });
    const out = crossEntropy(tensor(logits, { dtype: 'float64' }), tensor(labels, { dtype: 'int32' }), {
      reduction: 'none',
    });
    expectClose(out.toArray(), expected, 1e-14);
    expectClose(
      crossEntropy(tensor(logits, { dtype: 'float64' }), tensor(labels, { dtype: 'int32' })).item(),
      (expected[0]! + expected[1]!) / 2,
      1e-14,
    );
  });

  it('crossEntropy refuses an out-of-range label', () => {
    expect(() => crossEntropy(tensor([[1, 2, 3]]), tensor([5], { dtype: 'int32' }))).toThrow(
      'crossEntropy: target 5 is out of bounds for 3 classes',
    );
    expect(() => crossEntropy(tensor([[1, 2, 3]]), tensor([-1], { dtype: 'int32' }))).toThrow(RangeError);
  });
});
