// The non-differentiable ops: their results never require grad, and inside a differentiable
// function they act as constants — which is also what central differences see, as long as the
// values stay away from the jumps (integers and halves for floor/ceil/round, 0 for sign, ties for
// comparisons and argmax/argmin).
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import type { OpName, Tensor } from '@chainrule/autograd';
import {
  type ValueKind,
  awayFromZero,
  broadcastPairArb,
  dataArb,
  distinct,
  grid,
  leaf,
  shapeArb,
} from '../helpers/arbitraries.js';
import { type NonDifferentiableProperty, nonDifferentiable } from '../helpers/properties.js';

function unary(op: OpName, fn: (x: Tensor) => Tensor, kind: ValueKind): NonDifferentiableProperty {
  return nonDifferentiable({
    op,
    cases: shapeArb().chain((s) => dataArb(s, kind)),
    build: (d) => ({ inputs: [leaf(d)], direct: fn, f: (x) => A.mul(x, fn(x)) }),
  });
}

function comparison(op: OpName, fn: (a: Tensor, b: Tensor) => Tensor): NonDifferentiableProperty {
  return nonDifferentiable({
    op,
    cases: broadcastPairArb().chain(([sa, sb]) => fc.tuple(dataArb(sa, grid(0.25)), dataArb(sb, grid(0)))),
    build: ([a, b]) => ({ inputs: [leaf(a), leaf(b)], direct: fn, f: (x, y) => A.mul(A.sub(x, y), fn(x, y)) }),
  });
}

function argReduction(
  op: OpName,
  fn: (x: Tensor, axis: number, keepDims: boolean) => Tensor,
): NonDifferentiableProperty {
  return nonDifferentiable({
    op,
    cases: shapeArb(3, 3, 1).chain((s) => fc.tuple(dataArb(s, distinct), fc.integer({ min: 0, max: s.length - 1 }))),
    build: ([d, axis]) => ({
      inputs: [leaf(d)],
      direct: (x) => fn(x, axis, true),
      f: (x) => A.gather(x, axis, fn(x, axis, true)), // picks the extreme element: gradient one-hot there
    }),
  });
}

export const NON_DIFFERENTIABLE_PROPERTIES: readonly NonDifferentiableProperty[] = [
  unary('sign', A.sign, awayFromZero),
  unary('floor', A.floor, grid(0.25)),
  unary('ceil', A.ceil, grid(0.25)),
  unary('round', A.round, grid(0.25)),
  comparison('eq', A.eq),
  comparison('ne', A.ne),
  comparison('lt', A.lt),
  comparison('le', A.le),
  comparison('gt', A.gt),
  comparison('ge', A.ge),
  argReduction('argmax', A.argmax),
  argReduction('argmin', A.argmin),
];
