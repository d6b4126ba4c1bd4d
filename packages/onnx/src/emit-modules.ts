/**
 * The layer table: layers written as one ONNX node each (their ONNX op is exact and keeps the
 * batch size free, where their chainrule forward is a composite: unfold + matmul, max-shifted
 * exponentials...). Any other layer is written op by op.
 */
import { type Tensor, ones, zeros } from '@chainrule/autograd';
import {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  type AnyModule,
  AvgPool1d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  GRU,
  GRUCell,
  GroupNorm,
  InstanceNorm2d,
  LSTM,
  LSTMCell,
  MultiheadAttention,
  RNN,
  RNNCell,
  Upsample,
  Embedding,
  LayerNorm,
  LogSoftmax,
  MaxPool1d,
  MaxPool2d,
  Softmax,
  Step,
} from '@chainrule/nn';
import type { EmitContext } from './context.js';
import { multiheadAttention } from './emit-attention.js';
import { convTranspose, groupNorm, instanceNorm, upsample } from './emit-layers.js';
import { recurrent, recurrentCell } from './emit-recurrent.js';
import type { OnnxDType } from './proto.js';
import { convPads, spread } from './sizes.js';
import type { ModuleStep } from './trace.js';

/** Writes one layer call. */
export type ModuleEmitter = (c: EmitContext<ModuleStep>) => void;

/** The number of spatial dims of a layer's input (2 for [N, C, H, W]). */
const spatial = (c: EmitContext<ModuleStep>): number => c.step.inputs[0]!.shape.length - 2;

/** A parameter's name, or an initializer of ones (`affine`-less norms need a scale input). */
function scaleOf(c: EmitContext<ModuleStep>, weight: Tensor | null, shape: number[]): string {
  if (weight !== null) return c.b.nameOf(weight);
  const dtype = c.step.inputs[0]!.dtype;
  return c.b.addInitializer(c.b.fresh(`${c.step.path || 'norm'}.scale`), ones(shape, { dtype }).value);
}

const conv: ModuleEmitter = (c) => {
  const m = c.step.module as Conv1d | Conv2d;
  if (m.paddingMode !== 'zeros') throw c.fail(`paddingMode '${m.paddingMode}' has no ONNX Conv form (only 'zeros')`);
  const n = spatial(c);
  const kernel = spread(m.kernelSize, n, 1);
  const dilation = spread(m.window.dilation, n, 1);
  const ins = [c.input(0), c.b.nameOf(m.weight)];
  if (m.bias !== null) ins.push(c.b.nameOf(m.bias));
  c.emit('Conv', ins, {
    kernel_shape: { ints: kernel },
    strides: { ints: spread(m.window.stride, n, 1) },
    pads: { ints: convPads(m.window.padding, kernel, dilation) },
    dilations: { ints: dilation },
    group: { i: m.groups },
  });
};

const maxPool: ModuleEmitter = (c) => {
  const o = (c.step.module as MaxPool1d | MaxPool2d).options;
  const n = spatial(c);
  c.emit('MaxPool', [c.input(0)], {
    kernel_shape: { ints: spread(o.kernel, n, 1) },
    strides: { ints: spread(o.stride ?? o.kernel, n, 1) },
    pads: { ints: convPads(o.padding, new Array<number>(n).fill(1), new Array<number>(n).fill(1)) },
    dilations: { ints: spread(o.dilation, n, 1) },
    ceil_mode: { i: o.ceilMode === true ? 1 : 0 },
  });
};

const avgPool: ModuleEmitter = (c) => {
  const o = (c.step.module as AvgPool1d | AvgPool2d).options;
  if (o.ceilMode === true) throw c.fail('ceilMode: ONNX AveragePool counts a partial last window differently');
  const n = spatial(c);
  c.emit('AveragePool', [c.input(0)], {
    kernel_shape: { ints: spread(o.kernel, n, 1) },
    strides: { ints: spread(o.stride ?? o.kernel, n, 1) },
    pads: { ints: convPads(o.padding, new Array<number>(n).fill(1), new Array<number>(n).fill(1)) },
    count_include_pad: { i: (o.countIncludePad ?? true) ? 1 : 0 },
  });
};

/**
 * Adaptive pooling: to 1x1, GlobalAveragePool / GlobalMaxPool; to a size that divides the input's,
 * AveragePool / MaxPool with kernel = stride = input / output (fixed spatial dims); else refused.
 */
