import * as T from '@chainrule/tensor';
import type { Pair } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { type Single, checkGroups, single } from '../functional/conv.js';
import {
  type ConvTranspose1dOptions,
  type ConvTranspose2dOptions,
  convTranspose1d,
  convTranspose2d,
} from '../functional/conv-transpose.js';
import { CONV_KEYS, convParameters, pairText } from './conv.js';
import { type LayerOptions, checkOptions, checkPositiveInt } from './options.js';

/** Options of `ConvTranspose2d`. */
export interface ConvTranspose2dLayerOptions extends LayerOptions, ConvTranspose2dOptions {
  /** A learnable bias per output channel (default true). */
  bias?: boolean;
}

/** Options of `ConvTranspose1d`. */
export interface ConvTranspose1dLayerOptions extends LayerOptions, ConvTranspose1dOptions {
  /** A learnable bias per output channel (default true). */
  bias?: boolean;
}

const KEYS = [...CONV_KEYS, 'outputPadding'];

/** Validates the window options by a dry run of the output-size rule on a 1x1 input. */
function checkWindow(op: string, kernel: Pair, o: ConvTranspose2dOptions): void {
  const g = T.convGeometry(op, Infinity, Infinity, {
    kernel,
    stride: o.stride,
    padding: o.padding,
    dilation: o.dilation,
  });
  const p = o.outputPadding ?? 0;
  for (const a of [0, 1] as const) {
    const pa = typeof p === 'number' ? p : p[a];
    if (!Number.isInteger(pa) || pa < 0 || (pa >= g.stride[a] && pa >= g.dilation[a])) {
      throw new T.RangeError(
        op,
        `outputPadding ${JSON.stringify(p)} must be a non-negative integer smaller than the stride or the dilation`,
      );
    }
  }
}

/**
 * A 2-D transposed convolution layer (a learnable upsampling): [N, in, H, W] → [N, out, H', W']
 * with H' = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1. The weight is
 * [in, out/groups, kh, kw] (PyTorch's layout), initialized as PyTorch does: U(−1/√fanIn, 1/√fanIn)
 * with fanIn = (out/groups)·kh·kw.
 * @example
 * ```ts
 * const up = new ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1 });
 * up.forward(randn([1, 8, 7, 7])).shape; // [1, 4, 14, 14]
 * ```
 */
export class ConvTranspose2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly window: ConvTranspose2dOptions;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    checkOptions('ConvTranspose2d', options, KEYS);
    checkPositiveInt('ConvTranspose2d', 'inChannels', inChannels);
    checkPositiveInt('ConvTranspose2d', 'outChannels', outChannels);
    this.kernelSize = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : [kernelSize[0], kernelSize[1]];
    for (const k of this.kernelSize) checkPositiveInt('ConvTranspose2d', 'kernelSize', k);
    this.groups = checkGroups('ConvTranspose2d', options.groups, inChannels, outChannels);
    this.window = {
      stride: options.stride ?? 1,
      padding: options.padding ?? 0,
      outputPadding: options.outputPadding ?? 0,
      dilation: options.dilation ?? 1,
      groups: this.groups,
    };
    checkWindow('ConvTranspose2d', this.kernelSize, this.window);
    const shape = [inChannels, outChannels / this.groups, ...this.kernelSize];
    const p = convParameters(shape, outChannels, options, 'ConvTranspose2d');
    this.weight = p.weight;
    this.bias = p.bias;
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.window);
  }

  override extraRepr(): string {
    const w = this.window;
    return (
      `${this.inChannels}, ${this.outChannels}, kernelSize=(${this.kernelSize.join(', ')}), ` +
      `stride=${pairText(w.stride, 1)}, padding=${pairText(w.padding, 0)}, ` +
      `outputPadding=${pairText(w.outputPadding, 0)}, dilation=${pairText(w.dilation, 1)}` +
      `${this.groups === 1 ? '' : `, groups=${this.groups}`}, bias=${this.bias !== null}`
    );
  }
}

/**
 * A 1-D transposed convolution layer: [N, in, L] → [N, out, L'], weight [in, out/groups, k].
 * @example
 * ```ts
 * const up = new ConvTranspose1d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 });
 * up.forward(randn([1, 4, 10])).shape; // [1, 2, 20]
 * ```
 */
export class ConvTranspose1d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: number;
  readonly window: ConvTranspose1dOptions;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Single,
    options: ConvTranspose1dLayerOptions = {},
  ) {
    super();
    checkOptions('ConvTranspose1d', options, KEYS);
    checkPositiveInt('ConvTranspose1d', 'inChannels', inChannels);
    checkPositiveInt('ConvTranspose1d', 'outChannels', outChannels);
    this.kernelSize = single(kernelSize)!;
    checkPositiveInt('ConvTranspose1d', 'kernelSize', this.kernelSize);
    this.groups = checkGroups('ConvTranspose1d', options.groups, inChannels, outChannels);
    const w = {
      stride: single(options.stride) ?? 1,
      padding: single(options.padding) ?? 0,
      outputPadding: single(options.outputPadding) ?? 0,
      dilation: single(options.dilation) ?? 1,
    };
    this.window = { ...w, groups: this.groups };
    checkWindow('ConvTranspose1d', this.kernelSize, w);
    const p = convParameters(
      [inChannels, outChannels / this.groups, this.kernelSize],
      outChannels,
      options,
      'ConvTranspose1d',
    );
    this.weight = p.weight;
    this.bias = p.bias;
  }

  forward(x: Tensor): Tensor {
    return convTranspose1d(x, this.weight, this.bias, this.window);
  }

  override extraRepr(): string {
    const w = this.window;
    return (
      `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${w.stride}, ` +
      `padding=${w.padding}, outputPadding=${w.outputPadding}, dilation=${w.dilation}` +
      `${this.groups === 1 ? '' : `, groups=${this.groups}`}, bias=${this.bias !== null}`
    );
  }
}
