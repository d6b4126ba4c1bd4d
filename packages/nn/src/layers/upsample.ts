import type { Tensor } from '@chainrule/autograd';
import { Module } from '../module.js';
import { type InterpolateOptions, checkInterpolateOptions, interpolate } from '../functional/interpolate.js';

/**
 * Options of `Upsample`: exactly one of `size` and `scaleFactor`; `mode` 'nearest' (default),
 * 'linear' or 'bilinear'.
 */
export type UpsampleOptions = InterpolateOptions;

/**
 * Resizes the spatial axes of its input (`interpolate` as a module): 'nearest' on [N, C, L] or
 * [N, C, H, W], 'linear' on [N, C, L] and 'bilinear' on [N, C, H, W] (both with `alignCorners`).
 * It has no parameters.
 * @example
 * ```ts
 * new Upsample({ scaleFactor: 2 }).forward(randn([1, 3, 4, 4])).shape; // [1, 3, 8, 8]
 * new Upsample({ size: [5, 7], mode: 'bilinear' }).forward(randn([1, 3, 4, 4])).shape; // [1, 3, 5, 7]
 * ```
 */
export class Upsample extends Module {
  readonly options: UpsampleOptions;
  constructor(options: UpsampleOptions) {
    super();
    checkInterpolateOptions('Upsample', options);
    this.options = { ...options };
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    const what =
      o.size !== undefined ? `size=${JSON.stringify(o.size)}` : `scaleFactor=${JSON.stringify(o.scaleFactor)}`;
    const align = o.alignCorners === undefined ? '' : `, alignCorners=${o.alignCorners}`;
    return `${what}, mode='${o.mode ?? 'nearest'}'${align}`;
  }
}
