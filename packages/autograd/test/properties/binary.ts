// Property tests of the binary rules on broadcasting pairs of shapes (broadcast is an explicit
// expand node, so each case also exercises expand's rule: the gradient summed back).
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import type { OpName, Tensor } from '@chainrule/autograd';
import {
  type TensorData,
  type ValueKind,
  awayFromZero,
  broadcastPairArb,
  dataArb,
  grid,
  leaf,
  maskTensor,
  operandShapeArb,
  positive,
  shapeArb,
  sizeOf,
  smooth,
} from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

const pair = (ka: ValueKind, kb: ValueKind): fc.Arbitrary<[TensorData, TensorData]> =>
  broadcastPairArb().chain(([sa, sb]) => fc.tuple(dataArb(sa, ka), dataArb(sb, kb)));

function binary(op: OpName, fn: (a: Tensor, b: Tensor) => Tensor, ka: ValueKind, kb: ValueKind): OpProperty {
  return property({
    op,
    cases: pair(ka, kb),
    build: ([a, b]) => ({ inputs: [leaf(a), leaf(b)], f: fn }),
    secondOrder: true,
  });
}

export const BINARY_PROPERTIES: readonly OpProperty[] = [
  binary('add', A.add, smooth, smooth),
  binary('sub', A.sub, smooth, smooth),
  binary('mul', A.mul, smooth, smooth),
  binary('div', A.div, smooth, awayFromZero),
  binary('pow', A.pow, positive, smooth),
  // a on k/2 + 0.25, b on k/2 (each ± 0.1): never within 0.05 of each other, so no ties
  binary('maximum', A.maximum, grid(0.25), grid(0)),
  binary('minimum', A.minimum, grid(0), grid(0.25)),
  // a kept off 0: the branch cut of atan2 (a = 0, b < 0) and the origin are never crossed
  binary('atan2', A.atan2, awayFromZero, smooth),
  property({
    op: 'where',
    cases: shapeArb().chain((full) =>
      fc.tuple(
        operandShapeArb(full).chain((s) =>
          fc.array(fc.boolean(), { minLength: sizeOf(s), maxLength: sizeOf(s) }).map((mask) => ({ shape: s, mask })),
        ),
        fc.tuple(
          operandShapeArb(full).chain((s) => dataArb(s, smooth)),
          operandShapeArb(full).chain((s) => dataArb(s, smooth)),
        ),
      ),
    ),
    build: ([c, [a, b]]) => {
      const cond = maskTensor(c.shape, c.mask);
      return { inputs: [leaf(a), leaf(b)], f: (x, y) => A.where(cond, x, y) };
    },
    secondOrder: true,
  }),
];
