// Layers take inputs of their own dtype (issue 16): after Module.to('float64') a layer takes float64
// inputs and states and makes float64 zero states; a float32 input is then refused, as PyTorch does.
import { type Tensor, randn, zeros } from '@chainrule/autograd';
import { DTypeError } from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, GRU, GRUCell, LSTM, LSTMCell, LayerNorm, Linear, RNN, RNNCell } from '../src/index.js';

const f64 = (shape: number[]): Tensor => randn(shape, { dtype: 'float64' });
const first = (out: Tensor | [Tensor, unknown]): Tensor => (Array.isArray(out) ? out[0] : out);

/** What the test calls on a layer: its forward, and Module.to. */
interface Layer {
  to(d: 'float64'): unknown;
  forward(...a: never[]): unknown;
}
type Row = [string, () => Layer, number[]];
const ROWS: Row[] = [
  ['Linear', () => new Linear(3, 2), [4, 3]],
  ['BatchNorm1d', () => new BatchNorm1d(3), [4, 3]],
  ['LayerNorm', () => new LayerNorm(3), [4, 3]],
  ['RNN', () => new RNN(3, 4, { numLayers: 2 }), [5, 2, 3]],
  ['LSTM', () => new LSTM(3, 4), [5, 2, 3]],
  ['GRU', () => new GRU(3, 4, { batchFirst: true }), [2, 5, 3]],
  ['RNNCell', () => new RNNCell(3, 4), [2, 3]],
  ['LSTMCell', () => new LSTMCell(3, 4), [2, 3]],
  ['GRUCell', () => new GRUCell(3, 4), [3]],
];

describe('layer input dtypes', () => {
  for (const [name, make, shape] of ROWS) {
    it(`${name}: float32 in a float32 layer; after to('float64'), float64 in and out, float32 refused`, () => {
      const layer = make();
      const forward = (x: Tensor) => first((layer.forward as (x: Tensor) => Tensor | [Tensor, unknown])(x));
      expect(forward(randn(shape)).dtype).toBe('float32');
      layer.to('float64');
      expect(forward(f64(shape)).dtype).toBe('float64'); // zero states follow the weights' new dtype
      expect(() => forward(randn(shape))).toThrow(DTypeError);
      expect(() => forward(randn(shape))).toThrow(`${name}: expected a float64 input (the layer's dtype), got float32`);
    });
  }

  it('cells and sequence layers take states of their dtype', () => {
    const cell = new LSTMCell(3, 4).to('float64');
    const [h, c] = cell.forward(f64([2, 3]), [
      zeros([2, 4], { dtype: 'float64' }),
      zeros([2, 4], { dtype: 'float64' }),
    ]);
    expect([h.dtype, c.dtype]).toEqual(['float64', 'float64']);
    const gru = new GRU(3, 4);
    expect(gru.forward(randn([5, 2, 3]), zeros([1, 2, 4]))[1].shape).toEqual([1, 2, 4]);
  });
});
