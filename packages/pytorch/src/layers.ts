/**
 * The layer table: each chainrule layer with a `torch.nn` twin, and the constructor call that makes
 * the twin with the same hyperparameters (so its `state_dict` has the same keys and shapes).
 */
import {
  type AnyModule,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GELU,
  GRU,
  GRUCell,
  GroupNorm,
  Identity,
  InstanceNorm2d,
  LSTM,
  LSTMCell,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool1d,
  MaxPool2d,
  MultiheadAttention,
  RNN,
  RNNCell,
  ReLU,
  Sigmoid,
  Softmax,
  Softplus,
  Softsign,
  Step,
  Tanh,
  TransformerDecoderLayer,
  Upsample,
  TransformerEncoderLayer,
} from '@chainrule/nn';
import type { PyValue } from './python.js';

/** A constructor call: `cls(positional..., keyword=value...)`. */
export interface TorchCall {
  cls: string;
  positional: PyValue[];
  keywords: Record<string, PyValue>;
}

type Maker<M> = (m: M) => TorchCall;
const call = (cls: string, positional: PyValue[] = [], keywords: Record<string, PyValue> = {}): TorchCall => ({
  cls,
  positional,
  keywords,
});

type Pair = number | readonly number[];
const tuple = (v: Pair | undefined, fallback: number, n: number): number[] =>
  v === undefined ? Array<number>(n).fill(fallback) : typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
const convPadding = (v: Pair | 'same' | 'valid' | undefined, n: number): PyValue =>
  typeof v === 'string' ? v : tuple(v, 0, n);

function conv(cls: string, n: number): Maker<Conv1d | Conv2d> {
  return (m) =>
    call(cls, [m.inChannels, m.outChannels, tuple(m.kernelSize, 1, n)], {
      stride: tuple(m.window.stride, 1, n),
      padding: convPadding(m.window.padding, n),
      dilation: tuple(m.window.dilation, 1, n),
      groups: m.groups,
      bias: m.bias !== null,
      padding_mode: m.paddingMode,
    });
}

function convTranspose(cls: string, n: number): Maker<ConvTranspose1d | ConvTranspose2d> {
  return (m) =>
    call(cls, [m.inChannels, m.outChannels, tuple(m.kernelSize, 1, n)], {
      stride: tuple(m.window.stride, 1, n),
      padding: tuple(m.window.padding, 0, n),
      output_padding: tuple(m.window.outputPadding, 0, n),
      groups: m.groups,
      bias: m.bias !== null,
      dilation: tuple(m.window.dilation, 1, n),
    });
}

interface PoolLike {
  options: {
    kernel: Pair;
    stride?: Pair;
    padding?: Pair;
    dilation?: Pair;
    ceilMode?: boolean;
    countIncludePad?: boolean;
  };
}
function pool(cls: string, n: number, kind: 'max' | 'avg'): Maker<PoolLike> {
  return ({ options: o }) => {
    const kernel = tuple(o.kernel, 1, n);
    const keywords: Record<string, PyValue> = {
      stride: o.stride === undefined ? kernel : tuple(o.stride, 1, n),
      padding: tuple(o.padding, 0, n),
    };
    if (kind === 'max') keywords.dilation = tuple(o.dilation, 1, n);
    keywords.ceil_mode = o.ceilMode === true;
    if (kind === 'avg') keywords.count_include_pad = o.countIncludePad ?? true;
    return call(cls, [kernel], keywords);
  };
}

type Norm2dLike = BatchNorm2d | InstanceNorm2d | BatchNorm1d;
function batchNorm(cls: string): Maker<Norm2dLike> {
  return (m) =>
    call(cls, [m.numFeatures], {
      eps: m.eps,
      momentum: m.momentum,
      affine: m.weight !== null,
      track_running_stats: m.runningMean !== null,
    });
}

function recurrent(cls: string): Maker<RNN | LSTM | GRU> {
  return (m) => {
    const keywords: Record<string, PyValue> = {
      num_layers: m.numLayers,
      bias: m.layers[0]!.biasIh !== null,
      batch_first: m.batchFirst,
    };
    if (m instanceof RNN) keywords.nonlinearity = m.nonlinearity;
    return call(cls, [m.inputSize, m.hiddenSize], keywords);
  };
}

function cell(cls: string): Maker<RNNCell | LSTMCell | GRUCell> {
  return (m) => {
    const keywords: Record<string, PyValue> = { bias: m.weights.biasIh !== null };
    if (m instanceof RNNCell) keywords.nonlinearity = m.options.nonlinearity ?? 'tanh';
    return call(cls, [m.inputSize, m.hiddenSize], keywords);
  };
}

function transformerLayer(cls: string): Maker<TransformerEncoderLayer | TransformerDecoderLayer> {
  return (m) =>
    call(cls, [m.dModel, m.nhead], {
      dim_feedforward: m.settings.dimFeedforward,
      dropout: m.settings.dropout,
      activation: m.settings.activation,
      layer_norm_eps: m.settings.layerNormEps,
      batch_first: m.settings.batchFirst,
      norm_first: m.settings.normFirst,
      bias: m.settings.bias,
    });
}

