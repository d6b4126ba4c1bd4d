// The LSTM and GRU layers run each layer as one sequence op: the input's projections for every
// step in one gemm, then per step one gemm and one fused pointwise op; before, each step was two
// gemms and a dozen elementwise ops. Both must give the same outputs and states, and the same
// gradients of the inputs, initial states and input weights, bit for bit (the reference projects
// the inputs in one gemm too: a gemm's rows may depend on how many rows it has), float32 and
// float64, stacked layers, with and without the final cell state in the loss; W_hh's and b_hh's
// gradients, summed over the steps in one gemm and one reduction instead of step by step, within
// rounding; and inference without gradients as well. The LSTM adds b_ih + b_hh (summed first) in the
// cell kernel rather than b_ih to the projection, so its reference does the same, and b_ih's gradient
// is b_hh's (one reduction over the steps), within rounding of the step-by-step sum.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { Tensor, add, linear, mul, noGrad, select, sigmoid, split, stack, sub, tanh } from '@chainrule/autograd';
import { type CellWeights, GRU, LSTM, gruCell, lstmCell } from '@chainrule/nn';

type FloatDType = 'float32' | 'float64';

/** nn's LSTM step as it was written before the fused op, from the input's projection xp (no bias). */
function lstmStep(xp: Tensor, h: Tensor, c: Tensor, w: CellWeights): [Tensor, Tensor] {
  const gates = add(xp, linear(h, w.weightHh, add(w.biasIh!, w.biasHh!)));
  const [i, f, g, o] = split(gates, w.weightHh.shape[1]!, -1) as [Tensor, Tensor, Tensor, Tensor];
  const c2 = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
  return [mul(sigmoid(o), tanh(c2)), c2];
}

/** nn's GRU step as it was written before the fused op, from the input's projection xp. */
function gruStep(xp: Tensor, h: Tensor, w: CellWeights): Tensor {
  const hidden = w.weightHh.shape[1]!;
  const [xr, xz, xn] = split(xp, hidden, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = split(linear(h, w.weightHh, w.biasHh), hidden, -1) as [Tensor, Tensor, Tensor];
  const r = sigmoid(add(xr, hr));
  const z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  return add(mul(sub(1, z), n), mul(z, h));
}

/** The sequence loop of the layers (layer over layer, step by step) with the old steps: [out, hN, cN]. */
function unfused(layer: LSTM | GRU, x: Tensor, h0: Tensor, c0: Tensor): [Tensor, Tensor, Tensor] {
  const hs = layer.layers.map((_, l) => select(h0, 0, l));
  const cs = layer.layers.map((_, l) => select(c0, 0, l));
  let inputs = Array.from({ length: x.shape[0]! }, (_, t) => select(x, 0, t));
  layer.layers.forEach((w, l) => {
    const projected = linear(stack(inputs, 0), w.weightIh, layer instanceof LSTM ? null : w.biasIh);
    inputs = inputs.map((_, t) => {
      const xt = select(projected, 0, t);
      if (layer instanceof LSTM) [hs[l], cs[l]] = lstmStep(xt, hs[l]!, cs[l]!, w);
      else hs[l] = gruStep(xt, hs[l]!, w);
      return hs[l]!;
    });
  });
  return [stack(inputs, 0), stack(hs, 0), stack(cs, 0)];
}

function fused(layer: LSTM | GRU, x: Tensor, h0: Tensor, c0: Tensor): [Tensor, Tensor, Tensor] {
  if (layer instanceof LSTM) {
    const [out, [hN, cN]] = layer.forward(x, [h0, c0]);
    return [out, hN, cN];
  }
  const [out, hN] = layer.forward(x, h0);
  return [out, hN, c0];
}

const randn = (shape: number[], dtype: FloatDType, seed: number, grad = false): Tensor =>
  new Tensor(T.getBackend().copy(T.randn(shape, { rng: new Rng(seed) }), dtype), { requiresGrad: grad });

/** Row-major values with −0 and NaN as they are (toEqual then compares bits, up to NaN payloads). */
const bits = (t: Tensor): number[] => Array.from(T.getBackend().copy(t.value, t.dtype).data as Float32Array);

/** Outputs and the gradients of a weighted sum of them (cN's term only when asked). */
function run(
  step: typeof fused,
  layer: LSTM | GRU,
  dtype: FloatDType,
  useCellState: boolean,
): { outputs: number[][]; grads: number[][] } {
  const [steps, batch, hidden] = [5, 3, layer.hiddenSize];
  const x = randn([steps, batch, layer.inputSize], dtype, 1, true);
  const h0 = randn([layer.numLayers, batch, hidden], dtype, 2, true);
  const c0 = randn([layer.numLayers, batch, hidden], dtype, 3, true);
  const [out, hN, cN] = step(layer, x, h0, c0);
  let loss = add(
    mul(out, randn(out.shape as number[], dtype, 4)).sum(),
    mul(hN, randn(hN.shape as number[], dtype, 5)).sum(),
  );
  if (useCellState && layer instanceof LSTM) loss = add(loss, mul(cN, randn(cN.shape as number[], dtype, 6)).sum());
  for (const p of layer.parameters()) p.zeroGrad();
  loss.backward();
  const leaves = [x, h0, ...(layer instanceof LSTM ? [c0] : []), ...layer.parameters()];
  return { outputs: [out, hN, cN].map(bits), grads: leaves.map((t) => bits(t.grad!)) };
}

/**
 * Whether leaf `i` of run's list is a W_hh or b_hh, or the LSTM's b_ih (per layer: weight_ih,
 * weight_hh, bias_ih, bias_hh).
 */
const summedOverSteps = (layer: LSTM | GRU, i: number): boolean => {
  const p = i - (layer instanceof LSTM ? 3 : 2);
  return p >= 0 && (p % 4 === 1 || p % 4 === 3 || (layer instanceof LSTM && p % 4 === 2));
};

describe('recurrent layers on the fused cells', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const Kind of [LSTM, GRU]) {
      for (const useCellState of Kind === LSTM ? [true, false] : [false]) {
        const what = `${Kind.name} ${dtype}${Kind === LSTM ? (useCellState ? ', cN in the loss' : ', cN unused') : ''}`;
        it(`${what}: outputs and gradients equal the unfused ops (bit for bit; W_hh, biases within rounding)`, () => {
          const layer = new Kind(4, 6, { numLayers: 2, dtype, rng: new Rng(7) });
          const want = run(unfused, layer, dtype, useCellState);
          const got = run(fused, layer, dtype, useCellState);
          expect(got.outputs).toEqual(want.outputs);
          const names = layer.namedParameters().map(([n]) => n);
          expect(names.filter((_, p) => p % 4 === 1 || p % 4 === 3).every((n) => /_hh_/.test(n))).toBe(true);
          const tol = dtype === 'float32' ? 1e-5 : 1e-13;
          for (const [i, g] of got.grads.entries()) {
            if (!summedOverSteps(layer, i)) {
              expect(g).toEqual(want.grads[i]);
              continue;
            }
            const scale = Math.max(1, ...want.grads[i]!.map(Math.abs));
            for (const [j, v] of g.entries()) {
              expect(Math.abs(v - want.grads[i]![j]!)).toBeLessThanOrEqual(tol * scale);
            }
          }
          // the gradients are not all zero (the comparison compared something)
          expect(got.grads.every((g) => g.some((v) => v !== 0))).toBe(true);
        });
      }
    }
  }

  it('inference (no gradients recorded) gives the same outputs', () => {
    for (const Kind of [LSTM, GRU]) {
      const layer = new Kind(4, 6, { numLayers: 2, dtype: 'float32', rng: new Rng(9), batchFirst: true });
      const x = randn([3, 5, 4], 'float32', 8);
      const h0 = randn([2, 3, 6], 'float32', 2),
        c0 = randn([2, 3, 6], 'float32', 3);
      const want = unfused(layer, x.transpose(0, 1), h0, c0).map(bits);
      const got = noGrad(() => fused(layer, x, h0, c0));
      expect([got[0].transpose(0, 1), got[1], got[2]].map(bits)).toEqual(want);
    }
  });
});

