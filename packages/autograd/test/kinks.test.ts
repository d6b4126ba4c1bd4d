// Conventions at the points where a derivative is undefined (PyTorch's choices), and exact
// gradients at points the property tests avoid.
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';
import type { Tensor } from '@chainrule/autograd';

const f64 = (v: number | number[] | number[][]): Tensor => A.tensor(v, { dtype: 'float64', requiresGrad: true });
const gradOf = (x: Tensor, f: (x: Tensor) => Tensor): unknown => {
  f(x).sum().backward();
  return x.grad!.toArray();
};

describe('conventions at kinks', () => {
  it("relu'(0) = 0 and abs'(0) = 0", () => {
    expect(gradOf(f64([-1, 0, 2]), A.relu)).toEqual([0, 0, 1]);
    expect(gradOf(f64([-1, 0, 2]), A.abs)).toEqual([-1, 0, 1]);
  });

  it('max over all elements splits the gradient evenly among ties; over an axis, per slice', () => {
    expect(gradOf(f64([3, 1, 3, 3]), (x) => A.max(x))).toEqual([1 / 3, 0, 1 / 3, 1 / 3]);
    expect(
      gradOf(
        f64([
          [2, 2],
          [1, 5],
        ]),
        (x) => A.max(x, 1),
      ),
    ).toEqual([
      [0.5, 0.5],
      [0, 1],
    ]);
    expect(gradOf(f64([-1, -1, 0]), (x) => A.min(x))).toEqual([0.5, 0.5, 0]);
  });

  it('maximum/minimum of equal values give half to each', () => {
    const a = f64([1, 2]),
      b = f64([1, 0]);
    A.maximum(a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([0.5, 1]);
    expect(b.grad!.toArray()).toEqual([0.5, 0]);
  });

  it('clamp passes 1 at the boundary and 0 outside', () => {
    expect(gradOf(f64([-2, -1, 0, 1, 2]), (x) => A.clamp(x, -1, 1))).toEqual([0, 1, 1, 1, 0]);
  });

  it("sqrt'(0) = Infinity, log'(0) = Infinity; sign, floor, round pass no gradient", () => {
    expect(gradOf(f64([0]), A.sqrt)).toEqual([Infinity]);
    expect(gradOf(f64([0]), A.log)).toEqual([Infinity]);
    expect(gradOf(f64([0.5]), (x) => x.add(A.sign(x)).add(A.floor(x)).add(A.round(x)))).toEqual([1]);
  });

  it('pow: d(a^b)/da = 0 where b = 0 (even at a = 0), d/db = 0 where a <= 0', () => {
    const a = f64([0, 0, 2, -2]),
      b = f64([0, 2, 0, 2]);
    A.pow(a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([0, 0, 0, -4]);
    expect(b.grad!.toArray()).toEqual([0, 0, Math.log(2), 0]);
  });

  it('pow keeps the mixed second derivative at b = 0 for a > 0: ∂²(a^b)/∂a∂b = 1/a there', () => {
    const a = f64([0.5]),
      b = f64([0]);
    A.pow(a, b).sum().backward(undefined, { createGraph: true });
    const ga = a.grad!; // b·a^(b-1) = 0
    expect(ga.toArray()).toEqual([0]);
    b.zeroGrad();
    ga.sum().backward(); // ∂/∂b (b·a^(b-1)) = a^(b-1) + b·a^(b-1)·log a = 1/a
    expect(b.grad!.toArray()).toEqual([2]);
  });

  it('pow at 0^0 has finite second derivatives (no NaN leaks from the masked branch)', () => {
    const a = f64([0]);
    A.pow(a, 0).sum().backward(undefined, { createGraph: true });
    const g = a.grad!;
    a.zeroGrad();
    g.sum().backward();
    expect(a.grad!.toArray()).toEqual([0]);
  });
});

describe('prod at zeros: the product of the others, exactly', () => {
  it('one zero: the gradient at the zero is the product of the rest, 0 elsewhere', () => {
    expect(gradOf(f64([2, 0, 3]), (x) => A.prod(x))).toEqual([0, 6, 0]);
  });

  it('two zeros: 0 everywhere; per slice along an axis', () => {
    expect(gradOf(f64([0, 4, 0]), (x) => A.prod(x))).toEqual([0, 0, 0]);
    expect(
      gradOf(
        f64([
          [1, 0, 5],
          [2, 3, 4],
        ]),
        (x) => A.prod(x, 1),
      ),
    ).toEqual([
      [0, 5, 0],
      [12, 8, 6],
    ]);
  });

  it('second derivatives at a zero: ∂²(xyz)/∂x∂y = z', () => {
    const x = f64([0, 0, 7]);
    A.prod(x).backward(undefined, { createGraph: true });
    const g = x.grad!; // [yz, xz, xy] = [0, 0, 0]
    expect(g.toArray()).toEqual([0, 0, 0]);
    x.zeroGrad();
    g.select(0, 0).backward(); // ∂(yz)/∂(x, y, z) = (0, z, y)
    expect(x.grad!.toArray()).toEqual([0, 7, 0]);
  });
});
