/**
 * Catalogue cases: layer configurations that must be refused at construction (unknown option keys,
 * eps, momentum, nonlinearity, GELU's approximation) and axes out of range. A refused constructor
 * leaves the generator it was given unchanged (no weight was drawn).
 */
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { randn, zeros } from '@chainrule/autograd';
import {
  BatchNorm1d,
  Dropout,
  ELU,
  Embedding,
  GELU,
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  ModuleError,
  RNN,
  RNNCell,
  Sequential,
  SobolevaTanh,
  Softmax,
  Softplus,
  rnnCell,
} from '../../src/index.js';
import { type Case, type ErrorClass, forward, refuse, refuseNew } from './types.js';

const { RangeError } = T;

/** A constructor given a seeded generator: refused, and the generator has drawn nothing. */
function refuseNewWithRng(
  name: string,
  error: ErrorClass,
  message: string | RegExp,
  make: (rng: Rng) => unknown,
): Case {
  return {
    name,
    error,
    message,
    setup: () => {
      const rng = new Rng(7);
      return { call: () => make(rng), watch: [rng as never] };
    },
  };
}

const unknownKey = (key: string) => `unknown option key "${key}"; the valid ones are`;

export const configCases: Case[] = [
  // unknown option keys: a typo (or PyTorch's snake_case) is an error, never silently ignored
  refuseNewWithRng(
    'Linear: option key bais',
    ModuleError,
    `Linear: ${unknownKey('bais')} "bias", "rng", "dtype"`,
    (rng) => new Linear(3, 2, { rng, bais: false } as never),
  ),
  refuseNew(
    'Linear: options null',
    ModuleError,
    'Linear: options must be an object, got null',
    () => new Linear(3, 2, null as never),
  ),
  refuseNew(
    'BatchNorm1d: option key track_running_stats',
    ModuleError,
    `BatchNorm1d: ${unknownKey('track_running_stats')}`,
    () => new BatchNorm1d(3, { track_running_stats: false } as never),
  ),
  refuseNew(
    'LayerNorm: option key elementwise_affine',
    ModuleError,
    `LayerNorm: ${unknownKey('elementwise_affine')} "eps", "elementwiseAffine", "dtype"`,
    () => new LayerNorm(3, { elementwise_affine: false } as never),
  ),
  refuseNewWithRng(
    'Embedding: option key padding_idx',
    ModuleError,
    `Embedding: ${unknownKey('padding_idx')} "paddingIdx", "rng", "dtype"`,
    (rng) => new Embedding(4, 2, { rng, padding_idx: 0 } as never),
  ),
  refuseNewWithRng(
    'Dropout: option key inplace',
    ModuleError,
    `Dropout: ${unknownKey('inplace')} "rng"`,
    (rng) => new Dropout(0.5, { rng, inplace: true } as never),
  ),
  refuseNewWithRng(
    'RNN: option key dropout',
    ModuleError,
    `RNN: ${unknownKey('dropout')} "bias", "rng", "dtype", "numLayers", "batchFirst", "nonlinearity"`,
    (rng) => new RNN(3, 4, { rng, dropout: 0.5 } as never),
  ),
  refuseNewWithRng(
    'LSTM: option key bidirectional',
    ModuleError,
    `LSTM: ${unknownKey('bidirectional')} "bias", "rng", "dtype", "numLayers", "batchFirst"`,
    (rng) => new LSTM(3, 4, { rng, bidirectional: true } as never),
  ),
  refuseNewWithRng(
    'GRU: option key batch_first',
    ModuleError,
    `GRU: ${unknownKey('batch_first')}`,
    (rng) => new GRU(3, 4, { rng, batch_first: true } as never),
  ),
  refuseNewWithRng(
    'LSTM: option nonlinearity (only RNN has one)',
    ModuleError,
    `LSTM: ${unknownKey('nonlinearity')}`,
    (rng) => new LSTM(3, 4, { rng, nonlinearity: 'relu' } as never),
  ),
  refuseNewWithRng(
    'RNNCell: option key nonLinearity',
    ModuleError,
    `RNNCell: ${unknownKey('nonLinearity')} "bias", "rng", "dtype", "nonlinearity"`,
    (rng) => new RNNCell(3, 4, { rng, nonLinearity: 'relu' } as never),
  ),
  refuseNewWithRng(
    'LSTMCell: option key numLayers (cells have one layer)',
    ModuleError,
    `LSTMCell: ${unknownKey('numLayers')} "bias", "rng", "dtype"`,
    (rng) => new LSTMCell(3, 4, { rng, numLayers: 2 } as never),
  ),
  refuseNewWithRng(
    'GRUCell: option key bais',
    ModuleError,
    `GRUCell: ${unknownKey('bais')}`,
    (rng) => new GRUCell(3, 4, { rng, bais: false } as never),
  ),
  refuseNew(
    'SobolevaTanh: option key e',
    ModuleError,
    `SobolevaTanh: ${unknownKey('e')} "a", "b", "c", "d"`,
    () => new SobolevaTanh({ e: 1 } as never),
  ),
  // BatchNorm1d and LayerNorm: eps and momentum
  refuseNew(
    'BatchNorm1d: momentum 2',
    RangeError,
    'BatchNorm1d: momentum must be in [0, 1], got 2',
    () => new BatchNorm1d(3, { momentum: 2 }),
  ),
  refuseNew(
    'BatchNorm1d: momentum -0.1',
    RangeError,
    'BatchNorm1d: momentum must be in [0, 1], got -0.1',
    () => new BatchNorm1d(3, { momentum: -0.1 }),
  ),
  refuseNew(
    'BatchNorm1d: momentum NaN',
    RangeError,
    'BatchNorm1d: momentum must be in [0, 1], got NaN',
    () => new BatchNorm1d(3, { momentum: NaN }),
  ),
  refuseNew(
    'BatchNorm1d: eps -1',
    RangeError,
    'BatchNorm1d: eps must be a finite positive number, got -1',
    () => new BatchNorm1d(3, { eps: -1 }),
  ),
  refuseNew(
    'BatchNorm1d: eps 0',
    RangeError,
    'BatchNorm1d: eps must be a finite positive number, got 0',
    () => new BatchNorm1d(3, { eps: 0 }),
  ),
  refuseNew(
    'BatchNorm1d: eps Infinity',
    RangeError,
    'BatchNorm1d: eps must be a finite positive number, got Infinity',
    () => new BatchNorm1d(3, { eps: Infinity }),
  ),
  refuseNew(
    'LayerNorm: eps -1',
    RangeError,
    'LayerNorm: eps must be a finite positive number, got -1',
    () => new LayerNorm(3, { eps: -1 }),
  ),
  refuseNew(
    'LayerNorm: eps 0',
    RangeError,
    'LayerNorm: eps must be a finite positive number, got 0',
    () => new LayerNorm(3, { eps: 0 }),
  ),
  refuseNew(
    'LayerNorm: eps NaN',
    RangeError,
    'LayerNorm: eps must be a finite positive number, got NaN',
    () => new LayerNorm(3, { eps: NaN }),
  ),
  // nonlinearities and approximations that do not exist
  refuseNewWithRng(
    "RNN: nonlinearity 'sigmoid'",
    RangeError,
    "RNN: nonlinearity must be one of 'tanh', 'relu', got 'sigmoid'",
    (rng) => new RNN(3, 4, { rng, nonlinearity: 'sigmoid' as never }),
  ),
  refuseNewWithRng(
    "RNNCell: nonlinearity 'Tanh'",
    RangeError,
    "RNNCell: nonlinearity must be one of 'tanh', 'relu', got 'Tanh'",
    (rng) => new RNNCell(3, 4, { rng, nonlinearity: 'Tanh' as never }),
  ),
  refuse(
    "rnnCell: nonlinearity 'sigmoid'",
    RangeError,
    "rnnCell: nonlinearity must be one of 'tanh', 'relu', got 'sigmoid'",
    () => [randn([2, 3]), zeros([2, 4]), randn([4, 3]), randn([4, 4])] as const,
    (x, h, wi, wh) => rnnCell(x, h, { weightIh: wi, weightHh: wh, biasIh: null, biasHh: null }, 'sigmoid' as never),
  ),
  refuseNew(
    "GELU: approximate 'exact'",
    RangeError,
    "GELU: approximate must be one of 'none', 'tanh', got 'exact'",
    () => new GELU('exact' as never),
  ),
  refuseNew(
    'LeakyReLU: an options object for the slope',
    RangeError,
    'LeakyReLU: negativeSlope must be a finite number, got object',
    () => new LeakyReLU({ negativeSlope: 0.2 } as never),
  ),
  refuseNew('Softplus: beta 0', RangeError, 'Softplus: beta must be non-zero, got 0', () => new Softplus(0)),
  refuseNew(
    'Softplus: threshold NaN',
    RangeError,
    'Softplus: threshold must be a finite number, got NaN',
    () => new Softplus(1, NaN),
  ),
  refuseNew(
    'ELU: alpha Infinity',
    RangeError,
    'ELU: alpha must be a finite number, got Infinity',
    () => new ELU(Infinity),
  ),
  refuseNew(
    'Sequential: a layer that is not a Module',
    ModuleError,
    'Sequential: layer 1 must be a Module, got Object',
    () => new Sequential(new Linear(2, 2), { forward: (x: unknown) => x } as never),
  ),
  refuse(
    'Sequential.append: a function',
    ModuleError,
    'Sequential: layer 1 must be a Module, got function',
    () => [new Sequential(new Linear(2, 2))] as const,
    (seq) => seq.append(((x: unknown) => x) as never),
  ),
  // axes
  forward(
    'Softmax: axis 3 of a rank-2 input',
    RangeError,
    'Softmax: axis 3 is out of range for a tensor of rank 2',
    () => new Softmax(3),
    () => randn([2, 4]),
  ),
  forward(
    'Softmax: axis 1.5',
    RangeError,
    'Softmax: axis 1.5 is out of range for a tensor of rank 2',
    () => new Softmax(1.5),
    () => randn([2, 4]),
  ),
  forward(
    'LogSoftmax: axis -3 of a rank-2 input',
    RangeError,
    'LogSoftmax: axis -3 is out of range for a tensor of rank 2',
    () => new LogSoftmax(-3),
    () => randn([2, 4]),
  ),
];
