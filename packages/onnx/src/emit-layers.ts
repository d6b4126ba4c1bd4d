/**
 * Layer emitters for transposed convolutions, group and instance normalization and resizing
 * (`ConvTranspose`, `InstanceNormalization` + `Reshape`, `BatchNormalization`, `Resize`).
 */
import { type Tensor, ones, zeros } from '@chainrule/autograd';
import type { ConvTranspose1d, ConvTranspose2d, GroupNorm, InstanceNorm2d, Upsample } from '@chainrule/nn';
import type { EmitContext } from './context.js';
import type { Attr } from './proto.js';
import { spread } from './sizes.js';
import type { ModuleStep } from './trace.js';

type Emitter = (c: EmitContext<ModuleStep>) => void;

/** The name of `t`, or a new initializer of `fill` (ones or zeros) of `shape` in the input's dtype. */
function paramOr(c: EmitContext<ModuleStep>, t: Tensor | null, fill: 0 | 1, shape: number[]): string {
  if (t !== null) return c.b.nameOf(t);
  const dtype = c.step.inputs[0]!.dtype;
  const value = (fill === 1 ? ones(shape, { dtype }) : zeros(shape, { dtype })).value;
  return c.b.addInitializer(c.b.fresh(`${c.step.path || 'norm'}.${fill === 1 ? 'scale' : 'shift'}`), value);
}

/** ConvTranspose1d/2d: ONNX ConvTranspose (same weight layout [in, out/groups, k...]). */
export const convTranspose: Emitter = (c) => {
  const m = c.step.module as ConvTranspose1d | ConvTranspose2d;
  const n = c.step.inputs[0]!.shape.length - 2;
  const kernel = spread(m.kernelSize, n, 1);
  const p = spread(m.window.padding, n, 0);
  const ins = [c.input(0), c.b.nameOf(m.weight)];
  if (m.bias !== null) ins.push(c.b.nameOf(m.bias));
  c.emit('ConvTranspose', ins, {
    kernel_shape: { ints: kernel },
    strides: { ints: spread(m.window.stride, n, 1) },
    pads: { ints: [...p, ...p] },
    dilations: { ints: spread(m.window.dilation, n, 1) },
    output_padding: { ints: spread(m.window.outputPadding, n, 0) },
    group: { i: m.groups },
  });
};

/**
 * GroupNorm: Reshape to [N, G, -1], InstanceNormalization (one group per channel there), Reshape
 * back to the input's shape, then the per-channel affine Mul and Add (opset 17 has no
 * GroupNormalization, and opset 18's scales per group, not per channel).
 */
export const groupNorm: Emitter = (c) => {
  const m = c.step.module as GroupNorm;
  const x = c.input(0);
  const rank = c.step.inputs[0]!.shape.length;
  const g = m.numGroups;
  const grouped = c.b.node('Reshape', [x, c.b.int64s([0, g, -1])]);
  const normed = c.b.node('InstanceNormalization', [grouped, paramOr(c, null, 1, [g]), paramOr(c, null, 0, [g])], {
    epsilon: { f: m.eps },
  });
  const back = c.b.node('Reshape', [normed, c.b.node('Shape', [x])]);
  if (m.weight === null || m.bias === null) return c.emit('Identity', [back]);
  const perChannel = c.b.int64s([m.numChannels, ...new Array<number>(rank - 2).fill(1)]);
  const w = c.b.node('Reshape', [c.b.nameOf(m.weight), perChannel]);
  const bias = c.b.node('Reshape', [c.b.nameOf(m.bias), perChannel]);
  c.emit('Add', [c.b.node('Mul', [back, w]), bias]);
};

/** InstanceNorm2d: InstanceNormalization; with running statistics (eval), BatchNormalization on them. */
export const instanceNorm: Emitter = (c) => {
  const m = c.step.module as InstanceNorm2d;
  const n = m.numFeatures;
  const scale = paramOr(c, m.weight, 1, [n]);
  const shift = paramOr(c, m.bias, 0, [n]);
  if (m.runningMean !== null && m.runningVar !== null) {
    const stats = [c.b.nameOf(m.runningMean), c.b.nameOf(m.runningVar)];
    return c.emit('BatchNormalization', [c.input(0), scale, shift, ...stats], { epsilon: { f: m.eps } });
  }
  c.emit('InstanceNormalization', [c.input(0), scale, shift], { epsilon: { f: m.eps } });
};

/**
 * Upsample: Resize. 'nearest' is PyTorch's (asymmetric, floor), 'linear'/'bilinear' use
 * pytorch_half_pixel or align_corners. A scale factor is passed as scales (PyTorch maps with
 * 1/factor, as Resize does); a size as sizes, the batch and channel dims read from the input.
 */
export const upsample: Emitter = (c) => {
  const o = (c.step.module as Upsample).options;
  const x = c.input(0);
  const n = c.step.inputs[0]!.shape.length - 2;
  const mode = o.mode ?? 'nearest';
  const attributes: Record<string, Attr> =
    mode === 'nearest'
      ? {
          mode: { s: 'nearest' },
          coordinate_transformation_mode: { s: 'asymmetric' },
          nearest_mode: { s: 'floor' },
        }
      : {
          mode: { s: 'linear' },
          coordinate_transformation_mode: { s: o.alignCorners === true ? 'align_corners' : 'pytorch_half_pixel' },
        };
  if (o.scaleFactor !== undefined) {
    const factors = ones([2 + n]).value.contiguous();
    spread(o.scaleFactor, n, 1).forEach((f, k) => {
      (factors.data as Float32Array)[2 + k] = f;
    });
    const scales = c.b.addInitializer(c.b.fresh('scales'), factors, 'float32');
    return c.emit('Resize', [x, '', scales], attributes);
  }
  const lead = c.b.node('Slice', [c.b.node('Shape', [x]), c.b.int64s([0], 'starts'), c.b.int64s([2], 'ends')]);
  const sizes = c.b.node('Concat', [lead, c.b.int64s(spread(o.size, n, 1), 'sizes')], { axis: { i: 0 } });
  c.emit('Resize', [x, '', '', sizes], attributes);
};