describe('cells with a state that broadcasts', () => {
  it('broadcast it as the equations op by op do (values and the state gradient, bit for bit)', () => {
    const rng = new Rng(31);
    const param = (shape: number[]) => new Tensor(T.randn(shape, { rng }));
    const w: CellWeights = {
      weightIh: param([16, 3]),
      weightHh: param([16, 4]),
      biasIh: param([16]),
      biasHh: param([16]),
    };
    const x = param([5, 3]);
    const h = param([1, 4]);
    const c = param([4]).requiresGrad_();
    const [h2, c2] = lstmCell(x, h, c, w);
    add(h2.sum(), c2.sum()).backward();
    const fused = c.grad!;
    c.grad = null;
    const gates = add(linear(x, w.weightIh, w.biasIh), linear(h, w.weightHh, w.biasHh));
    const [i, f, g, o] = split(gates, 4, -1) as [Tensor, Tensor, Tensor, Tensor];
    const want = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
    const wantH = mul(sigmoid(o), tanh(want));
    add(wantH.sum(), want.sum()).backward();
    expect(c2.toArray()).toEqual(want.toArray());
    expect(h2.toArray()).toEqual(wantH.toArray());
    expect(fused.toArray()).toEqual(c.grad!.toArray());
    const wg: CellWeights = {
      weightIh: param([12, 3]),
      weightHh: param([12, 4]),
      biasIh: param([12]),
      biasHh: param([12]),
    };
    expect(gruCell(x, h, wg).shape).toEqual([5, 4]);
  });

  it('refuse a state of another dtype, as PyTorch does', () => {
    const w: CellWeights = {
      weightIh: new Tensor(T.zeros([16, 3])),
      weightHh: new Tensor(T.zeros([16, 4])),
      biasIh: new Tensor(T.zeros([16])),
      biasHh: new Tensor(T.zeros([16])),
    };
    const x = new Tensor(T.zeros([2, 3]));
    expect(() => lstmCell(x, new Tensor(T.zeros([2, 4])), new Tensor(T.zeros([2, 4], 'float64')), w)).toThrow(
      T.DTypeError,
    );
  });
});