const layerNorm: Maker<LayerNorm> = (m) =>
  call('nn.LayerNorm', [m.normalizedShape], {
    eps: m.eps,
    elementwise_affine: m.weight !== null,
    bias: m.bias !== null,
  });

const attention: Maker<MultiheadAttention> = (m) =>
  call('nn.MultiheadAttention', [m.embedDim, m.numHeads], {
    dropout: m.dropout,
    bias: m.outProj.bias !== null,
    kdim: m.kdim,
    vdim: m.vdim,
    batch_first: m.batchFirst,
  });

const list = (v: number | readonly number[] | undefined): PyValue =>
  v === undefined ? null : typeof v === 'number' ? v : [...v];

const upsample: Maker<Upsample> = ({ options: o }) => {
  const mode = o.mode ?? 'nearest';
  const keywords: Record<string, PyValue> = { size: list(o.size), scale_factor: list(o.scaleFactor), mode };
  if (mode !== 'nearest') keywords.align_corners = o.alignCorners ?? false; // PyTorch refuses it for 'nearest'
  return call('nn.Upsample', [], keywords);
};

const adaptive = (cls: string) => (m: AdaptiveAvgPool2d | AdaptiveMaxPool2d) =>
  call(cls, [typeof m.outputSize === 'number' ? m.outputSize : [...m.outputSize]]);

// biome-ignore lint/suspicious/noExplicitAny: a table of makers, each typed by its own class
type Entry = readonly [abstract new (...args: any[]) => AnyModule, Maker<any>];

/** Layers with a torch.nn twin, checked with instanceof in this order (subclasses first). */
export const LAYER_TABLE: readonly Entry[] = [
  [Linear, (m: Linear) => call('nn.Linear', [m.inFeatures, m.outFeatures], { bias: m.bias !== null })],
  [Conv1d, conv('nn.Conv1d', 1)],
  [Conv2d, conv('nn.Conv2d', 2)],
  [ConvTranspose1d, convTranspose('nn.ConvTranspose1d', 1)],
  [ConvTranspose2d, convTranspose('nn.ConvTranspose2d', 2)],
  [MaxPool1d, pool('nn.MaxPool1d', 1, 'max')],
  [MaxPool2d, pool('nn.MaxPool2d', 2, 'max')],
  [AvgPool1d, pool('nn.AvgPool1d', 1, 'avg')],
  [AvgPool2d, pool('nn.AvgPool2d', 2, 'avg')],
  [AdaptiveAvgPool2d, adaptive('nn.AdaptiveAvgPool2d')],
  [AdaptiveMaxPool2d, adaptive('nn.AdaptiveMaxPool2d')],
  [BatchNorm1d, batchNorm('nn.BatchNorm1d')],
  [BatchNorm2d, batchNorm('nn.BatchNorm2d')],
  [InstanceNorm2d, batchNorm('nn.InstanceNorm2d')],
  [
    GroupNorm,
    (m: GroupNorm) => call('nn.GroupNorm', [m.numGroups, m.numChannels], { eps: m.eps, affine: m.weight !== null }),
  ],
  [LayerNorm, layerNorm],
  [Dropout, (m: Dropout) => call('nn.Dropout', [m.p])],
  [Embedding, (m: Embedding) => call('nn.Embedding', [m.numEmbeddings, m.embeddingDim], { padding_idx: m.paddingIdx })],
  [Upsample, upsample],
  [Flatten, (m: Flatten) => call('nn.Flatten', [m.startDim, m.endDim])],
  [RNN, recurrent('nn.RNN')],
  [LSTM, recurrent('nn.LSTM')],
  [GRU, recurrent('nn.GRU')],
  [RNNCell, cell('nn.RNNCell')],
  [LSTMCell, cell('nn.LSTMCell')],
  [GRUCell, cell('nn.GRUCell')],
  [MultiheadAttention, attention],
  [TransformerEncoderLayer, transformerLayer('nn.TransformerEncoderLayer')],
  [TransformerDecoderLayer, transformerLayer('nn.TransformerDecoderLayer')],
  [Identity, () => call('nn.Identity')],
  [Step, () => call('Step')],
  [Sigmoid, () => call('nn.Sigmoid')],
  [Tanh, () => call('nn.Tanh')],
  [Softsign, () => call('nn.Softsign')],
  [ReLU, () => call('nn.ReLU')],
  [LeakyReLU, (m: LeakyReLU) => call('nn.LeakyReLU', [m.negativeSlope])],
  [GELU, (m: GELU) => call('nn.GELU', [], { approximate: m.approximate })],
  [Softplus, (m: Softplus) => call('nn.Softplus', [m.beta, m.threshold])],
  [ELU, (m: ELU) => call('nn.ELU', [m.alpha])],
  [Softmax, (m: Softmax) => call('nn.Softmax', [], { dim: m.axis })],
  [LogSoftmax, (m: LogSoftmax) => call('nn.LogSoftmax', [], { dim: m.axis })],
];

/** The torch.nn constructor call of a leaf layer, or undefined when it has no twin. */
export function torchCall(m: AnyModule): TorchCall | undefined {
  for (const [cls, make] of LAYER_TABLE) if (m instanceof cls) return make(m);
  return undefined;
}
