// Property tests of the whole-sequence layers, fusedLstmSequence and fusedGruSequence: 1..3 steps,
// batch 1..2, hidden 1..3, with and without b_hh, float64, first and second order. Some operands
// are held constant (their gradients are not computed); every output is returned (both of the
// LSTM's, h and c of every step, stacked).
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import type { Tensor } from '@chainrule/autograd';
import { type TensorData, constant, dataArb, leaf, smooth } from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

/** Values in [-2, 2] times `scale`. */
const scaled = (shape: readonly number[], scale: number): fc.Arbitrary<TensorData> =>
  dataArb(shape, smooth).map((d) => ({ shape: d.shape, values: d.values.map((v) => scale * v) }));

/** Operands [xGates, W_hh, h0, (c0), (b_hh)] as data, and which require grad (at least one). */
interface SequenceCase {
  readonly operands: readonly TensorData[];
  readonly grads: readonly boolean[];
}

/** Cases of a layer with `k` gates per hidden unit and `states` initial states. */
const sequenceCases = (k: number, states: number): fc.Arbitrary<SequenceCase> =>
  fc
    .record({
      steps: fc.integer({ min: 1, max: 3 }),
      batch: fc.integer({ min: 1, max: 2 }),
      hidden: fc.integer({ min: 1, max: 3 }),
      bias: fc.boolean(),
      grads: fc.array(fc.boolean(), { minLength: 3 + states, maxLength: 3 + states }),
    })
    .filter((c) => c.grads.slice(0, c.bias ? undefined : -1).some((g) => g))
    .chain((c) => {
      const { steps, batch, hidden } = c;
      const operands = [
        scaled([steps, batch, k * hidden], 1.5),
        scaled([k * hidden, hidden], 0.5),
        ...Array.from({ length: states }, () => scaled([batch, hidden], 1)),
        ...(c.bias ? [scaled([k * hidden], 0.5)] : []),
      ];
      return fc.record({
        operands: fc.tuple(...operands),
        grads: fc.constant(c.grads.slice(0, operands.length)),
      });
    });

/** The case's tensors (leaves where it asks for a gradient) and a function of the checked ones. */
function build(c: SequenceCase, layer: (...xs: (Tensor | null)[]) => Tensor) {
  const all = c.operands.map((d, i) => (c.grads[i] ? leaf(d) : constant(d)));
  const checked = all.filter((t) => t.requiresGrad);
  return {
    inputs: checked,
    f: (...ts: Tensor[]) => layer(...all.map((t) => (t.requiresGrad ? ts[checked.indexOf(t)]! : t))),
  };
}

export const RECURRENT_SEQUENCE_PROPERTIES: readonly OpProperty[] = [
  property({
    op: 'fusedLstmSequence',
    cases: sequenceCases(4, 2),
    build: (c: SequenceCase) =>
      build(c, (x, w, h0, c0, b) => A.stack(A.fusedLstmSequence(x!, w!, b ?? null, h0!, c0!))),
    secondOrder: true,
    numRuns: 20,
  }),
  property({
    op: 'fusedGruSequence',
    cases: sequenceCases(3, 1),
    build: (c: SequenceCase) => build(c, (x, w, h0, b) => A.fusedGruSequence(x!, w!, b ?? null, h0!)),
    secondOrder: true,
    numRuns: 20,
  }),
];
