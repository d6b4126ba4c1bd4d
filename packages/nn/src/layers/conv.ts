import * as T from '@chainrule/tensor';
import type { Pair } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import * as init from '../init.js';
import {
  type Conv1dOptions,
  type Conv2dOptions,
  type Single,
  checkGroups,
  conv1d,
  conv2d,
  resolvePadding,
  single,
} from '../functional/conv.js';
import { PADDING_MODES, type PaddingMode, padSpatial } from '../functional/conv-padding.js';
import { type LayerOptions, checkOptions, checkPositiveInt, emptyParameter, layerDtype } from './options.js';

/** Options of `Conv2d`. */
export interface Conv2dLayerOptions extends LayerOptions, Conv2dOptions {
  /** A learnable bias per output channel (default true). */
  bias?: boolean;
  /** What the padding reads: 'zeros' (default), 'reflect', 'replicate' or 'circular' (PyTorch's padding_mode). */
  paddingMode?: PaddingMode;
}

/** Options of `Conv1d`. */
export interface Conv1dLayerOptions extends LayerOptions, Conv1dOptions {
  /** A learnable bias per output channel (default true). */
  bias?: boolean;
  /** What the padding reads: 'zeros' (default), 'reflect', 'replicate' or 'circular'. */
  paddingMode?: PaddingMode;
}

/** The option keys every convolution layer reads. */
export const CONV_KEYS = ['rng', 'dtype', 'stride', 'padding', 'dilation', 'groups', 'bias'] as const;

