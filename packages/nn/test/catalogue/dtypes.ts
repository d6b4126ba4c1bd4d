/**
 * Catalogue cases: inputs and states whose dtype is not the layer's (PyTorch refuses mixed dtypes),
 * empty sequences, and recurrent cells given a state of the wrong shape.
 */
import * as T from '@chainrule/tensor';
import { type Tensor, randn, tensor, zeros } from '@chainrule/autograd';
import { BatchNorm1d, GRU, GRUCell, LSTM, LSTMCell, LayerNorm, Linear, RNN, RNNCell } from '../../src/index.js';
import { type Case, forward } from './types.js';

const { DTypeError, ShapeError } = T;
const ints = (shape: number[]): Tensor => randn(shape).cast('int32');
const f64 = (shape: number[]): Tensor => randn(shape, { dtype: 'float64' });
const expected = (op: string, want: string, got: string, what = 'input') =>
  `${op}: expected a ${want} ${what} (the layer's dtype), got ${got}`;

export const dtypeCases: Case[] = [
  // Linear
  forward(
    'Linear: an int32 input',
    DTypeError,
    expected('Linear', 'float32', 'int32'),
    () => new Linear(3, 2),
    () => ints([4, 3]),
  ),
  forward(
    'Linear: a bool input',
    DTypeError,
    expected('Linear', 'float32', 'bool'),
    () => new Linear(3, 2),
    () => tensor([[true, false, true]]),
  ),
  forward(
    'Linear: a float64 input to a float32 layer',
    DTypeError,
    expected('Linear', 'float32', 'float64'),
    () => new Linear(3, 2),
    () => f64([4, 3]),
  ),
  forward(
    'Linear: a float32 input to a float64 layer',
    DTypeError,
    expected('Linear', 'float64', 'float32'),
    () => new Linear(3, 2, { dtype: 'float64' }),
    () => randn([4, 3]),
  ),
  forward(
    'Linear: a float32 input after to(float64)',
    DTypeError,
    expected('Linear', 'float64', 'float32'),
    () => new Linear(3, 2).to('float64'),
    () => randn([4, 3]),
  ),
  // normalization
  forward(
    'BatchNorm1d: an int32 input',
    DTypeError,
    expected('BatchNorm1d', 'float32', 'int32'),
    () => new BatchNorm1d(3),
    () => ints([4, 3]),
  ),
  forward(
    'BatchNorm1d: a float64 input in eval mode',
    DTypeError,
    expected('BatchNorm1d', 'float32', 'float64'),
    () => new BatchNorm1d(3).eval(),
    () => f64([4, 3]),
  ),
  forward(
    'BatchNorm1d without parameters or statistics: an int32 input',
    DTypeError,
    'BatchNorm1d: expected a float32 or float64 input, got int32',
    () => new BatchNorm1d(3, { affine: false, trackRunningStats: false }),
    () => ints([4, 3]),
  ),
  forward(
    'LayerNorm: an int32 input',
    DTypeError,
    expected('LayerNorm', 'float32', 'int32'),
    () => new LayerNorm(3),
    () => ints([2, 3]),
  ),
  forward(
    'LayerNorm: a float64 input to a float32 layer',
    DTypeError,
    expected('LayerNorm', 'float32', 'float64'),
    () => new LayerNorm(3),
    () => f64([2, 3]),
  ),
  forward(
    'LayerNorm without parameters: a bool input',
    DTypeError,
    'LayerNorm: expected a float32 or float64 input, got bool',
    () => new LayerNorm(2, { elementwiseAffine: false }),
    () => tensor([[true, false]]),
  ),
  // recurrent layers: inputs and states
  forward(
    'RNN: an int32 input',
    DTypeError,
    expected('RNN', 'float32', 'int32'),
    () => new RNN(3, 4),
    () => ints([5, 2, 3]),
  ),
  forward(
    'LSTM: an int32 input',
    DTypeError,
    expected('LSTM', 'float32', 'int32'),
    () => new LSTM(3, 4),
    () => ints([5, 2, 3]),
  ),
  forward(
    'GRU: a float64 input to a float32 layer',
    DTypeError,
    expected('GRU', 'float32', 'float64'),
    () => new GRU(3, 4),
    () => f64([5, 2, 3]),
  ),
  forward(
    'GRU: a float64 h0',
    DTypeError,
    expected('GRU', 'float32', 'float64', 'h0'),
    () => new GRU(3, 4),
    () => randn([5, 2, 3]),
    () => zeros([1, 2, 4], { dtype: 'float64' }),
  ),
  forward(
    'LSTM: an int32 c0',
    DTypeError,
    expected('LSTM', 'float32', 'int32', 'c0'),
    () => new LSTM(3, 4),
    () => randn([5, 2, 3]),
    () => [zeros([1, 2, 4]), zeros([1, 2, 4], { dtype: 'int32' })],
  ),
  forward(
    'LSTM: a float32 input after to(float64)',
    DTypeError,
    expected('LSTM', 'float64', 'float32'),
    () => new LSTM(3, 4).to('float64'),
    () => randn([5, 2, 3]),
  ),
  forward(
    'RNNCell: an int32 input',
    DTypeError,
    expected('RNNCell', 'float32', 'int32'),
    () => new RNNCell(3, 4),
    () => ints([2, 3]),
  ),
  forward(
    'LSTMCell: an int32 input',
    DTypeError,
    expected('LSTMCell', 'float32', 'int32'),
    () => new LSTMCell(3, 4),
    () => ints([2, 3]),
  ),
  forward(
    'GRUCell: a float64 h',
    DTypeError,
    expected('GRUCell', 'float32', 'float64', 'h'),
    () => new GRUCell(3, 4),
    () => randn([2, 3]),
    () => zeros([2, 4], { dtype: 'float64' }),
  ),
  // empty sequences
  forward(
    'GRU: an empty sequence (T = 0)',
    ShapeError,
    'GRU: expected a sequence of at least one step, got input [0,2,3]',
    () => new GRU(3, 4),
    () => randn([0, 2, 3]),
  ),
  forward(
    'LSTM: an empty sequence (T = 0)',
    ShapeError,
    'LSTM: expected a sequence of at least one step, got input [0,2,3]',
    () => new LSTM(3, 4),
    () => randn([0, 2, 3]),
  ),
  forward(
    'RNN: an empty batchFirst sequence (T = 0)',
    ShapeError,
    'RNN: expected a sequence of at least one step, got input [2,0,3] ([N, T, 3], T = 0)',
    () => new RNN(3, 4, { batchFirst: true }),
    () => randn([2, 0, 3]),
  ),
  // cells given a state of the wrong shape
  forward(
    'LSTMCell: h of the wrong hidden size',
    ShapeError,
    'LSTMCell: h must be [2, 4], got [2,5]',
    () => new LSTMCell(3, 4),
    () => randn([2, 3]),
    () => [zeros([2, 5]), zeros([2, 4])],
  ),
  forward(
    'LSTMCell: c for a batch of 3 with 2',
    ShapeError,
    'LSTMCell: c must be [2, 4], got [3,4]',
    () => new LSTMCell(3, 4),
    () => randn([2, 3]),
    () => [zeros([2, 4]), zeros([3, 4])],
  ),
  forward(
    'GRUCell: h of the wrong hidden size',
    ShapeError,
    'GRUCell: h must be [2, 4], got [2,5]',
    () => new GRUCell(3, 4),
    () => randn([2, 3]),
    () => zeros([2, 5]),
  ),
  forward(
    'RNNCell: a batched h for an unbatched input',
    ShapeError,
    'RNNCell: h must be [4], got [1,4]',
    () => new RNNCell(3, 4),
    () => randn([3]),
    () => zeros([1, 4]),
  ),
];
