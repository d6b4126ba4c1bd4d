/**
 * RNN, LSTM and GRU as ONNX's RNN, LSTM and GRU ops, one per stacked layer. The gate blocks of
 * the weights are reordered at export (PyTorch's LSTM i,f,g,o is ONNX's i,o,f,c; GRU r,z,n is
 * z,r,h, written with linear_before_reset=1, PyTorch's formula), the two biases concatenated.
 */
import { type Tensor, concat, noGrad, slice, unsqueeze } from '@chainrule/autograd';
import { type CellWeights, type GRU, GRUCell, type LSTM, LSTMCell, type RNN, RNNCell } from '@chainrule/nn';
import type { EmitContext } from './context.js';
import type { Attr } from './proto.js';
import type { ModuleStep } from './trace.js';

type Ctx = EmitContext<ModuleStep>;

/** Where each ONNX gate block comes from in PyTorch's order. */
const ORDER = { RNN: [0], LSTM: [0, 3, 1, 2], GRU: [1, 0, 2] } as const;

/** `t`'s row blocks of `hidden` rows in `order`, as [1, ...] (ONNX's num_directions axis). */
function reorder(t: Tensor, order: readonly number[], hidden: number): Tensor {
  return noGrad(() =>
    unsqueeze(
      concat(
        order.map((g) => slice(t, 0, g * hidden, (g + 1) * hidden)),
        0,
      ),
      0,
    ),
  );
}

/** Layer `l`'s slice [l, l+1) of a state input [numLayers, N, H]. */
function stateOf(c: Ctx, name: string, l: number): string {
  return c.b.node('Slice', [name, c.b.int64s([l], 'starts'), c.b.int64s([l + 1], 'ends'), c.b.int64s([0], 'axes')]);
}

type Kind = 'RNN' | 'LSTM' | 'GRU';

/** What one ONNX recurrent node gives: Y squeezed to [T, N, H], Y_h and Y_c ([1, N, H]). */
interface LayerOut {
  y: string;
  h: string;
  c: string | undefined;
}

/** One layer as one ONNX RNN/LSTM/GRU node over the time-major `seq`, from states h0, c0 ([1, N, H]) if given. */
function writeLayer(
  c: Ctx,
  kind: Kind,
  w: CellWeights,
  seq: string,
  state: { h0?: string; c0?: string; relu: boolean; prefix: string },
): LayerOut {
  const order = ORDER[kind];
  const hidden = w.weightHh.shape[1]!;
  const { prefix } = state;
  const W = c.b.addInitializer(c.b.fresh(`${prefix}.W`), reorder(w.weightIh, order, hidden).value);
  const R = c.b.addInitializer(c.b.fresh(`${prefix}.R`), reorder(w.weightHh, order, hidden).value);
  const inputs = [seq, W, R];
  if (w.biasIh !== null && w.biasHh !== null) {
    const both = noGrad(() => concat([reorder(w.biasIh!, order, hidden), reorder(w.biasHh!, order, hidden)], 1));
    inputs.push(c.b.addInitializer(c.b.fresh(`${prefix}.B`), both.value));
  } else inputs.push('');
  inputs.push('', state.h0 ?? '');
  if (state.c0 !== undefined) inputs.push(state.c0);
  const attributes: Record<string, Attr> = { hidden_size: { i: hidden } };
  if (kind === 'GRU') attributes.linear_before_reset = { i: 1 };
  if (kind === 'RNN' && state.relu) attributes.activations = { strings: ['Relu'] };
  const names = [c.b.fresh(`${prefix}.Y`), c.b.fresh(`${prefix}.Y_h`)];
  if (kind === 'LSTM') names.push(c.b.fresh(`${prefix}.Y_c`));
  c.b.node(kind, inputs, attributes, names);
  return { y: c.b.node('Squeeze', [names[0]!, c.b.int64s([1], 'axes')]), h: names[1]!, c: names[2] };
}

/** The states given to a layer (h0, and c0 for an LSTM), checked against the count expected. */
function givenStates(c: Ctx, lstm: boolean): { h0?: string; c0?: string } {
  const n = c.step.inputs.length;
  if (n > 1 && n !== (lstm ? 3 : 2))
    throw c.fail(`expected the input and ${lstm ? '(h0, c0)' : 'h0'}, got ${n} tensors`);
  return n > 1 ? { h0: c.input(1), ...(lstm ? { c0: c.input(2) } : {}) } : {};
}

/** RNN, LSTM and GRU: ONNX's RNN, LSTM and GRU, one node per layer. */
export const recurrent = (c: Ctx): void => {
  const m = c.step.module as RNN | LSTM | GRU;
  const kind = m.kind;
  const lstm = kind === 'LSTM';
  const { h0, c0 } = givenStates(c, lstm);
  let seq = c.input(0);
  if (m.batchFirst) seq = c.b.node('Transpose', [seq], { perm: { ints: [1, 0, 2] } });
  const hs: string[] = [];
  const cs: string[] = [];
  m.layers.forEach((w, l) => {
    const out = writeLayer(c, kind, w, seq, {
      h0: h0 === undefined ? undefined : stateOf(c, h0, l),
      c0: c0 === undefined ? undefined : stateOf(c, c0, l),
      relu: kind === 'RNN' && (m as RNN).nonlinearity === 'relu',
      prefix: `${c.step.path || kind.toLowerCase()}.l${l}`,
    });
    seq = out.y;
    hs.push(out.h);
    if (out.c !== undefined) cs.push(out.c);
  });
  const outs = c.step.outputs;
  const y = m.batchFirst ? c.b.node('Transpose', [seq], { perm: { ints: [1, 0, 2] } }) : seq;
  c.b.emit(outs[0]!, 'Identity', [y]);
  c.b.emit(outs[1]!, 'Concat', hs, { axis: { i: 0 } });
  if (lstm) c.b.emit(outs[2]!, 'Concat', cs, { axis: { i: 0 } });
};

/** RNNCell, LSTMCell, GRUCell: one step, as the sequence op over a sequence of length 1. */
export const recurrentCell = (c: Ctx): void => {
  const m = c.step.module as RNNCell | LSTMCell | GRUCell;
  const kind: Kind = m instanceof LSTMCell ? 'LSTM' : m instanceof GRUCell ? 'GRU' : 'RNN';
  const lstm = kind === 'LSTM';
  const batched = c.step.inputs[0]!.shape.length === 2;
  const lead = c.b.int64s(batched ? [0] : [0, 1], 'axes');
  const up = (name: string | undefined): string | undefined =>
    name === undefined ? undefined : c.b.node('Unsqueeze', [name, lead]);
  const { h0, c0 } = givenStates(c, lstm);
  const relu = m instanceof RNNCell && m.options.nonlinearity === 'relu';
  const prefix = c.step.path || `${kind.toLowerCase()}_cell`;
  const out = writeLayer(c, kind, m.weights, up(c.input(0))!, { h0: up(h0), c0: up(c0), relu, prefix });
  c.b.emit(c.step.outputs[0]!, 'Squeeze', [out.h, lead]);
  if (out.c !== undefined) c.b.emit(c.step.outputs[1]!, 'Squeeze', [out.c, lead]);
};