const adaptivePool =
  (globalOp: string, windowOp: string): ModuleEmitter =>
  (c) => {
    const size = (c.step.module as AdaptiveAvgPool2d | AdaptiveMaxPool2d).outputSize;
    const sizes = typeof size === 'number' ? [size, size] : [...size];
    if (sizes.every((s) => s === 1)) return c.emit(globalOp, [c.input(0)]);
    const input = c.step.inputs[0]!.shape.slice(2);
    const out = c.step.output.shape.slice(2);
    if (c.dynamicDims(0).some((k) => k >= 2) || input.some((n, k) => n % out[k]! !== 0))
      throw c.fail(
        `outputSize ${JSON.stringify(size)} on input [${c.step.inputs[0]!.shape}]: only 1 (global pooling) or a ` +
          'size dividing fixed spatial dims has an ONNX form here',
      );
    const kernel = input.map((n, k) => n / out[k]!);
    c.emit(windowOp, [c.input(0)], { kernel_shape: { ints: kernel }, strides: { ints: kernel } });
  };

const batchNorm: ModuleEmitter = (c) => {
  const m = c.step.module as BatchNorm1d | BatchNorm2d;
  if (m.runningMean === null || m.runningVar === null)
    throw c.fail('without running statistics (trackRunningStats: false) it normalizes with batch statistics');
  const n = m.numFeatures;
  const dtype = m.runningMean.dtype;
  const bias = m.bias ?? zeros([n], { dtype });
  const ins = [c.input(0), scaleOf(c, m.weight, [n]), c.b.nameOf(bias), c.b.nameOf(m.runningMean)];
  c.emit('BatchNormalization', [...ins, c.b.nameOf(m.runningVar)], { epsilon: { f: m.eps } });
};

const layerNorm: ModuleEmitter = (c) => {
  const m = c.step.module as LayerNorm;
  c.b.requireOpset('LayerNorm', 17, 'LayerNormalization');
  const ins = [c.input(0), scaleOf(c, m.weight, m.normalizedShape)];
  if (m.bias !== null) ins.push(c.b.nameOf(m.bias));
  c.emit('LayerNormalization', ins, { axis: { i: -m.normalizedShape.length }, epsilon: { f: m.eps } });
};

const step: ModuleEmitter = (c) => {
  const dtype = c.step.inputs[0]!.dtype as OnnxDType;
  const mask = c.b.node('GreaterOrEqual', [c.input(0), c.b.scalar(0, dtype)]);
  c.emit('Cast', [mask], { to: { i: dtype === 'float64' ? 11 : 1 } });
};

/**
 * Layers exported whole, each with its emitter (checked with instanceof, in this order).
 * @example
 * ```ts
 * import { MODULE_EMITTERS } from '@chainrule/onnx';
 * MODULE_EMITTERS.map(([cls]) => cls.name); // ['Conv2d', 'MaxPool2d', 'AvgPool2d', ...]
 * ```
 */
export const MODULE_EMITTERS: readonly (readonly [abstract new (...args: never[]) => AnyModule, ModuleEmitter])[] = [
  [Conv1d, conv],
  [Conv2d, conv],
  [MaxPool1d, maxPool],
  [MaxPool2d, maxPool],
  [AvgPool1d, avgPool],
  [AvgPool2d, avgPool],
  [AdaptiveAvgPool2d, adaptivePool('GlobalAveragePool', 'AveragePool')],
  [AdaptiveMaxPool2d, adaptivePool('GlobalMaxPool', 'MaxPool')],
  [BatchNorm1d, batchNorm],
  [BatchNorm2d, batchNorm],
  [LayerNorm, layerNorm],
  [ConvTranspose1d, convTranspose],
  [ConvTranspose2d, convTranspose],
  [GroupNorm, groupNorm],
  [InstanceNorm2d, instanceNorm],
  [Upsample, upsample],
  [RNN, recurrent],
  [LSTM, recurrent],
  [GRU, recurrent],
  [RNNCell, recurrentCell],
  [LSTMCell, recurrentCell],
  [GRUCell, recurrentCell],
  [MultiheadAttention, multiheadAttention],
  [
    Embedding,
    (c) => c.emit('Gather', [c.b.nameOf((c.step.module as Embedding).weight), c.input(0)], { axis: { i: 0 } }),
  ],
  [Softmax, (c) => c.emit('Softmax', [c.input(0)], { axis: { i: (c.step.module as Softmax).axis } })],
  [LogSoftmax, (c) => c.emit('LogSoftmax', [c.input(0)], { axis: { i: (c.step.module as LogSoftmax).axis } })],
  [Step, step],
];

/**
 * The emitter of a layer exported whole, or undefined (the layer is written op by op).
 * @example
 * ```ts
 * import { Conv2d, ReLU } from '@chainrule/nn';
 * import { moduleEmitter } from '@chainrule/onnx';
 * moduleEmitter(new Conv2d(1, 2, 3)) !== undefined; // true
 * moduleEmitter(new ReLU()); // undefined
 * ```
 */
export function moduleEmitter(m: AnyModule): ModuleEmitter | undefined {
  for (const [cls, emit] of MODULE_EMITTERS) if (m instanceof cls) return emit;
  return undefined;
}
