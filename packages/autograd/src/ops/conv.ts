/**
 * Sliding-window ops for convolution and pooling: `unfold` (im2col) and its adjoint `fold`
 * (col2im), each the other's derivative rule.
 */
import type { ConvOptions } from '@chainrule/tensor';
import type { Tensor } from '../tensor.js';
import { apply } from './apply.js';

/**
 * im2col (PyTorch's F.unfold): x [N, C, H, W] → [N, C·kh·kw, outH·outW], one column per window
 * position; `padValue` is read outside the input (0 by default, −∞ for max pooling).
 * @example
 * ```ts
 * const x = randn([1, 3, 8, 8], { requiresGrad: true });
 * unfold(x, { kernel: 3, padding: 1 }).shape; // [1, 27, 64]
 * ```
 */
export function unfold(x: Tensor, options: ConvOptions, padValue = 0): Tensor {
  return apply('unfold', [x], { options, padValue });
}

/**
 * col2im (PyTorch's F.fold), the adjoint of unfold: [N, C·kh·kw, L] → [N, C, H, W], summing the
 * values that land on the same position.
 */
export function fold(cols: Tensor, outputSize: readonly [number, number], options: ConvOptions): Tensor {
  return apply('fold', [cols], { outputSize: [outputSize[0], outputSize[1]], options });
}
