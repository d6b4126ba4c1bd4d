/**
 * ONNX's recurrent operators (RNN, GRU, LSTM: forward direction, default activations) on chainrule ops,
 * for `loadOnnx`.
 */
import {
  type Tensor,
  add,
  matmul,
  mul,
  permute,
  relu,
  reshape,
  select,
  sigmoid,
  split,
  stack,
  sub,
  tanh,
  zeros,
} from '@chainrule/autograd';
import type { OnnxOp, OpContext } from './import-context.js';

/** A recurrent node's inputs, time-major, with per-direction weights taken out. */
interface Prepared {
  readonly x: Tensor; // [T, N, I]
  readonly wt: Tensor; // [I, G·H]
  readonly rt: Tensor; // [H, G·H]
  readonly wb: Tensor | null; // [G·H]
  readonly rb: Tensor | null;
  readonly h0: Tensor; // [N, H]
  readonly c0: Tensor | undefined;
  readonly hidden: number;
  readonly layout: number;
}

function prepare(
  xs: readonly (Tensor | undefined)[],
  c: OpContext,
  gates: number,
  defaults: readonly string[],
): Prepared {
  const [x0, w, r, b, seqLens, h0, c0, peep] = xs;
  if (x0 === undefined || w === undefined || r === undefined) throw c.fail('inputs X, W and R are required');
  if (c.str('direction', 'forward') !== 'forward')
    throw c.fail(`direction '${c.str('direction', '')}' is not supported (forward only)`);
  const acts = c.attr('activations');
  if (acts !== undefined && JSON.stringify(acts) !== JSON.stringify(defaults))
    throw c.fail(`activations ${JSON.stringify(acts)} are not supported (${defaults.join(', ')} only)`);
  if (c.attr('clip') !== undefined || c.int('input_forget', 0) !== 0)
    throw c.fail('clip and input_forget are not supported');
  if (peep !== undefined) throw c.fail('peepholes (input P) are not supported');
  const layout = c.int('layout', 0);
  const x = layout === 1 ? permute(x0, [1, 0, 2]) : x0;
  const steps = x.shape[0]!;
  if (seqLens !== undefined && Array.from(seqLens.value.contiguous().data, Number).some((l) => l !== steps))
    throw c.fail('sequence_lens shorter than the sequence are not supported');
  const hidden = r.shape[2]!;
  if (w.shape[1] !== gates * hidden)
    throw c.fail(`expected W [1, ${gates}·H, I] with H = ${hidden}, got [${w.shape.join(', ')}]`);
  const biases = b === undefined ? null : split(select(b, 0, 0), gates * hidden, 0);
  const first = (s: Tensor | undefined): Tensor =>
    s === undefined
      ? zeros([x.shape[1]!, hidden], { dtype: x.dtype })
      : select(layout === 1 ? permute(s, [1, 0, 2]) : s, 0, 0);
  return {
    x,
    wt: permute(select(w, 0, 0), [1, 0]),
    rt: permute(select(r, 0, 0), [1, 0]),
    wb: biases?.[0] ?? null,
    rb: biases?.[1] ?? null,
    h0: first(h0),
    c0: c0 === undefined ? (gates === 4 ? first(undefined) : undefined) : first(c0),
    hidden,
    layout,
  };
}

const plus = (a: Tensor, b: Tensor | null): Tensor => (b === null ? a : add(a, b));

/** Y [T, 1, N, H] (layout 1: [N, T, 1, H]) and the last states [1, N, H] (layout 1: [N, 1, H]). */
function outputs(p: Prepared, hs: Tensor[], last: Tensor[]): Tensor[] {
  const [steps, n] = [p.x.shape[0]!, p.x.shape[1]!];
  const y = reshape(stack(hs, 0), [steps, 1, n, p.hidden]);
  const state = (s: Tensor): Tensor => reshape(s, p.layout === 1 ? [n, 1, p.hidden] : [1, n, p.hidden]);
  return [p.layout === 1 ? permute(y, [2, 0, 1, 3]) : y, ...last.map(state)];
}

/** ONNX RNN: H' = f(X W + H R + Wb + Rb), f Tanh (default) or Relu. */
export const rnn: OnnxOp = (xs, c) => {
  const acts = c.attr('activations');
  const useRelu = JSON.stringify(acts) === JSON.stringify(['Relu']);
  const p = prepare(xs, c, 1, useRelu ? ['Relu'] : ['Tanh']);
  const xw = plus(matmul(p.x, p.wt), p.wb);
  let h = p.h0;
  const hs: Tensor[] = [];
  for (let t = 0; t < p.x.shape[0]!; t++) {
    // h' = f(x W + b_W + h R + b_R)
    const pre = plus(add(select(xw, 0, t), matmul(h, p.rt)), p.rb);
    h = useRelu ? relu(pre) : tanh(pre);
    hs.push(h);
  }
  return outputs(p, hs, [h]);
};

/** ONNX GRU, gates z, r, h (PyTorch exports linear_before_reset = 1). */
export const gru: OnnxOp = (xs, c) => {
  const p = prepare(xs, c, 3, ['Sigmoid', 'Tanh']);
  const beforeReset = c.int('linear_before_reset', 0) === 1;
  const xw = plus(matmul(p.x, p.wt), p.wb);
  const [rz, rr, rh] = split(p.rt, p.hidden, 1) as [Tensor, Tensor, Tensor];
  const [bz, br, bh] = p.rb === null ? [null, null, null] : (split(p.rb, p.hidden, 0) as [Tensor, Tensor, Tensor]);
  let h = p.h0;
  const hs: Tensor[] = [];
  for (let t = 0; t < p.x.shape[0]!; t++) {
    const [xz, xr, xh] = split(select(xw, 0, t), p.hidden, -1) as [Tensor, Tensor, Tensor];
    const z = sigmoid(plus(add(xz, matmul(h, rz)), bz));
    const r = sigmoid(plus(add(xr, matmul(h, rr)), br));
    // n = tanh(x W_h + r·(h R_h + b_Rh)) (linear before reset), else tanh(x W_h + (r·h) R_h + b_Rh)
    const n = tanh(add(xh, beforeReset ? mul(r, plus(matmul(h, rh), bh)) : plus(matmul(mul(r, h), rh), bh)));
    // h' = (1 − z)·n + z·h
    h = add(n, mul(z, sub(h, n)));
    hs.push(h);
  }
  return outputs(p, hs, [h]);
};

/** ONNX LSTM, gates i, o, f, c. */
export const lstm: OnnxOp = (xs, c) => {
  const p = prepare(xs, c, 4, ['Sigmoid', 'Tanh', 'Tanh']);
  const xw = plus(plus(matmul(p.x, p.wt), p.wb), p.rb); // [T, N, 4H]
  let h = p.h0;
  let cell = p.c0!;
  const hs: Tensor[] = [];
  for (let t = 0; t < p.x.shape[0]!; t++) {
    const [i, o, f, g] = split(add(select(xw, 0, t), matmul(h, p.rt)), p.hidden, -1) as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
    // c' = σ(f)·c + σ(i)·tanh(g); h' = σ(o)·tanh(c')
    cell = add(mul(sigmoid(f), cell), mul(sigmoid(i), tanh(g)));
    h = mul(sigmoid(o), tanh(cell));
    hs.push(h);
  }
  return outputs(p, hs, [h, cell]);
};
