// vectorNorm, matrixNorm and norm, composites of recorded ops: gradcheck and gradgradcheck off the
// kinks (properties/norm.ts), PyTorch's subgradient at them (a zero element, a zero norm), against
// plain formulas, and their errors. PyTorch's values are in linalg-fixtures.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';
import { type Tensor, gradcheck, gradgradcheck, tensor } from '@chainrule/autograd';
import { DTypeError, RangeError, ShapeError } from '@chainrule/tensor';
import { leaf } from './helpers/arbitraries.js';
import { type MatrixNormCase, type VectorNormCase, matrixNormCases, vectorNormCases } from './properties/norm.js';

const SEED = 20261206;

function check(f: (x: Tensor) => Tensor, x: Tensor, what: string): void {
  const first = gradcheck(f, [x]);
  if (!first.ok) throw new Error(`${what}\n${first.report}`);
  const second = gradgradcheck(f, [x]);
  if (!second.ok) throw new Error(`second order, ${what}\n${second.report}`);
}

describe('norms off the kinks: gradcheck and gradgradcheck (float64)', () => {
  it('vectorNorm, every kind of order, random axes', () => {
    fc.assert(
      fc.property(vectorNormCases, (c: VectorNormCase) =>
        check((x) => A.vectorNorm(x, c.ord, c.dim, c.keepDim), leaf(c.x), JSON.stringify(c)),
      ),
      { numRuns: 40, seed: SEED },
    );
  });
  it('matrixNorm, fro, ±1 and ±Infinity, random axes', () => {
    fc.assert(
      fc.property(matrixNormCases, (c: MatrixNormCase) =>
        check((x) => A.matrixNorm(x, c.ord, c.dim, c.keepDim), leaf(c.x), JSON.stringify(c)),
      ),
      { numRuns: 40, seed: SEED },
    );
  });
});

const f64 = (values: number[] | number[][], requiresGrad = false): Tensor =>
  tensor(values, { dtype: 'float64', requiresGrad });

/** ∂ vectorNorm(x, ord) / ∂x, and whether the graph of that gradient gives finite second derivatives. */
function gradAt(values: number[], ord: number): { grad: number[]; secondFinite: boolean } {
  const norm = (t: Tensor): Tensor => A.vectorNorm(t, ord);
  const g = A.grad(norm)(f64(values));
  const h = A.grad((t: Tensor) => {
    const gt = A.grad(norm)(t);
    return gt.mul(gt).sum();
  })(f64(values));
  return { grad: g.toArray() as number[], secondFinite: (h.toArray() as number[]).every(Number.isFinite) };
}

describe('norms at the kinks: PyTorch subgradient 0, no NaN', () => {
  it.each([2, 3, 1.5, 0.5, 1])('a zero vector, ord %s: gradient 0', (ord) => {
    const r = gradAt([0, 0, 0], ord);
    expect(r.grad).toEqual([0, 0, 0]);
    expect(r.secondFinite).toBe(true);
  });
  it.each([2, 3, 1.5, 0.5])('a zero element, ord %s: 0 there, sign(x)·|x|^(p−1)·‖x‖^(1−p) elsewhere', (p) => {
    const values = [0, 3, -4];
    const r = gradAt(values, p);
    const n = (3 ** p + 4 ** p) ** (1 / p);
    const want = values.map((v) => (v === 0 ? 0 : Math.sign(v) * Math.abs(v) ** (p - 1) * n ** (1 - p)));
    for (const [i, g] of r.grad.entries()) expect(g).toBeCloseTo(want[i]!, 12);
    expect(r.secondFinite).toBe(true);
  });
  it.each([-1, -2.5])('a zero element, ord %s: the norm is 0 and so is its gradient', (ord) => {
    const x = f64([0, 3, -4], true);
    const y = A.vectorNorm(x, ord);
    expect(y.item()).toBe(0);
    y.backward();
    expect((x.grad!.toArray() as number[]).map(Math.abs)).toEqual([0, 0, 0]); // -0 for a negative x
    expect(gradAt([0, 3, -4], ord).secondFinite).toBe(true);
  });
  it('ord 0 counts nonzero elements and has gradient 0', () => {
    const x = f64([0, 3, -4, 0.5], true);
    const y = A.vectorNorm(x, 0);
    expect(y.item()).toBe(3);
    y.backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0, 0]);
  });
});

describe('norm values', () => {
  const v = f64([3, -4]);
  it.each([
    [2, 5],
    [1, 7],
    [Infinity, 4],
    [-Infinity, 3],
    [0, 2],
    [0.5, (Math.sqrt(3) + 2) ** 2],
    [-1, 1 / (1 / 3 + 1 / 4)],
  ])('vectorNorm([3, -4], %s) = %s', (ord, want) => {
    expect(A.vectorNorm(v, ord).item()).toBeCloseTo(want, 12);
  });
  const m = f64([
    [1, -2],
    [3, 4],
  ]);
  it('norm: Frobenius by default, vector norms over dim, keepDim', () => {
    expect(A.norm(m).item()).toBeCloseTo(Math.sqrt(30), 14);
    expect(m.norm().item()).toBeCloseTo(Math.sqrt(30), 14);
    expect(A.norm(m, 1, 1).toArray()).toEqual([3, 7]);
    expect(A.norm(m, Infinity, 0, true).toArray()).toEqual([[3, 4]]);
    expect(A.norm(m, 'fro', [0, 1], true).shape).toEqual([1, 1]);
  });
  it('matrixNorm: column sums for ±1, row sums for ±Infinity', () => {
    expect(A.matrixNorm(m, 1).item()).toBe(6);
    expect(A.matrixNorm(m, -1).item()).toBe(4);
    expect(A.matrixNorm(m, Infinity).item()).toBe(7);
    expect(A.matrixNorm(m, -Infinity).item()).toBe(3);
    expect(A.matrixNorm(m, 1, [1, 0]).item()).toBe(7);
    expect(A.matrixNorm(m, 'fro', [-2, -1], true).shape).toEqual([1, 1]);
  });
});

describe('norms refuse bad input, naming the op', () => {
  const m = f64([
    [1, 2],
    [3, 4],
  ]);
  it.each([
    [
      'an int input',
      () => A.vectorNorm(tensor([1, 2], { dtype: 'int32' })),
      DTypeError,
      'vectorNorm: expected a float32',
    ],
    ['a NaN order', () => A.vectorNorm(m, Number.NaN), RangeError, 'vectorNorm: ord must be a number'],
    ['an axis out of range', () => A.vectorNorm(m, 2, 2), RangeError, 'vectorNorm'],
    [
      'a spectral matrix norm',
      () => A.matrixNorm(m, 2),
      RangeError,
      "matrixNorm: ord 2 is not supported (expected 'fro'",
    ],
    ['a vector for matrixNorm', () => A.matrixNorm(f64([1, 2])), ShapeError, 'matrixNorm: expected a matrix'],
    ['one axis twice', () => A.matrixNorm(m, 1, [0, -2]), ShapeError, 'matrixNorm: dim must name two different axes'],
    ["'nuc'", () => A.norm(m, 'nuc' as 'fro'), RangeError, "norm: p must be a number or 'fro', got nuc"],
    ["'fro' over three axes", () => A.norm(f64([[1]]).reshape([1, 1, 1]), 'fro', [0, 1, 2]), ShapeError, "norm: 'fro'"],
  ])('%s', (_, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message as string);
  });
});
