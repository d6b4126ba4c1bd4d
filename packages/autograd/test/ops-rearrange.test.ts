// Scans (cumprod, logcumsumexp), sorting (argsort, sort, topk), rearrangements (flip, roll,
// repeat, tile) and matrix structure (tril, triu, diagonal, diag): the records' property tests,
// the composites' gradients, cumprod at zeros, stability, methods and vmap (bad input: the
// bad-input catalogue, catalogue/rearrange.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';
import { awayFromZero, dataArb, distinct, leaf, shapeArb, smooth } from './helpers/arbitraries.js';
import { property, runNonDifferentiable, runProperty } from './helpers/properties.js';
import {
  REARRANGEMENT_NON_DIFFERENTIABLE,
  REARRANGEMENT_PROPERTIES,
  shapeAndAxis,
} from './properties/rearrangement.js';

const f64 = (v: A.TensorLike | number[] | number[][], requiresGrad = false): A.Tensor =>
  A.tensor(v as number[], { dtype: 'float64', requiresGrad });

describe('scans, sorting, rearrangements: gradcheck and gradgradcheck', () => {
  for (const p of REARRANGEMENT_PROPERTIES) it(p.op, () => runProperty(p));
  for (const p of REARRANGEMENT_NON_DIFFERENTIABLE) it(`${p.op} (no gradient)`, () => runNonDifferentiable(p));
});

