/**
 * One time step of the recurrent cells, PyTorch's equations and weight layouts
 * (W_ih [G·H, I], W_hh [G·H, H] with the gates stacked along the first axis).
 */
import * as T from '@chainrule/tensor';
import {
  type Tensor,
  add,
  fusedGruCell,
  fusedGruSequence,
  fusedLstmCell,
  fusedLstmSequence,
  linear,
  relu,
  reshape,
  tanh,
} from '@chainrule/autograd';

/** The weights of one cell (biases may be null). */
export interface CellWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

/** The Elman RNN's nonlinearity. */
export type RnnNonlinearity = 'tanh' | 'relu';

/**
 * Throws a RangeError naming `op` unless `nonlinearity` is 'tanh' or 'relu' (PyTorch's two).
 * @example
 * ```ts
 * checkNonlinearity('RNN', 'sigmoid'); // RangeError: RNN: nonlinearity must be one of 'tanh', 'relu', got 'sigmoid'
 * ```
 */
export function checkNonlinearity(op: string, nonlinearity: unknown): asserts nonlinearity is RnnNonlinearity {
  if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
    const got = typeof nonlinearity === 'string' ? `'${nonlinearity}'` : String(nonlinearity);
    throw new T.RangeError(op, `nonlinearity must be one of 'tanh', 'relu', got ${got}`);
  }
}

/** h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). */
export function rnnCell(x: Tensor, h: Tensor, w: CellWeights, nonlinearity: RnnNonlinearity = 'tanh'): Tensor {
  checkNonlinearity('rnnCell', nonlinearity);
  const pre = add(linear(x, w.weightIh, w.biasIh), linear(h, w.weightHh, w.biasHh));
  return nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
}

/**
 * LSTM: [i, f, g, o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh; c' = σ(f)·c + σ(i)·tanh(g);
 * h' = σ(o)·tanh(c'). Returns [h', c']. Two gemms, their sum, and one fused pointwise op (the
 * same bits as those equations written out op by op).
 */
export function lstmCell(x: Tensor, h: Tensor, c: Tensor, w: CellWeights): [Tensor, Tensor] {
  return fusedLstmCell(add(linear(x, w.weightIh, w.biasIh), linear(h, w.weightHh, w.biasHh)), c);
}

/**
 * GRU: r = σ(W_ir x + b_ir + W_hr h + b_hr); z = σ(W_iz x + b_iz + W_hz h + b_hz);
 * n = tanh(W_in x + b_in + r·(W_hn h + b_hn)); h' = (1 − z)·n + z·h. Two gemms and one fused
 * pointwise op (the same bits as those equations written out op by op).
 */
export function gruCell(x: Tensor, h: Tensor, w: CellWeights): Tensor {
  return fusedGruCell(linear(x, w.weightIh, w.biasIh), linear(h, w.weightHh, w.biasHh), h);
}

/**
 * One LSTM layer over a time-major sequence x [T, N, I] from states h0, c0 [N, H] (not broadcast,
 * unlike lstmCell's): the input's
 * projections for every step in one gemm, then `fusedLstmSequence` (per step one gemm for all four
 * gates and one fused kernel, forward and backward). Returns [h, c], each [T, N, H]; the bits of
 * `lstmCell` applied step by step up to rounding: the projection's gemm runs over T·N rows instead of N,
 * and b_ih + b_hh is summed first and added in the cell kernel.
 * @example
 * ```ts
 * import { randn, zeros } from '@chainrule/autograd';
 * import { LSTM, lstmLayer } from '@chainrule/nn';
 * const lstm = new LSTM(3, 4);
 * const [h, c] = lstmLayer(randn([5, 2, 3]), zeros([2, 4]), zeros([2, 4]), lstm.layers[0]!); // [5, 2, 4] each
 * ```
 */
export function lstmLayer(x: Tensor, h0: Tensor, c0: Tensor, w: CellWeights): [Tensor, Tensor] {
  // b_ih + b_hh ([4H], one sum) goes into the cell kernel with the step's h·W_hhᵀ, instead of an add of
  // b_ih over every row of the [T·N, 4H] projection; their gradients are then one reduction, not two
  const { biasIh, biasHh } = w;
  const bias = biasIh === null ? biasHh : biasHh === null ? biasIh : add(biasIh, biasHh);
  return fusedLstmSequence(projection(x, w.weightIh, null), w.weightHh, bias, h0, c0);
}

/**
 * x W_ihᵀ (+ b_ih) for every step, [T, N, G·H]: one gemm over x's T·N rows, flattened first, so a
 * time-major view of a batch-first input is copied once (linear's backward reads the copy).
 */
function projection(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  if (x.ndim !== 3) return linear(x, weight, bias); // the sequence op names what it expected
  const [steps, batch, features] = x.shape as [number, number, number];
  return reshape(linear(reshape(x, [steps * batch, features]), weight, bias), [steps, batch, weight.shape[0]!]);
}

/**
 * One GRU layer over a time-major sequence x [T, N, I] from h0 [N, H]: the input's projections in
 * one gemm, then `fusedGruSequence`. Returns h [T, N, H].
 * @example
 * ```ts
 * import { randn, zeros } from '@chainrule/autograd';
 * import { GRU, gruLayer } from '@chainrule/nn';
 * const gru = new GRU(3, 4);
 * gruLayer(randn([5, 2, 3]), zeros([2, 4]), gru.layers[0]!).shape; // [5, 2, 4]
 * ```
 */
export function gruLayer(x: Tensor, h0: Tensor, w: CellWeights): Tensor {
  return fusedGruSequence(projection(x, w.weightIh, w.biasIh), w.weightHh, w.biasHh, h0);
}
