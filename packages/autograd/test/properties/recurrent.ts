// Property tests of the fused recurrent cells, fusedLstmCell and fusedGruCell: states with no,
// one or two leading dimensions, hidden sizes 1..3, float64, first and second order. Each function
// returns every output the public function gives (h' and c' stacked for the LSTM), and some
// operands are held constant (their gradients are not computed).
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import type { Tensor } from '@chainrule/autograd';
import { type TensorData, constant, dataArb, leaf, smooth } from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

/** Pre-activations in [-2, 2] times 1.5 (σ and tanh well into their curved parts), states in [-2, 2]. */
const gatesArb = (shape: readonly number[]): fc.Arbitrary<TensorData> =>
  dataArb(shape, smooth).map((d) => ({ shape: d.shape, values: d.values.map((v) => 1.5 * v) }));

/** Operands as data: gate parts [..., k·H] and a state [..., H], and which of them require grad (at least one). */
interface CellCase {
  readonly operands: readonly TensorData[];
  readonly grads: readonly boolean[];
}

const cellCases = (gateParts: number, k: number): fc.Arbitrary<CellCase> =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 0, maxLength: 2 }),
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.boolean(), { minLength: gateParts + 1, maxLength: gateParts + 1 }),
    )
    .filter(([, , grads]) => grads.some((g) => g))
    .chain(([lead, hidden, grads]) =>
      fc.record({
        operands: fc.tuple(
          ...Array.from({ length: gateParts }, () => gatesArb([...lead, k * hidden])),
          dataArb([...lead, hidden], smooth),
        ),
        grads: fc.constant(grads),
      }),
    );

/** The case's tensors (leaves where it asks for a gradient) and a function of the checked ones. */
function build(c: CellCase, cell: (...xs: Tensor[]) => Tensor): { inputs: Tensor[]; f: (...ts: Tensor[]) => Tensor } {
  const all = c.operands.map((d, i) => (c.grads[i] ? leaf(d) : constant(d)));
  const checked = all.filter((t) => t.requiresGrad);
  return {
    inputs: checked,
    f: (...ts: Tensor[]) => cell(...all.map((t) => (t.requiresGrad ? ts[checked.indexOf(t)]! : t))),
  };
}

export const RECURRENT_PROPERTIES: readonly OpProperty[] = [
  property({
    op: 'fusedLstmCell',
    cases: cellCases(1, 4),
    build: (c: CellCase) => build(c, (gates, state) => A.stack(A.fusedLstmCell(gates!, state!))),
    secondOrder: true,
    numRuns: 25,
  }),
  property({
    op: 'fusedGruCell',
    cases: cellCases(2, 3),
    build: (c: CellCase) => build(c, (x, hg, h) => A.fusedGruCell(x!, hg!, h!)),
    secondOrder: true,
    numRuns: 25,
  }),
];
