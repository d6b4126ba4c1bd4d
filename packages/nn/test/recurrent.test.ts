import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { Tensor, stack } from '@chainrule/autograd';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '@chainrule/nn';
import { checkGradients, expectClose, randLeaf } from './helpers.js';

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const mv = (W: number[][], v: number[]) => W.map((row) => row.reduce((s, w, j) => s + w * v[j]!, 0));
const vadd = (...vs: number[][]) => vs[0]!.map((_, i) => vs.reduce((s, v) => s + v[i]!, 0));
const arr = (t: Tensor) => t.toArray() as number[][];
const vec = (t: Tensor) => t.toArray() as number[];
const weightsOf = (m: { namedParameters(): [string, Tensor][] }, suffix = '') => {
  const p = new Map(m.namedParameters());
  return {
    Wih: arr(p.get(`weight_ih${suffix}`)!),
    Whh: arr(p.get(`weight_hh${suffix}`)!),
    bih: vec(p.get(`bias_ih${suffix}`)!),
    bhh: vec(p.get(`bias_hh${suffix}`)!),
  };
};
const f64 = { dtype: 'float64' as const };

describe('cells against the equations written out', () => {
  const x = [0.3, -1.2, 0.8],
    h = [0.5, -0.1];

  it("RNNCell: h' = tanh(W_ih x + b_ih + W_hh h + b_hh), or ReLU", () => {
    for (const nonlinearity of ['tanh', 'relu'] as const) {
      const cell = new RNNCell(3, 2, { ...f64, rng: new Rng(1), nonlinearity });
      const w = weightsOf(cell);
      const pre = vadd(mv(w.Wih, x), w.bih, mv(w.Whh, h), w.bhh);
      const ref = pre.map(nonlinearity === 'tanh' ? Math.tanh : (v) => Math.max(0, v));
      expectClose(
        cell.forward(new Tensor(T.array([x], 'float64')), new Tensor(T.array([h], 'float64'))).toArray(),
        [ref],
        1e-15,
      );
    }
  });

  it("LSTMCell: gates i, f, g, o in PyTorch's order", () => {
    const cell = new LSTMCell(3, 2, { ...f64, rng: new Rng(2) });
    const c = [0.2, -0.7];
    const w = weightsOf(cell);
    const gates = vadd(mv(w.Wih, x), w.bih, mv(w.Whh, h), w.bhh);
    const [i, f, g, o] = [0, 1, 2, 3].map((k) => gates.slice(2 * k, 2 * k + 2));
    const c2 = c.map((cv, j) => sig(f![j]!) * cv + sig(i![j]!) * Math.tanh(g![j]!));
    const h2 = c2.map((cv, j) => sig(o![j]!) * Math.tanh(cv));
    const [hOut, cOut] = cell.forward(new Tensor(T.array([x], 'float64')), [
      new Tensor(T.array([h], 'float64')),
      new Tensor(T.array([c], 'float64')),
    ]);
    expectClose(hOut.toArray(), [h2], 1e-15);
    expectClose(cOut.toArray(), [c2], 1e-15);
  });

  it('GRUCell: r, z, n with r applied to W_hn h + b_hn', () => {
    const cell = new GRUCell(3, 2, { ...f64, rng: new Rng(3) });
    const w = weightsOf(cell);
    const xi = vadd(mv(w.Wih, x), w.bih),
      hh = vadd(mv(w.Whh, h), w.bhh);
    const r = [0, 1].map((j) => sig(xi[j]! + hh[j]!));
    const z = [0, 1].map((j) => sig(xi[2 + j]! + hh[2 + j]!));
    const n = [0, 1].map((j) => Math.tanh(xi[4 + j]! + r[j]! * hh[4 + j]!));
    const ref = [0, 1].map((j) => (1 - z[j]!) * n[j]! + z[j]! * h[j]!);
    expectClose(
      cell.forward(new Tensor(T.array([x], 'float64')), new Tensor(T.array([h], 'float64'))).toArray(),
      [ref],
      1e-15,
    );
  });

  it('states default to zeros, 1-D inputs work, wrong sizes are refused', () => {
    const cell = new RNNCell(3, 2, f64);
    expect(cell.forward(randLeaf([3], 1)).shape).toEqual([2]);
    expect(cell.forward(randLeaf([4, 3], 1)).toArray()).toEqual(
      cell.forward(randLeaf([4, 3], 1), new Tensor(T.zeros([4, 2], 'float64'))).toArray(),
    );
    expect(() => cell.forward(randLeaf([4, 2], 1))).toThrow('RNNCell: expected input [N, 3] or [3], got [4,2]');
  });
});