describe('cumprod at zeros', () => {
  it("gives PyTorch's gradient with one or more zeros (no division by 0)", () => {
    const x = f64([2, 0, 3, 0, 5], true);
    A.cumprod(x, 0).backward(f64([1, 2, 3, 4, 5]));
    // out = [2, 0, 0, 0, 0]; ∂/∂x1 = 2·2 + 3·2·3 = 22 (the other terms hold the second zero)
    expect(x.grad!.toArray()).toEqual([1, 22, 0, 0, 0]);
  });

  it('passes gradcheck and gradgradcheck with exact zeros in random places', () => {
    const withZeros = (n: number) =>
      fc.array(fc.oneof(fc.constant(0), fc.double({ min: -2, max: 2, noNaN: true })), { minLength: n, maxLength: n });
    runProperty(
      property({
        op: 'cumprod',
        cases: shapeAndAxis(1, 3).chain(([s, axis]) => fc.tuple(dataArb(s, withZeros), fc.constant(axis))),
        build: ([d, axis]) => ({ inputs: [leaf(d)], f: (x) => A.cumprod(x, axis) }),
        secondOrder: true,
      }),
    );
  });

  it('the division path and the exact path agree where there is no zero', () => {
    fc.assert(
      fc.property(
        shapeArb(3, 4, 1).chain((s) => dataArb(s, awayFromZero)),
        (d) => {
          const g = A.randn(d.shape, { dtype: 'float64', rng: new A.Rng(1) });
          const plain = leaf(d),
            exact = leaf(d);
          A.cumprod(plain, -1).backward(g); // a plain backward: revcumsum(G·out)/x
          A.cumprod(exact, -1).backward(g, { createGraph: true }); // recorded: the products of the others
          const diff = plain.grad!.sub(exact.grad!).abs().max().item();
          expect(diff).toBeLessThan(1e-12 * (1 + plain.grad!.abs().max().item()));
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('logcumsumexp', () => {
  it('neither overflows nor loses small terms, forward or backward', () => {
    const x = f64([1000, 1000, -1000, 999], true);
    const y = A.logcumsumexp(x, 0);
    const v = y.toArray() as number[];
    expect(v[0]).toBe(1000);
    expect(v[1]).toBeCloseTo(1000 + Math.LN2, 12);
    y.backward(f64([1, 1, 1, 1]));
    const g = x.grad!.toArray() as number[];
    expect(g.every(Number.isFinite)).toBe(true);
    // Σ_j ∂out_i/∂x_j = 1 for every i (a softmax), so the gradient of Σ out sums to 4
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 12);
  });

  it('differentiates twice where the upstream gradient is exactly 0 (no NaN from log 0)', () => {
    // G = relu(y) is 0 where y < 0, and G itself is differentiated (through relu) in the second order
    const x = f64([0.3, -1.2, 2, 0.7], true),
      y = f64([0.5, -1, -0.5, 1.5], true);
    const f = (a: A.Tensor, b: A.Tensor) => A.logcumsumexp(a, 0).mul(A.relu(b));
    expect(A.gradcheck(f, [x, y]).ok).toBe(true);
    const second = A.gradgradcheck(f, [x, y]);
    expect(second.ok, second.report).toBe(true);
  });

  it('takes ints as float32', () => {
    expect(A.logcumsumexp(A.tensor([0, 0], { dtype: 'int32' }), 0).dtype).toBe('float32');
  });
});

/** Random shapes of rank ≥ 1, distinct values, an axis, and the sort's direction. */
const sortCases = shapeAndAxis(1, 3).chain(([s, axis]) =>
  fc.tuple(dataArb(s, distinct), fc.constant(axis), fc.boolean()),
);

describe('sort and topk: gradients go back to where each value came from', () => {
  it('sort: gradcheck and gradgradcheck', () => {
    runProperty(
      property({
        op: 'gather',
        cases: sortCases,
        build: ([d, axis, descending]) => ({ inputs: [leaf(d)], f: (x) => A.sort(x, axis, descending).values }),
        secondOrder: true,
      }),
    );
  });

  it('topk: gradcheck and gradgradcheck, sorted or not, largest or smallest', () => {
    runProperty(
      property({
        op: 'gather',
        cases: sortCases.chain(([d, axis, largest]) => {
          const n = d.shape[(axis + d.shape.length) % d.shape.length]!;
          return fc.tuple(
            fc.constant(d),
            fc.constant(axis),
            fc.constant(largest),
            fc.integer({ min: 1, max: n }),
            fc.boolean(),
          );
        }),
        build: ([d, axis, largest, k, sorted]) => ({
          inputs: [leaf(d)],
          f: (x) => A.topk(x, k, axis, largest, sorted).values,
        }),
        secondOrder: true,
      }),
    );
  });

  it('are stable, and agree with each other', () => {
    const x = f64([[2, 1, 2, 1, 3]]);
    expect(A.sort(x, 1).indices.toArray()).toEqual([[1, 3, 0, 2, 4]]);
    expect(x.sort(-1, true).indices.toArray()).toEqual([[4, 0, 2, 1, 3]]);
    expect(x.argsort(1, true).toArray()).toEqual([[4, 0, 2, 1, 3]]);
    expect(x.topk(3).indices.toArray()).toEqual([[4, 0, 2]]);
    expect(x.topk(3, 1, false, false).indices.toArray()).toEqual([[0, 1, 3]]);
    const s = A.sort(f64(7, true));
    expect([s.values.item(), s.indices.item()]).toEqual([7, 0]);
  });
});

describe('repeat and tile', () => {
  /** Counts of 1 to 3, at least one of them 2 or more (else nothing is copied and no expand is recorded). */
  const counts = (min: number, max: number) =>
    fc.array(fc.integer({ min: 1, max: 3 }), { minLength: min, maxLength: max }).filter((c) => c.some((r) => r > 1));
  const composite = (f: (x: A.Tensor, counts: number[]) => A.Tensor, fewer: boolean) =>
    property({
      op: 'expand',
      cases: shapeArb(3, 3, 0).chain((s) => fc.tuple(dataArb(s, smooth), counts(fewer ? 1 : s.length, s.length + 1))),
      build: ([d, c]) => ({ inputs: [leaf(d)], f: (x) => f(x, c) }),
      secondOrder: true,
      numRuns: 15,
    });

  it('repeat: gradcheck and gradgradcheck (gradients of the copies add up)', () => {
    runProperty(composite(A.repeat, false));
  });

  it('tile: gradcheck and gradgradcheck, fewer counts than axes padded with 1s', () => {
    runProperty(composite(A.tile, true));
  });

  it("are PyTorch's Tensor.repeat and torch.tile", () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    expect(x.repeat([1, 2]).toArray()).toEqual([
      [1, 2, 1, 2],
      [3, 4, 3, 4],
    ]);
    expect(x.repeat([2, 1, 1]).shape).toEqual([2, 2, 2]);
    expect(x.tile(2).toArray()).toEqual(x.repeat([1, 2]).toArray());
    expect(A.repeat(x, [0, 1]).shape).toEqual([0, 2]);
  });
});

describe('under vmap, each op equals the stack of its per-example results', () => {
  const xs = A.randn([3, 2, 4, 3], { dtype: 'float64', rng: new A.Rng(7) });
  const cases: [string, (x: A.Tensor) => A.Tensor][] = [
    ['cumprod', (x) => A.cumprod(x, -2)],
    ['logcumsumexp', (x) => A.logcumsumexp(x, 0)],
    ['argsort', (x) => A.argsort(x, 1, true)],
    ['sort', (x) => A.sort(x, 0).values],
    ['topk', (x) => A.topk(x, 2, 1, false, false).values],
    ['flip', (x) => A.flip(x, [0, -1])],
    ['roll', (x) => A.roll(x, [1, -1], [1, 2])],
    ['roll flattened', (x) => A.roll(x, 5)],
    ['repeat', (x) => A.repeat(x, [2, 1, 1, 2])],
    ['tile', (x) => A.tile(x, [2])],
    ['tril', (x) => A.tril(x, -1)],
    ['triu', (x) => A.triu(x, 1)],
    ['diagonal', (x) => A.diagonal(x, 1, 0, 2)],
    ['diag', (x) => A.diag(A.diag(A.select(x, 0, 0)))],
  ];
  it.each(cases)('%s', (_name, f) => {
    const batched = A.vmap(f)(xs);
    const looped = A.stack([0, 1, 2].map((b) => f(A.select(xs, 0, b))));
    expect(batched.toArray()).toEqual(looped.toArray());
  });

  it('on 0-d examples too (a scan or sort of one element)', () => {
    const ys = f64([0.5, -2, 3]);
    for (const f of [
      (y: A.Tensor) => A.cumprod(y, 0),
      (y: A.Tensor) => A.logcumsumexp(y, -1),
      (y: A.Tensor) => A.sort(y).values,
      (y: A.Tensor) => A.topk(y, 1).values,
    ])
      expect(A.vmap(f)(ys).toArray()).toEqual([0.5, -2, 3]);
    expect(A.vmap((y: A.Tensor) => A.argsort(y, 0))(ys).toArray()).toEqual([0, 0, 0]);
  });

  it('per-example gradients of cumprod with zeros', () => {
    const zs = A.tensor(
      [
        [1, 0, 2],
        [3, 2, 0],
      ],
      { dtype: 'float64' },
    );
    const g = A.vmap(A.grad((x: A.Tensor) => A.cumprod(x, 0).sum()))(zs);
    // row 2: out = [3, 6, 0]; ∂/∂x0 = 1 + x1 + x1·x2 = 3, ∂/∂x1 = x0 + x0·x2 = 3, ∂/∂x2 = x0·x1 = 6
    expect(g.toArray()).toEqual([
      [1, 3, 0],
      [3, 3, 6],
    ]);
  });
});
