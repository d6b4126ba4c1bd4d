// Property test of the fused linear op, y = x·Wᵀ + b: 1-D, 2-D and 3-D inputs, with and without
// a bias, and with some operands held constant (their gradients are not computed).
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import type { Tensor } from '@chainrule/autograd';
import { type TensorData, constant, dataArb, leaf, smooth } from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

const dim = fc.integer({ min: 1, max: 3 });

/** Leading dimensions of x: none (1-D), one (2-D) or two (3-D). */
export const leadingArb: fc.Arbitrary<number[]> = fc.array(dim, { minLength: 0, maxLength: 2 });

/** x [..., in], W [out, in], b [out] or null, and which of them require grad (at least one). */
export interface LinearCase {
  readonly x: TensorData;
  readonly w: TensorData;
  readonly b: TensorData | null;
  readonly grads: readonly [boolean, boolean, boolean];
}

export const linearCases: fc.Arbitrary<LinearCase> = fc
  .tuple(leadingArb, dim, dim, fc.boolean(), fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()))
  .filter(([, , , bias, [gx, gw, gb]]) => gx || gw || (bias && gb))
  .chain(([lead, nIn, nOut, bias, grads]) =>
    fc.record({
      x: dataArb([...lead, nIn], smooth),
      w: dataArb([nOut, nIn], smooth),
      b: bias ? dataArb([nOut], smooth) : fc.constant(null),
      grads: fc.constant(grads),
    }),
  );

/** The case's tensors: leaves where the case asks for a gradient, constants elsewhere. */
export function linearInputs(c: LinearCase): { x: Tensor; w: Tensor; b: Tensor | null } {
  const make = (d: TensorData, g: boolean): Tensor => (g ? leaf(d) : constant(d));
  return { x: make(c.x, c.grads[0]), w: make(c.w, c.grads[1]), b: c.b === null ? null : make(c.b, c.grads[2]) };
}

export const LINEAR_PROPERTIES: readonly OpProperty[] = [
  property({
    op: 'linear',
    cases: linearCases,
    build: (c: LinearCase) => {
      const { x, w, b } = linearInputs(c);
      const all = b === null ? [x, w] : [x, w, b];
      const checked = all.filter((t) => t.requiresGrad);
      // gradcheck perturbs the checked tensors; the constant ones are closed over
      return {
        inputs: checked,
        f: (...ts: Tensor[]) => {
          const pick = (t: Tensor): Tensor => (t.requiresGrad ? ts[checked.indexOf(t)]! : t);
          return A.linear(pick(x), pick(w), b === null ? null : pick(b));
        },
      };
    },
    secondOrder: true,
    numRuns: 30,
  }),
];