describe('sequence layers', () => {
  it("have PyTorch's parameter names and counts", () => {
    expect(new LSTM(10, 20).parameterCount()).toBe(4 * 20 * (10 + 20) + 2 * 4 * 20);
    expect(new GRU(10, 20).parameterCount()).toBe(3 * 20 * 30 + 2 * 3 * 20);
    expect(new RNN(10, 20, { numLayers: 2 }).parameterCount()).toBe(20 * 10 + 20 * 20 + 40 + 20 * 20 + 20 * 20 + 40);
    expect(new RNN(3, 4, { numLayers: 2 }).namedParameters().map(([n]) => n)).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_ih_l1',
      'weight_hh_l1',
      'bias_ih_l1',
      'bias_hh_l1',
    ]);
    const bound = 1 / Math.sqrt(20);
    expect(
      new LSTM(10, 20)
        .parameters()
        .every((p) => (p.toArray() as number[] | number[][]).flat().every((v) => Math.abs(v) <= bound)),
    ).toBe(true);
  });

  it('equal stepping the cells by hand, layer over layer', () => {
    for (const Kind of ['RNN', 'LSTM', 'GRU'] as const) {
      const layer =
        Kind === 'RNN'
          ? new RNN(3, 4, { ...f64, numLayers: 2, rng: new Rng(5) })
          : Kind === 'LSTM'
            ? new LSTM(3, 4, { ...f64, numLayers: 2, rng: new Rng(5) })
            : new GRU(3, 4, { ...f64, numLayers: 2, rng: new Rng(5) });
      const cells = [0, 1].map((l) => {
        const cell =
          Kind === 'RNN'
            ? new RNNCell(l === 0 ? 3 : 4, 4, f64)
            : Kind === 'LSTM'
              ? new LSTMCell(l === 0 ? 3 : 4, 4, f64)
              : new GRUCell(l === 0 ? 3 : 4, 4, f64);
        const sd = layer.stateDict();
        cell.loadStateDict(
          new Map(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((k) => [k, sd.get(`${k}_l${l}`)!])),
        );
        return cell;
      });
      const x = randLeaf([5, 2, 3], 7);
      let seq = [0, 1, 2, 3, 4].map((t) => x.select(0, t));
      const finals: Tensor[] = [];
      for (const cell of cells) {
        let h: Tensor | undefined, c: Tensor | undefined;
        seq = seq.map((xt) => {
          if (cell instanceof LSTMCell) [h, c] = cell.forward(xt, h === undefined ? undefined : [h, c!]);
          else h = (cell as RNNCell).forward(xt, h);
          return h!;
        });
        finals.push(h!);
      }
      const [out, state] = (layer as RNN).forward(x) as [Tensor, Tensor | [Tensor, Tensor]];
      expectClose(out.toArray(), stack(seq, 0).toArray(), 1e-15);
      const hN = Array.isArray(state) ? state[0] : state;
      expectClose(hN.toArray(), stack(finals, 0).toArray(), 1e-15);
    }
  });

  it('batchFirst transposes input and output only; given states are used and checked', () => {
    const a = new GRU(3, 4, { ...f64, rng: new Rng(9) });
    const b = new GRU(3, 4, { ...f64, rng: new Rng(9), batchFirst: true });
    const x = randLeaf([5, 2, 3], 1);
    const h0 = randLeaf([1, 2, 4], 2);
    const [outA, hA] = a.forward(x, h0);
    const [outB, hB] = b.forward(x.transpose(0, 1), h0);
    expect(outB.transpose(0, 1).toArray()).toEqual(outA.toArray());
    expect(hB.toArray()).toEqual(hA.toArray());
    expect(a.forward(x)[0].toArray()).not.toEqual(outA.toArray());
    expect(() => a.forward(x, randLeaf([2, 2, 4], 1))).toThrow('GRU: h0 must be [1, 2, 4], got [2,2,4]');
    expect(() => a.forward(randLeaf([5, 3], 1))).toThrow('GRU: expected input [T, N, 3], got [5,3]');
  });

  it('gradients through time check against central differences (inputs, states and every weight)', () => {
    const rnn = new RNN(2, 3, { ...f64, numLayers: 2, rng: new Rng(11) });
    const lstm = new LSTM(2, 3, { ...f64, numLayers: 2, rng: new Rng(12) });
    const gru = new GRU(2, 3, { ...f64, numLayers: 2, rng: new Rng(13) });
    const x = randLeaf([4, 2, 2], 3);
    const h0 = randLeaf([2, 2, 3], 4, 0.5),
      c0 = randLeaf([2, 2, 3], 5, 0.5);
    checkGradients(
      (a, h) => {
        const [o, hN] = rnn.forward(a, h);
        return o.sum().add(hN.square().sum());
      },
      [x, h0, ...rnn.parameters()],
    );
    checkGradients(
      (a, h, c) => {
        const [o, [hN, cN]] = lstm.forward(a, [h, c]);
        return o.sum().add(hN.mul(cN).sum());
      },
      [x, h0, c0, ...lstm.parameters()],
    );
    checkGradients(
      (a, h) => {
        const [o] = gru.forward(a, h);
        return o;
      },
      [x, h0, ...gru.parameters()],
    );
  });

  it('an LSTM learns to output the running sign of a sequence sum', async () => {
    const { Adam, Linear, mseLoss } = await import('@chainrule/nn');
    const rng = new Rng(21);
    const lstm = new LSTM(1, 8, { rng, batchFirst: true });
    const head = new Linear(8, 1, { rng });
    const opt = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.03 });
    const data = T.randn([64, 6, 1], { rng });
    const target = new Tensor(T.tanh(T.mul(T.sum(data, [1]), 2)));
    const loss = () => mseLoss(head.forward(lstm.forward(new Tensor(data))[0].select(1, 5)), target);
    const first = loss().item();
    for (let i = 0; i < 120; i++) {
      opt.zeroGrad();
      const l = loss();
      l.backward();
      opt.step();
    }
    expect(loss().item()).toBeLessThan(first / 5);
  });
});
