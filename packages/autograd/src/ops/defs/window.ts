/**
 * Sliding windows for convolution and pooling: `unfold` (im2col) and its adjoint `fold`
 * (col2im), each the other's derivative rule, so gradients of any order work.
 */
import * as T from '@chainrule/tensor';
import type { ConvOptions } from '@chainrule/tensor';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { op, records } from '../records.js';

type UnfoldParams = { options: ConvOptions; padValue: number };
type FoldParams = { outputSize: [number, number]; options: ConvOptions };

export const WINDOW_OPS = records({
  // d unfold = fold: each column entry's gradient goes back to the input position it was read from
  unfold: op<UnfoldParams>({
    infer: ([x], p) => {
      const g = T.convGeometry('unfold', x!.shape[2]!, x!.shape[3]!, p.options);
      return {
        shape: [x!.shape[0]!, x!.shape[1]! * g.kernel[0] * g.kernel[1], g.output[0] * g.output[1]],
        dtype: x!.dtype,
      };
    },
    forward: (inputs, p) => T.im2col(inputs[0]!, p.options, p.padValue),
    uses: 'none',
    vjp: (g, { inputs: [x], params: p }) => [fold(g, [x!.shape[2]!, x!.shape[3]!], p.options)],
    formula: {
      kind: 'vjp',
      show: (c) => `unfold(${c.inputs[0]})`,
      vjp: (c) => [`fold(G): each window entry added back to the position of ${c.inputs[0]} it was read from`],
    },
  }),
  // d fold = unfold (zero padding): each column entry reads the gradient of the position it was added to
  fold: op<FoldParams>({
    infer: ([cols], p) => {
      const [kh, kw] = T.convGeometry('fold', p.outputSize[0], p.outputSize[1], p.options).kernel;
      return {
        shape: [cols!.shape[0]!, cols!.shape[1]! / (kh * kw), p.outputSize[0], p.outputSize[1]],
        dtype: cols!.dtype,
      };
    },
    forward: (inputs, p) => T.col2im(inputs[0]!, p.outputSize, p.options),
    uses: 'none',
    vjp: (g, { params: p }) => [unfold(g, p.options, 0)],
    formula: {
      kind: 'vjp',
      show: (c) => `fold(${c.inputs[0]}, ${T.fmtShape(c.params.outputSize)})`,
      vjp: () => ['unfold(G): each column entry reads the gradient of the position it was added to'],
    },
  }),
});

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
  return apply(WINDOW_OPS.unfold, [x], { options, padValue });
}

/**
 * col2im (PyTorch's F.fold), the adjoint of unfold: [N, C·kh·kw, L] → [N, C, H, W], summing the
 * values that land on the same position.
 */
export function fold(cols: Tensor, outputSize: readonly [number, number], options: ConvOptions): Tensor {
  return apply(WINDOW_OPS.fold, [cols], { outputSize: [outputSize[0], outputSize[1]], options });
}
