// The 'custom' table entry (customOp): a user-defined op with a backward written in tensor ops
// is checked like any built-in rule, to second order.
import * as A from '@chainrule/autograd';
import { shapeArb, dataArb, leaf, smooth } from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

/** x·sin(y), with its hand-written derivatives (sin y, x cos y). */
export const xSinY = A.customOp({
  name: 'xSinY',
  forward: (x, y) => x!.mul(y!.sin()),
  backward: (g, [x, y]) => [g.mul(y!.sin()), g.mul(x!).mul(y!.cos())],
});

export const CUSTOM_PROPERTIES: readonly OpProperty[] = [
  property({
    op: 'custom',
    cases: shapeArb().chain((s) => dataArb(s, smooth).chain((a) => dataArb(s, smooth).map((b) => [a, b] as const))),
    build: ([a, b]) => ({ inputs: [leaf(a), leaf(b)], f: (x, y) => xSinY(x, y) }),
    secondOrder: true,
  }),
];
