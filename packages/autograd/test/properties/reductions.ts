// Property tests of the reductions: random shapes, random axes (or all), keepDims either way.
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import type { OpName, Tensor } from '@chainrule/autograd';
import { type ValueKind, axesArb, dataArb, distinct, leaf, shapeArb, smooth } from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

type Reduction = (x: Tensor, axes: number[] | undefined, keepDims: boolean) => Tensor;

function reduction(op: OpName, fn: Reduction, kind: ValueKind): OpProperty {
  return property({
    op,
    cases: shapeArb().chain((s) => fc.tuple(dataArb(s, kind), axesArb(s.length), fc.boolean())),
    build: ([d, axes, keepDims]) => ({ inputs: [leaf(d)], f: (x) => fn(x, axes, keepDims) }),
    secondOrder: true,
  });
}

export const REDUCTION_PROPERTIES: readonly OpProperty[] = [
  reduction('sum', A.sum, smooth),
  // distinct values: no ties, so the maximum is a smooth function of the values nearby
  reduction('max', A.max, distinct),
  reduction('min', A.min, distinct),
  // fast-check's doubles include exact zeros, so this also covers the product of the others at a 0
  reduction('prod', A.prod, smooth),
  // any axis, negative ones included (a 0-d input has axes 0 and -1, as PyTorch)
  property({
    op: 'cumsum',
    cases: shapeArb().chain((s) =>
      fc.tuple(dataArb(s, smooth), fc.integer({ min: -Math.max(s.length, 1), max: Math.max(s.length, 1) - 1 })),
    ),
    build: ([d, axis]) => ({ inputs: [leaf(d)], f: (x) => A.cumsum(x, axis) }),
    secondOrder: true,
  }),
];
