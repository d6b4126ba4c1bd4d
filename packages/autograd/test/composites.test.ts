// Functions built from the table's ops: their gradients (first and second order) on random
// shapes, axes and values, and their stability on inputs that break naive formulas.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';
import type { Tensor } from '@chainrule/autograd';
import { axesArb, dataArb, indexTensor, leaf, shapeArb, sizeOf, smooth } from './helpers/arbitraries.js';
import { type OpProperty, property, runProperty } from './helpers/properties.js';

const withAxis = shapeArb(3, 3, 1).chain((s) =>
  fc.tuple(dataArb(s, smooth), fc.integer({ min: -s.length, max: s.length - 1 })),
);
const withAxes = shapeArb(3, 3).chain((s) => fc.tuple(dataArb(s, smooth), axesArb(s.length), fc.boolean()));

const COMPOSITES: Record<string, OpProperty> = {
  mean: property({
    op: 'sum',
    cases: withAxes,
    build: ([d, axes, keep]) => ({ inputs: [leaf(d)], f: (x) => A.mean(x, axes, keep) }),
    secondOrder: true,
  }),
  // variance needs two elements per slice for correction 1; std also needs a positive variance
  variance: property({
    op: 'square',
    cases: shapeArb(3, 3, 1)
      .filter((s) => sizeOf(s) > 1)
      .chain((s) => fc.tuple(dataArb(s, smooth), fc.constantFrom(0, 1))),
    build: ([d, correction]) => ({ inputs: [leaf(d)], f: (x) => A.variance(x, undefined, { correction }) }),
    secondOrder: true,
  }),
  std: property({
    op: 'sqrt',
    cases: shapeArb(2, 3, 2)
      .filter((s) => s[s.length - 1]! > 1)
      .chain((s) =>
        dataArb(s, (n) =>
          fc
            .array(fc.integer({ min: -8, max: 8 }), { minLength: n, maxLength: n })
            .map((ks) => ks.map((k, i) => k / 4 + i * 0.01)),
        ),
      ),
    build: (d) => ({ inputs: [leaf(d)], f: (x) => A.std(x, -1, { keepDims: true }) }),
    secondOrder: true,
  }),
  logsumexp: property({
    op: 'exp',
    cases: withAxes,
    build: ([d, axes, keep]) => ({ inputs: [leaf(d)], f: (x) => A.logsumexp(x, axes, keep) }),
    secondOrder: true,
  }),
  softmax: property({
    op: 'exp',
    cases: withAxis,
    build: ([d, axis]) => ({ inputs: [leaf(d)], f: (x) => A.softmax(x, axis) }),
    secondOrder: true,
  }),
  logSoftmax: property({
    op: 'log',
    cases: withAxis,
    build: ([d, axis]) => ({ inputs: [leaf(d)], f: (x) => A.logSoftmax(x, axis) }),
    secondOrder: true,
  }),
  'transpose, mT': property({
    op: 'permute',
    cases: shapeArb(3, 3, 2).chain((s) => fc.tuple(dataArb(s, smooth), fc.boolean())),
    build: ([d, swapLast]) => ({ inputs: [leaf(d)], f: (x) => (swapLast ? A.mT(x).mul(2) : A.transpose(x).mul(2)) }),
    secondOrder: true,
  }),
  'squeeze, unsqueeze, flatten, broadcastTo': property({
    op: 'reshape',
    cases: shapeArb(3, 3, 1).chain((s) => dataArb(s, smooth)),
    build: (d) => ({
      inputs: [leaf(d)],
      f: (x) =>
        A.expand(
          A.flatten(A.squeeze(A.unsqueeze(x, 0), 0))
            .unsqueeze(0)
            .unsqueeze(-1),
          [2, sizeOf(d.shape), 2],
        ),
    }),
    secondOrder: true,
  }),
  select: property({
    op: 'slice',
    cases: shapeArb(3, 3, 1).chain((s) =>
      fc
        .integer({ min: 0, max: s.length - 1 })
        .chain((axis) =>
          fc.tuple(dataArb(s, smooth), fc.constant(axis), fc.integer({ min: -s[axis]!, max: s[axis]! - 1 })),
        ),
    ),
    build: ([d, axis, i]) => ({ inputs: [leaf(d)], f: (x) => A.select(x, axis, i) }),
    secondOrder: true,
  }),
  'stack, split': property({
    op: 'concat',
    cases: shapeArb(2, 3, 1).chain((s) =>
      fc.tuple(dataArb(s, smooth), dataArb(s, smooth), fc.integer({ min: 0, max: s.length })),
    ),
    build: ([a, b, axis]) => ({
      inputs: [leaf(a), leaf(b)],
      f: (x, y) => {
        const both = A.stack([x, y.square()], axis);
        const [first, second] = A.split(both, 1, axis);
        return A.concat([second!, first!.mul(3)], axis);
      },
    }),
    secondOrder: true,
  }),
  indexSelect: property({
    op: 'gather',
    cases: shapeArb(3, 3, 1).chain((s) =>
      fc
        .integer({ min: 0, max: s.length - 1 })
        .chain((axis) =>
          fc.tuple(
            dataArb(s, smooth),
            fc.constant(axis),
            fc.array(fc.integer({ min: 0, max: s[axis]! - 1 }), { minLength: 1, maxLength: 5 }),
          ),
        ),
    ),
    build: ([d, axis, idx]) => {
      const index = indexTensor([idx.length], idx);
      return { inputs: [leaf(d)], f: (x) => A.indexSelect(x, axis, index) };
    },
    secondOrder: true,
  }),
};

describe('composite functions: gradcheck and gradgradcheck', () => {
  for (const [name, p] of Object.entries(COMPOSITES)) it(name, () => runProperty(p));
});

describe('stability on inputs that break naive formulas', () => {
  const f64 = (v: number[]): Tensor => A.tensor(v, { dtype: 'float64', requiresGrad: true });

  it('logsumexp([1000, 1000]) = 1000 + log 2, with gradient [1/2, 1/2]', () => {
    const x = f64([1000, 1000]);
    const y = A.logsumexp(x);
    expect(y.item()).toBeCloseTo(1000 + Math.LN2, 10);
    y.backward();
    expect(x.grad!.toArray()).toEqual([0.5, 0.5]);
  });

  it('softmax and logSoftmax of [1e4, 0, -1e4] stay finite, and so do their gradients', () => {
    const x = f64([1e4, 0, -1e4]);
    expect(A.softmax(x).toArray()).toEqual([1, 0, 0]);
    const ls = A.logSoftmax(x);
    expect(ls.toArray()).toEqual([0, -1e4, -2e4]);
    ls.sum().backward(); // d Σ logSoftmax / dx = 1 - n·softmax
    expect(x.grad!.toArray()).toEqual([1 - 3, 1, 1]);
  });

  it('logsumexp of a row of -Infinity is -Infinity, without NaN', () => {
    const x = A.tensor([-Infinity, -Infinity], { dtype: 'float64' });
    expect(A.logsumexp(x).item()).toBe(-Infinity);
  });
});
