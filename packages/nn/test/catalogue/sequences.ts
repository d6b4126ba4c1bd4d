/** Catalogue cases: Embedding (out-of-range and float indices) and the recurrent layers. */
import * as T from '@chainrule/tensor';
import { randn, tensor, zeros } from '@chainrule/autograd';
import { Embedding, GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '../../src/index.js';
import { type Case, forward, refuseNew } from './types.js';

const { ShapeError, DTypeError, RangeError } = T;
const ints = (xs: number[] | number[][]) => tensor(xs, { dtype: 'int32' });

export const sequenceCases: Case[] = [
  // Embedding
  forward(
    'Embedding: index 4 of 4',
    RangeError,
    'embedding: index 4 is out of range for 4 embeddings',
    () => new Embedding(4, 2),
    () => ints([0, 4]),
  ),
  forward(
    'Embedding: index -1',
    RangeError,
    'embedding: index -1 is out of range for 4 embeddings',
    () => new Embedding(4, 2),
    () => ints([-1]),
  ),
  forward(
    'Embedding: an out-of-range index in a 2-D batch',
    RangeError,
    'index 9 is out of range',
    () => new Embedding(4, 2),
    () =>
      ints([
        [0, 1],
        [2, 9],
      ]),
  ),
  forward(
    'Embedding: float indices',
    DTypeError,
    'embedding: indices must be int32, got float32',
    () => new Embedding(4, 2),
    () => tensor([0, 1]),
  ),
  forward(
    'Embedding: bool indices',
    DTypeError,
    'embedding: indices must be int32, got bool',
    () => new Embedding(4, 2),
    () => tensor([true]),
  ),
  refuseNew(
    'Embedding: paddingIdx 4 of 4',
    RangeError,
    'Embedding: paddingIdx 4 is out of range for 4 embeddings',
    () => new Embedding(4, 2, { paddingIdx: 4 }),
  ),
  refuseNew(
    'Embedding: numEmbeddings 0',
    RangeError,
    'Embedding: numEmbeddings must be a positive integer, got 0',
    () => new Embedding(0, 2),
  ),
  refuseNew(
    'Embedding: embeddingDim 1.5',
    RangeError,
    'Embedding: embeddingDim must be a positive integer, got 1.5',
    () => new Embedding(3, 1.5),
  ),
  // recurrent layers
  forward(
    'RNN: a 2-D input',
    ShapeError,
    'RNN: expected input [T, N, 3], got [5,3]',
    () => new RNN(3, 4),
    () => randn([5, 3]),
  ),
  forward(
    'RNN: 4 features for 3',
    ShapeError,
    'RNN: expected input [T, N, 3], got [5,2,4]',
    () => new RNN(3, 4),
    () => randn([5, 2, 4]),
  ),
  forward(
    'RNN: batchFirst input of the wrong size',
    ShapeError,
    'RNN: expected input [N, T, 3], got [2,5,4]',
    () => new RNN(3, 4, { batchFirst: true }),
    () => randn([2, 5, 4]),
  ),
  forward(
    'RNN: h0 of the wrong hidden size',
    ShapeError,
    'RNN: h0 must be [1, 2, 4], got [1,2,5]',
    () => new RNN(3, 4),
    () => randn([5, 2, 3]),
    () => randn([1, 2, 5]),
  ),
  forward(
    'RNN: h0 for one layer of two',
    ShapeError,
    'RNN: h0 must be [2, 2, 4], got [1,2,4]',
    () => new RNN(3, 4, { numLayers: 2 }),
    () => randn([5, 2, 3]),
    () => randn([1, 2, 4]),
  ),
  refuseNew(
    'RNN: numLayers 0',
    RangeError,
    'RNN: numLayers must be a positive integer, got 0',
    () => new RNN(3, 4, { numLayers: 0 }),
  ),
  refuseNew('RNN: hiddenSize 0', RangeError, 'hiddenSize must be a positive integer, got 0', () => new RNN(3, 0)),
  forward(
    'LSTM: 2 features for 3',
    ShapeError,
    'LSTM: expected input [T, N, 3], got [5,2,2]',
    () => new LSTM(3, 4),
    () => randn([5, 2, 2]),
  ),
  forward(
    'LSTM: a 4-D input',
    ShapeError,
    'LSTM: expected input [T, N, 3], got [5,2,3,1]',
    () => new LSTM(3, 4),
    () => randn([5, 2, 3, 1]),
  ),
  forward(
    'LSTM: c0 of the wrong size',
    ShapeError,
    'LSTM: c0 must be [1, 2, 4], got [1,2,3]',
    () => new LSTM(3, 4),
    () => randn([5, 2, 3]),
    () => [zeros([1, 2, 4]), zeros([1, 2, 3])],
  ),
  forward(
    'LSTM: h0 for two layers of one',
    ShapeError,
    'LSTM: h0 must be [1, 2, 4], got [2,2,4]',
    () => new LSTM(3, 4),
    () => randn([5, 2, 3]),
    () => [zeros([2, 2, 4]), zeros([1, 2, 4])],
  ),
  refuseNew('LSTM: inputSize 0', RangeError, 'inputSize must be a positive integer, got 0', () => new LSTM(0, 4)),
  forward(
    'GRU: 2 features for 3',
    ShapeError,
    'GRU: expected input [T, N, 3], got [5,2,2]',
    () => new GRU(3, 4),
    () => randn([5, 2, 2]),
  ),
  forward(
    'GRU: h0 for a batch of 3 with 2',
    ShapeError,
    'GRU: h0 must be [1, 2, 4], got [1,3,4]',
    () => new GRU(3, 4),
    () => randn([5, 2, 3]),
    () => zeros([1, 3, 4]),
  ),
  forward(
    'RNNCell: 2 features for 3',
    ShapeError,
    'RNNCell: expected input [N, 3] or [3], got [2,2]',
    () => new RNNCell(3, 4),
    () => randn([2, 2]),
  ),
  forward(
    'LSTMCell: 5 features for 3',
    ShapeError,
    'LSTMCell: expected input [N, 3] or [3], got [2,5]',
    () => new LSTMCell(3, 4),
    () => randn([2, 5]),
  ),
  forward(
    'GRUCell: a 3-D input',
    ShapeError,
    'GRUCell: expected input [N, 3] or [3], got [1,2,3]',
    () => new GRUCell(3, 4),
    () => randn([1, 2, 3]),
  ),
];
