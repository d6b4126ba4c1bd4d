import * as T from '@chainrule/tensor';
import type { Pair } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { type Conv2dOptions, type PoolOptions, avgPool2d, conv2d, maxPool2d } from '../functional/conv.js';
import { type LayerOptions, checkPositiveInt, emptyParameter, layerDtype } from './options.js';

/** Options of `Conv2d`. */
export interface Conv2dLayerOptions extends LayerOptions, Conv2dOptions {
  /** A learnable bias per output channel (default true). */
  bias?: boolean;
}

const pairText = (p: Pair | undefined, d: number) =>
  p === undefined ? `${d}` : typeof p === 'number' ? `${p}` : `(${p[0]}, ${p[1]})`;

/**
 * A 2-D convolution layer: [N, inChannels, H, W] → [N, outChannels, outH, outW], weight
 * [out, in, kh, kw]. Weight and bias start as U(−1/√fanIn, 1/√fanIn) with fanIn = in·kh·kw
 * (PyTorch's default).
 * @example
 * ```ts
 * const conv = new Conv2d(1, 8, 3, { padding: 1 });
 * conv.forward(randn([4, 1, 28, 28])).shape; // [4, 8, 28, 28]
 * ```
 */
export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly window: Conv2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    checkPositiveInt('Conv2d', 'inChannels', inChannels);
    checkPositiveInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : [kernelSize[0], kernelSize[1]];
    for (const k of this.kernelSize) checkPositiveInt('Conv2d', 'kernelSize', k);
    const dtype = layerDtype('Conv2d', options);
    this.window = { stride: options.stride ?? 1, padding: options.padding ?? 0, dilation: options.dilation ?? 1 };
    T.convGeometry('Conv2d', Infinity, Infinity, { kernel: this.kernelSize, ...this.window }); // validates the options
    this.weight = emptyParameter([outChannels, inChannels, ...this.kernelSize], dtype);
    init.kaimingUniform(this.weight, { a: Math.sqrt(5), rng: options.rng });
    this.bias = options.bias === false ? null : emptyParameter([outChannels], dtype);
    if (this.bias !== null) {
      const bound = 1 / Math.sqrt(inChannels * this.kernelSize[0] * this.kernelSize[1]);
      init.uniform(this.bias, -bound, bound, { rng: options.rng });
    }
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.window);
  }

  override extraRepr(): string {
    return (
      `${this.inChannels}, ${this.outChannels}, kernelSize=(${this.kernelSize.join(', ')}), ` +
      `stride=${pairText(this.window.stride, 1)}, padding=${pairText(this.window.padding, 0)}, ` +
      `dilation=${pairText(this.window.dilation, 1)}, bias=${this.bias !== null}`
    );
  }
}

/** Max pooling over 2-D windows (stride defaults to the kernel size). */
export class MaxPool2d extends Module {
  readonly options: PoolOptions & { dilation?: Pair };
  constructor(kernelSize: Pair, options: { stride?: Pair; padding?: Pair; dilation?: Pair } = {}) {
    super();
    this.options = { kernel: kernelSize, ...options };
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options);
  }
  override extraRepr(): string {
    return (
      `kernelSize=${pairText(this.options.kernel, 1)}, ` +
      `stride=${pairText(this.options.stride ?? this.options.kernel, 1)}, ` +
      `padding=${pairText(this.options.padding, 0)}`
    );
  }
}

/** Average pooling over 2-D windows (stride defaults to the kernel size). */
export class AvgPool2d extends Module {
  readonly options: PoolOptions & { countIncludePad?: boolean };
  constructor(kernelSize: Pair, options: { stride?: Pair; padding?: Pair; countIncludePad?: boolean } = {}) {
    super();
    this.options = { kernel: kernelSize, ...options };
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options);
  }
  override extraRepr(): string {
    return (
      `kernelSize=${pairText(this.options.kernel, 1)}, ` +
      `stride=${pairText(this.options.stride ?? this.options.kernel, 1)}, ` +
      `padding=${pairText(this.options.padding, 0)}`
    );
  }
}
