import type { Pair } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { Module } from '../module.js';
import type { Single } from '../functional/conv.js';
import {
  type Pool1dOptions,
  type PoolOptions,
  avgPool1d,
  avgPool2d,
  maxPool1d,
  maxPool2d,
} from '../functional/pooling.js';
import {
  type AdaptiveSize,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  checkAdaptiveSize,
} from '../functional/adaptive-pool.js';
import { checkOptions } from './options.js';
import { pairText } from './conv.js';

/** Options of `MaxPool2d` (the stride defaults to the kernel size). */
export interface MaxPool2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  /** Round the output size up, keeping a last partial window (PyTorch's ceil_mode; default false). */
  ceilMode?: boolean;
}

/** Options of `AvgPool2d` (the stride defaults to the kernel size). */
export interface AvgPool2dOptions {
  stride?: Pair;
  padding?: Pair;
  /** Padded zeros count in each window's mean (default true, as PyTorch). */
  countIncludePad?: boolean;
  /** Round the output size up, keeping a last partial window (PyTorch's ceil_mode; default false). */
  ceilMode?: boolean;
}

/** Options of `MaxPool1d`. */
export interface MaxPool1dOptions {
  stride?: Single;
  padding?: Single;
  dilation?: Single;
  /** Round the output size up, keeping a last partial window (PyTorch's ceil_mode; default false). */
  ceilMode?: boolean;
}

/** Options of `AvgPool1d`. */
export interface AvgPool1dOptions {
  stride?: Single;
  padding?: Single;
  countIncludePad?: boolean;
  /** Round the output size up, keeping a last partial window (PyTorch's ceil_mode; default false). */
  ceilMode?: boolean;
}

const text = (v: Pair | Single | undefined, d: number) => pairText(v as Pair | undefined, d);

/**
 * Max pooling over 2-D windows of [N, C, H, W] (stride defaults to the kernel size).
 * @example
 * ```ts
 * new MaxPool2d(2).forward(randn([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * ```
 */
export class MaxPool2d extends Module {
  readonly options: PoolOptions & { dilation?: Pair };
  constructor(kernelSize: Pair, options: MaxPool2dOptions = {}) {
    super();
    checkOptions('MaxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode']);
    this.options = { kernel: kernelSize, ...options };
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    return (
      `kernelSize=${text(o.kernel, 1)}, stride=${text(o.stride ?? o.kernel, 1)}, padding=${text(o.padding, 0)}, ` +
      `dilation=${text(o.dilation, 1)}`
    );
  }
}

/**
 * Average pooling over 2-D windows of [N, C, H, W] (stride defaults to the kernel size).
 * @example
 * ```ts
 * new AvgPool2d(2).forward(randn([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * ```
 */
export class AvgPool2d extends Module {
  readonly options: PoolOptions & { countIncludePad?: boolean };
  constructor(kernelSize: Pair, options: AvgPool2dOptions = {}) {
    super();
    checkOptions('AvgPool2d', options, ['stride', 'padding', 'countIncludePad', 'ceilMode']);
    this.options = { kernel: kernelSize, ...options };
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${text(o.kernel, 1)}, stride=${text(o.stride ?? o.kernel, 1)}, padding=${text(o.padding, 0)}`;
  }
}

/**
 * Max pooling over 1-D windows of [N, C, L] (stride defaults to the kernel size).
 * @example
 * ```ts
 * new MaxPool1d(3, { stride: 2 }).forward(randn([2, 4, 9])).shape; // [2, 4, 4]
 * ```
 */
export class MaxPool1d extends Module {
  readonly options: Pool1dOptions & { dilation?: Single };
  constructor(kernelSize: Single, options: MaxPool1dOptions = {}) {
    super();
    checkOptions('MaxPool1d', options, ['stride', 'padding', 'dilation', 'ceilMode']);
    this.options = { kernel: kernelSize, ...options };
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${text(o.kernel, 1)}, stride=${text(o.stride ?? o.kernel, 1)}, padding=${text(o.padding, 0)}`;
  }
}

/**
 * Average pooling over 1-D windows of [N, C, L] (stride defaults to the kernel size).
 * @example
 * ```ts
 * new AvgPool1d(2).forward(randn([2, 4, 9])).shape; // [2, 4, 4]
 * ```
 */
export class AvgPool1d extends Module {
  readonly options: Pool1dOptions & { countIncludePad?: boolean };
  constructor(kernelSize: Single, options: AvgPool1dOptions = {}) {
    super();
    checkOptions('AvgPool1d', options, ['stride', 'padding', 'countIncludePad', 'ceilMode']);
    this.options = { kernel: kernelSize, ...options };
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${text(o.kernel, 1)}, stride=${text(o.stride ?? o.kernel, 1)}, padding=${text(o.padding, 0)}`;
  }
}

const sizeText = (s: AdaptiveSize) => (typeof s === 'number' ? `${s}` : `(${s[0] ?? 'null'}, ${s[1] ?? 'null'})`);

/**
 * Adaptive average pooling of [N, C, H, W] (or [C, H, W]) to `outputSize` (null keeps an axis).
 * @example
 * ```ts
 * new AdaptiveAvgPool2d(1).forward(randn([2, 16, 7, 7])).shape; // [2, 16, 1, 1]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
    checkAdaptiveSize('AdaptiveAvgPool2d', outputSize);
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${sizeText(this.outputSize)}`;
  }
}

/**
 * Adaptive max pooling of [N, C, H, W] (or [C, H, W]) to `outputSize` (null keeps an axis).
 * @example
 * ```ts
 * new AdaptiveMaxPool2d([2, 3]).forward(randn([2, 16, 7, 7])).shape; // [2, 16, 2, 3]
 * ```
 */
export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
    checkAdaptiveSize('AdaptiveMaxPool2d', outputSize);
  }
  forward(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${sizeText(this.outputSize)}`;
  }
}
