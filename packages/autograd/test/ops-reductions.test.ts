// The reduction rules over random axes, keepDims either way (first and second order).
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';
import { runProperty } from './helpers/properties.js';
import { REDUCTION_PROPERTIES } from './properties/reductions.js';

describe('reductions: gradcheck and gradgradcheck', () => {
  for (const p of REDUCTION_PROPERTIES) it(p.op, () => runProperty(p));
});

describe('cumsum', () => {
  it('is the running sum along an axis, as torch.cumsum', () => {
    const x = A.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float64' },
    );
    expect(A.cumsum(x, 1).toArray()).toEqual([
      [1, 3, 6],
      [4, 9, 15],
    ]);
    expect(x.cumsum(0).toArray()).toEqual([
      [1, 2, 3],
      [5, 7, 9],
    ]);
    expect(A.cumsum(x, -1).toArray()).toEqual([
      [1, 3, 6],
      [4, 9, 15],
    ]);
    expect(A.cumsum(A.tensor([true, false, true], { dtype: 'bool' }), 0).toArray()).toEqual([1, 1, 2]);
    expect(A.cumsum(A.tensor(2.5, { dtype: 'float64' }), 0).item()).toBe(2.5);
  });

  it('sends each input the sum of the gradients of the outputs it reaches', () => {
    const x = A.tensor([1, 2, 3, 4], { dtype: 'float64', requiresGrad: true });
    A.cumsum(x, 0)
      .mul(A.tensor([1, 10, 100, 1000], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(x.grad!.toArray()).toEqual([1111, 1110, 1100, 1000]);
  });

  it('names the axis it cannot use', () => {
    expect(() => A.cumsum(A.tensor([1, 2]), 1)).toThrow(/cumsum/);
  });
});
