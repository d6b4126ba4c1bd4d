/**
 * The layer table: layers written as one ONNX node each (their ONNX op is exact and keeps the
 * batch size free, where their chainrule forward is a composite: unfold + matmul, max-shifted
 * exponentials...). Any other layer is written op by op.
 */
import { type Tensor, ones, zeros } from '@chainrule/autograd';
import {
  type AnyModule,
  AvgPool2d,
  BatchNorm1d,
  Conv2d,
  Embedding,
  LayerNorm,
  LogSoftmax,
  MaxPool2d,
  Softmax,
  Step,
} from '@chainrule/nn';
import type { EmitContext } from './context.js';
import type { OnnxDType } from './proto.js';
import type { ModuleStep } from './trace.js';

/** Writes one layer call. */
export type ModuleEmitter = (c: EmitContext<ModuleStep>) => void;

type Pair = number | readonly [number, number];
const pair = (v: Pair | undefined, fallback: number): [number, number] =>
  v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/** ONNX pads ([top, left, bottom, right]) of a conv's padding; 'same' puts the odd pixel after, as PyTorch. */
function convPads(padding: Pair | 'same' | 'valid' | undefined, kernel: number[], dilation: number[]): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    const before = total.map((t) => Math.floor(t / 2));
    return [...before, ...total.map((t, i) => t - before[i]!)];
  }
  const p = pair(padding, 0);
  return [...p, ...p];
}

/** A parameter's name, or an initializer of ones (`affine`-less norms need a scale input). */
function scaleOf(c: EmitContext<ModuleStep>, weight: Tensor | null, shape: number[]): string {
  if (weight !== null) return c.b.nameOf(weight);
  const dtype = c.step.inputs[0]!.dtype;
  return c.b.addInitializer(c.b.fresh(`${c.step.path || 'norm'}.scale`), ones(shape, { dtype }).value);
}

const conv2d: ModuleEmitter = (c) => {
  const m = c.step.module as Conv2d;
  if (m.paddingMode !== 'zeros') throw c.fail(`paddingMode '${m.paddingMode}' has no ONNX Conv form (only 'zeros')`);
  const dilation = pair(m.window.dilation, 1);
  const ins = [c.input(0), c.b.nameOf(m.weight)];
  if (m.bias !== null) ins.push(c.b.nameOf(m.bias));
  c.emit('Conv', ins, {
    kernel_shape: { ints: m.kernelSize },
    strides: { ints: pair(m.window.stride, 1) },
    pads: { ints: convPads(m.window.padding, m.kernelSize, dilation) },
    dilations: { ints: dilation },
    group: { i: m.groups },
  });
};

const maxPool2d: ModuleEmitter = (c) => {
  const o = (c.step.module as MaxPool2d).options;
  c.emit('MaxPool', [c.input(0)], {
    kernel_shape: { ints: pair(o.kernel, 1) },
    strides: { ints: pair(o.stride ?? o.kernel, 1) },
    pads: { ints: convPads(o.padding, [0, 0], [1, 1]) },
    dilations: { ints: pair(o.dilation, 1) },
    ceil_mode: { i: o.ceilMode === true ? 1 : 0 },
  });
};

const avgPool2d: ModuleEmitter = (c) => {
  const o = (c.step.module as AvgPool2d).options;
  if (o.ceilMode === true) throw c.fail('ceilMode: ONNX AveragePool counts a partial last window differently');
  c.emit('AveragePool', [c.input(0)], {
    kernel_shape: { ints: pair(o.kernel, 1) },
    strides: { ints: pair(o.stride ?? o.kernel, 1) },
    pads: { ints: convPads(o.padding, [0, 0], [1, 1]) },
    count_include_pad: { i: (o.countIncludePad ?? true) ? 1 : 0 },
  });
};

const batchNorm1d: ModuleEmitter = (c) => {
  const m = c.step.module as BatchNorm1d;
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

/** Layers exported whole, each with its emitter (checked with instanceof, in this order). */
export const MODULE_EMITTERS: readonly (readonly [abstract new (...args: never[]) => AnyModule, ModuleEmitter])[] = [
  [Conv2d, conv2d],
  [MaxPool2d, maxPool2d],
  [AvgPool2d, avgPool2d],
  [BatchNorm1d, batchNorm1d],
  [LayerNorm, layerNorm],
  [
    Embedding,
    (c) => c.emit('Gather', [c.b.nameOf((c.step.module as Embedding).weight), c.input(0)], { axis: { i: 0 } }),
  ],
  [Softmax, (c) => c.emit('Softmax', [c.input(0)], { axis: { i: (c.step.module as Softmax).axis } })],
  [LogSoftmax, (c) => c.emit('LogSoftmax', [c.input(0)], { axis: { i: (c.step.module as LogSoftmax).axis } })],
  [Step, step],
];

/** The emitter of a layer exported whole, or undefined. */
export function moduleEmitter(m: AnyModule): ModuleEmitter | undefined {
  for (const [cls, emit] of MODULE_EMITTERS) if (m instanceof cls) return emit;
  return undefined;
}
