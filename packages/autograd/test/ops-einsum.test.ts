// einsum and outer, composites of recorded ops: random equations (repeated subscripts, ellipsis,
// broadcasting, implicit and explicit output; properties/einsum.ts) against a naive loop
// reference, gradcheck and gradgradcheck on them (float64), and their errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';
import { type Tensor, gradcheck, gradgradcheck, tensor } from '@chainrule/autograd';
import { DTypeError, RangeError, ShapeError } from '@chainrule/tensor';
import { leaf, smooth, dataArb } from './helpers/arbitraries.js';
import { type EinsumCase, einsumCases, naiveEinsum } from './properties/einsum.js';

const SEED = 20261206;
const valuesOf = (t: Tensor): number[] => Array.from(t.value.contiguous().data as Float64Array);

describe('einsum on random equations', () => {
  it('agrees with the naive sum over every subscript assignment', () => {
    fc.assert(
      fc.property(einsumCases, (c: EinsumCase) => {
        const got = A.einsum(c.equation, ...c.operands.map(leaf));
        const want = naiveEinsum(c);
        expect(got.shape, c.equation).toEqual(want.shape);
        for (const [i, v] of valuesOf(got).entries())
          expect(Math.abs(v - want.values[i]!), c.equation).toBeLessThan(1e-12);
      }),
      { numRuns: 200, seed: SEED },
    );
  });

  it('passes gradcheck and gradgradcheck', () => {
    fc.assert(
      fc.property(einsumCases, (c: EinsumCase) => {
        const inputs = c.operands.map(leaf);
        const f = (...xs: Tensor[]): Tensor => A.einsum(c.equation, ...xs);
        const first = gradcheck(f, inputs);
        if (!first.ok) throw new Error(`${c.equation}\n${first.report}`);
        const second = gradgradcheck(f, inputs);
        if (!second.ok) throw new Error(`second order, ${c.equation}\n${second.report}`);
      }),
      { numRuns: 25, seed: SEED },
    );
  });
});

describe('einsum: the documented forms', () => {
  const m = tensor([
    [1, 2],
    [3, 4],
  ]);
  it('matrix product, explicit and implicit', () => {
    expect(A.einsum('ij,jk->ik', m, m).toArray()).toEqual(m.matmul(m).toArray());
    expect(A.einsum('ij,jk', m, m).toArray()).toEqual(m.matmul(m).toArray());
  });
  it('diagonal, trace, transpose and sum', () => {
    expect(A.einsum('ii->i', m).toArray()).toEqual([1, 4]);
    expect(A.einsum('ii', m).item()).toBe(5);
    expect(A.einsum('ji', m).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(A.einsum('ij->', m).item()).toBe(10);
  });
  it('batched products with a broadcast ellipsis', () => {
    const x = A.randn([2, 1, 3, 4], { dtype: 'float64' }),
      y = A.randn([5, 4, 2], { dtype: 'float64' });
    const got = A.einsum('...ij,...jk->...ik', x, y);
    expect(got.shape).toEqual([2, 5, 3, 2]);
    expect(got.sub(x.matmul(y)).abs().max().item()).toBeLessThan(1e-12);
  });
  it('whitespace is ignored', () => {
    expect(A.einsum(' i j , j k -> i k ', m, m).toArray()).toEqual(m.matmul(m).toArray());
  });
});

describe('einsum and outer refuse bad input, naming the op', () => {
  const m = tensor([
    [1, 2],
    [3, 4],
  ]);
  const v = tensor([1, 2, 3]);
  it.each([
    ['ij,jk', [m], ShapeError, "einsum: the equation 'ij,jk' has 2 operands, got 1 tensors"],
    ['ijk', [m], ShapeError, "einsum: operand 0 has 2 dimensions but its subscripts 'ijk' name 3"],
    ['ij,j', [m, v], ShapeError, "einsum: subscript 'j' has size 2 in operand 0 and 3 in operand 1 [3]"],
    ['ij->k', [m], RangeError, "einsum: output subscript 'k' appears in no operand"],
    ['ij->ii', [m], RangeError, "einsum: output subscript 'i' appears more than once"],
    ['i1', [m], RangeError, "einsum: invalid subscript '1' in operand 0 'i1' (expected letters and ...)"],
    ['...i...', [m], RangeError, "einsum: operand 0 has more than one ellipsis: '...i...'"],
    [
      'ii',
      [tensor([[1, 2, 3]])],
      ShapeError,
      "einsum: subscript 'i' is repeated in operand 0 [1,3] with sizes that differ",
    ],
    [
      'ij',
      [tensor([[1, 2]], { dtype: 'int32' })],
      DTypeError,
      'einsum: expected float32 or float64 operands, got int32',
    ],
  ])('%s', (equation, operands, type, message) => {
    expect(() => A.einsum(equation as string, ...(operands as Tensor[]))).toThrow(type);
    expect(() => A.einsum(equation as string, ...(operands as Tensor[]))).toThrow(message as string);
  });
  it('outer needs two vectors', () => {
    expect(() => A.outer(m, v)).toThrow(new ShapeError('outer', 'expected two 1-D tensors, got [2,2] and [3]'));
  });
});

describe('outer', () => {
  it('is a[i]·b[j], with gradients of both orders', () => {
    expect(A.outer(tensor([1, 2]), tensor([3, 4, 5])).toArray()).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
    fc.assert(
      fc.property(
        fc
          .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
          .chain(([m, n]) => fc.tuple(dataArb([m], smooth), dataArb([n], smooth))),
        (operands) => {
          const inputs = operands.map(leaf);
          const f = (a: Tensor, b: Tensor): Tensor => a.outer(b);
          expect(gradcheck(f, inputs).ok).toBe(true);
          expect(gradgradcheck(f, inputs).ok).toBe(true);
        },
      ),
      { numRuns: 10, seed: SEED },
    );
  });
});