/** Checks a padding mode; returns it (default 'zeros'). */
function checkPaddingMode(op: string, mode: PaddingMode | undefined): PaddingMode {
  const m = mode ?? 'zeros';
  if (!PADDING_MODES.includes(m)) {
    throw new T.RangeError(op, `paddingMode must be one of ${PADDING_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  return m;
}

/** [before, after] padding per spatial axis from a resolved window padding (number or pair) and its extra. */
function spatialPads(padding: Pair | undefined, extra: readonly [number, number]): Array<[number, number]> {
  const p = padding === undefined ? [0, 0] : typeof padding === 'number' ? [padding, padding] : padding;
  return [0, 1].map((a) => [p[a]!, p[a]! + extra[a]!] as [number, number]);
}

/** A pair option as text: `2` or `(2, 1)`. */
export const pairText = (p: Pair | 'same' | 'valid' | undefined, d: number): string =>
  p === undefined ? `${d}` : typeof p === 'string' ? `'${p}'` : typeof p === 'number' ? `${p}` : `(${p[0]}, ${p[1]})`;

/**
 * A convolution's weight and bias, drawn as PyTorch does: kaimingUniform(a = √5) on the weight
 * (bound 1/√fanIn, fanIn = weight.shape[1]·kernel size) and U(−1/√fanIn, 1/√fanIn) on the bias.
 */
export function convParameters(
  weightShape: readonly number[],
  biasSize: number,
  options: LayerOptions & { bias?: boolean },
  op: string,
): { weight: Parameter; bias: Parameter | null } {
  const dtype = layerDtype(op, options);
  const weight = emptyParameter(weightShape, dtype);
  init.kaimingUniform(weight, { a: Math.sqrt(5), rng: options.rng });
  const bias = options.bias === false ? null : emptyParameter([biasSize], dtype);
  if (bias !== null) {
    const bound = 1 / Math.sqrt(init.fans(weightShape)[0]);
    init.uniform(bias, -bound, bound, { rng: options.rng });
  }
  return { weight, bias };
}

/**
 * A 2-D convolution layer: [N, inChannels, H, W] → [N, outChannels, outH, outW], weight
 * [out, in/groups, kh, kw]. Weight and bias start as U(−1/√fanIn, 1/√fanIn) with
 * fanIn = (in/groups)·kh·kw (PyTorch's default). `groups: inChannels` is a depthwise convolution.
 * @example
 * ```ts
 * const conv = new Conv2d(1, 8, 3, { padding: 1 });
 * conv.forward(randn([4, 1, 28, 28])).shape; // [4, 8, 28, 28]
 * new Conv2d(8, 8, 3, { groups: 8 }).weight.shape; // [8, 1, 3, 3]
 * ```
 */
export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly window: Conv2dOptions;
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** [before, after] per spatial axis, for the non-zero padding modes. */
  private readonly pads: Array<[number, number]>;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    checkOptions('Conv2d', options, [...CONV_KEYS, 'paddingMode']);
    this.paddingMode = checkPaddingMode('Conv2d', options.paddingMode);
    checkPositiveInt('Conv2d', 'inChannels', inChannels);
    checkPositiveInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : [kernelSize[0], kernelSize[1]];
    for (const k of this.kernelSize) checkPositiveInt('Conv2d', 'kernelSize', k);
    this.groups = checkGroups('Conv2d', options.groups, inChannels, outChannels);
    const stride = options.stride ?? 1,
      padding = options.padding ?? 0,
      dilation = options.dilation ?? 1;
    this.window = { stride, padding, dilation, groups: this.groups };
    const pad = resolvePadding('Conv2d', padding, this.kernelSize, stride, dilation);
    this.pads = spatialPads(pad.padding, pad.extra);
    // validates the window options
    T.convGeometry('Conv2d', Infinity, Infinity, { kernel: this.kernelSize, stride, padding: pad.padding, dilation });
    const p = convParameters(
      [outChannels, inChannels / this.groups, ...this.kernelSize],
      outChannels,
      options,
      'Conv2d',
    );
    this.weight = p.weight;
    this.bias = p.bias;
  }

  forward(x: Tensor): Tensor {
    if (this.paddingMode === 'zeros') return conv2d(x, this.weight, this.bias, this.window);
    const padded = padSpatial('Conv2d', x, this.paddingMode, this.pads);
    return conv2d(padded, this.weight, this.bias, { ...this.window, padding: 0 });
  }

  override extraRepr(): string {
    return (
      `${this.inChannels}, ${this.outChannels}, kernelSize=(${this.kernelSize.join(', ')}), ` +
      `stride=${pairText(this.window.stride, 1)}, padding=${pairText(this.window.padding, 0)}, ` +
      `dilation=${pairText(this.window.dilation, 1)}${this.groups === 1 ? '' : `, groups=${this.groups}`}, ` +
      `bias=${this.bias !== null}${this.paddingMode === 'zeros' ? '' : `, paddingMode='${this.paddingMode}'`}`
    );
  }
}

/**
 * A 1-D convolution layer: [N, inChannels, L] → [N, outChannels, outL], weight
 * [out, in/groups, k], initialized as Conv2d.
 * @example
 * ```ts
 * const conv = new Conv1d(4, 8, 3, { padding: 1 });
 * conv.forward(randn([2, 4, 16])).shape; // [2, 8, 16]
 * ```
 */
export class Conv1d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: number;
  readonly window: Conv1dOptions;
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  private readonly pads: Array<[number, number]>;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Single,
    options: Conv1dLayerOptions = {},
  ) {
    super();
    checkOptions('Conv1d', options, [...CONV_KEYS, 'paddingMode']);
    this.paddingMode = checkPaddingMode('Conv1d', options.paddingMode);
    checkPositiveInt('Conv1d', 'inChannels', inChannels);
    checkPositiveInt('Conv1d', 'outChannels', outChannels);
    this.kernelSize = single(kernelSize)!;
    checkPositiveInt('Conv1d', 'kernelSize', this.kernelSize);
    this.groups = checkGroups('Conv1d', options.groups, inChannels, outChannels);
    const stride = single(options.stride) ?? 1,
      padding = typeof options.padding === 'string' ? options.padding : (single(options.padding) ?? 0),
      dilation = single(options.dilation) ?? 1;
    this.window = { stride, padding, dilation, groups: this.groups };
    const kernel = [1, this.kernelSize] as const;
    const pad = resolvePadding(
      'Conv1d',
      typeof padding === 'string' ? padding : [0, padding],
      kernel,
      [1, stride],
      [1, dilation],
    );
    this.pads = spatialPads(pad.padding, pad.extra).slice(1); // the width only
    T.convGeometry('Conv1d', Infinity, Infinity, { kernel, stride, padding: pad.padding, dilation });
    const p = convParameters([outChannels, inChannels / this.groups, this.kernelSize], outChannels, options, 'Conv1d');
    this.weight = p.weight;
    this.bias = p.bias;
  }

  forward(x: Tensor): Tensor {
    if (this.paddingMode === 'zeros') return conv1d(x, this.weight, this.bias, this.window);
    const padded = padSpatial('Conv1d', x, this.paddingMode, this.pads);
    return conv1d(padded, this.weight, this.bias, { ...this.window, padding: 0 });
  }

  override extraRepr(): string {
    const w = this.window;
    return (
      `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${w.stride}, ` +
      `padding=${pairText(w.padding as Pair | 'same' | 'valid', 0)}, dilation=${w.dilation}` +
      `${this.groups === 1 ? '' : `, groups=${this.groups}`}, bias=${this.bias !== null}` +
      `${this.paddingMode === 'zeros' ? '' : `, paddingMode='${this.paddingMode}'`}`
    );
  }
}
