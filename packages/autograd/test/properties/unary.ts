// Property tests of the unary rules: each op on random shapes, values in its smooth region.
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import type { OpName, Tensor } from '@chainrule/autograd';
import {
  type TensorData,
  type ValueKind,
  awayFromZero,
  dataArb,
  grid,
  leaf,
  positive,
  shapeArb,
  smooth,
} from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

const one = (kind: ValueKind): fc.Arbitrary<TensorData> => shapeArb().chain((s) => dataArb(s, kind));

function unary(op: OpName, fn: (x: Tensor) => Tensor, kind: ValueKind, secondOrder = true): OpProperty {
  return property({ op, cases: one(kind), build: (d) => ({ inputs: [leaf(d)], f: fn }), secondOrder });
}

export const UNARY_PROPERTIES: readonly OpProperty[] = [
  unary('neg', A.neg, smooth),
  unary('abs', A.abs, awayFromZero),
  unary('exp', A.exp, smooth),
  unary('log', A.log, positive),
  unary('log1p', A.log1p, (n) =>
    fc.array(fc.double({ min: -0.5, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
  ),
  unary('expm1', A.expm1, smooth),
  unary('sqrt', A.sqrt, positive),
  unary('square', A.square, smooth),
  unary('reciprocal', A.reciprocal, awayFromZero),
  unary('sin', A.sin, smooth),
  unary('cos', A.cos, smooth),
  unary('tanh', A.tanh, smooth),
  unary('sigmoid', A.sigmoid, smooth),
  unary('relu', A.relu, awayFromZero),
  unary('erf', A.erf, smooth),
  unary('softplus', A.softplus, (n) =>
    fc.array(fc.double({ min: -25, max: 25, noNaN: true }), { minLength: n, maxLength: n }),
  ),
  // values on the grid k/2 + 0.25 ± 0.1 stay >= 0.15 away from the bounds ±0.5 and ±1 (either may be absent)
  property({
    op: 'clamp',
    cases: fc.tuple(
      one(grid(0.25)),
      fc.constantFrom<[number | undefined, number | undefined]>([-0.5, 0.5], [-1, undefined], [undefined, 1], [-1, 1]),
    ),
    build: ([d, [lo, hi]]) => ({ inputs: [leaf(d)], f: (x) => A.clamp(x, lo, hi) }),
    secondOrder: true,
  }),
  // float64 -> float32 -> float64: linear, so a large step is exact up to float32 rounding (|x| <= 2:
  // error <= 2·2^-24·2 / 2e-2 ≈ 1e-5 relative), and small steps would drown in that rounding
  property({
    op: 'cast',
    cases: one(smooth),
    build: (d) => ({ inputs: [leaf(d)], f: (x) => A.cast(A.cast(x, 'float32'), 'float64') }),
    secondOrder: true,
    options: { eps: 1e-2 },
  }),
];
