/**
 * Transposed convolution (the gradient of conv2d with respect to its input, PyTorch's
 * `conv_transpose2d`): a (grouped) matmul that spreads each input pixel over a kernel-sized patch,
 * then `fold` (col2im) that adds the patches into the output. Differentiable to any order through
 * matmul's and fold's rules.
 */
import * as T from '@chainrule/tensor';
import type { ConvOptions, Pair } from '@chainrule/tensor';
import { type Tensor, add, concat, fold, mT, matmul, reshape, squeeze, unsqueeze, zeros } from '@chainrule/autograd';
import { type Single, checkInput, positiveGroups, widthPair } from './conv.js';

/** Options of convTranspose2d, each a number or an (h, w) pair (groups one number). */
export interface ConvTranspose2dOptions {
  stride?: Pair;
  padding?: Pair;
  /** Extra rows and columns on the bottom and right of the output (default 0; below stride or dilation). */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** Options of convTranspose1d. */
export interface ConvTranspose1dOptions {
  stride?: Single;
  padding?: Single;
  outputPadding?: Single;
  dilation?: Single;
  groups?: number;
}

const toPair = (v: Pair | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/**
 * The output size of a transposed convolution along one axis:
 * (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
 */
export function convTransposeOutputSize(
  input: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
  outputPadding: number,
): number {
  return (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

function convTranspose2dImpl(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: ConvTranspose2dOptions,
): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const groups = positiveGroups(op, options.groups); // the channels are checked below
  if (c % groups !== 0) {
    throw new T.ShapeError(
      op,
      `input ${T.fmtShape(x.shape)} has ${c} channels, which groups ${groups} does not divide`,
    );
  }
  if (weight.ndim !== 4 || weight.shape[0] !== c) {
    throw new T.ShapeError(
      op,
      `weight ${T.fmtShape(weight.shape)} does not fit input ${T.fmtShape(x.shape)} ` +
        `(expected [${c}, outChannels/groups, kh, kw])`,
    );
  }
  const [, og, kh, kw] = weight.shape as [number, number, number, number];
  const o = og * groups;
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new T.ShapeError(op, `bias ${T.fmtShape(bias.shape)} does not fit ${o} output channels`);
  }
  const window: ConvOptions = {
    kernel: [kh, kw],
    stride: options.stride,
    padding: options.padding,
    dilation: options.dilation,
  };
  const g = T.convGeometry(op, Infinity, Infinity, window); // checks the window options
  const outPad = toPair(options.outputPadding, 0);
  const size: [number, number] = [0, 0];
  for (const a of [0, 1] as const) {
    const p = outPad[a];
    if (!Number.isInteger(p) || p < 0 || (p >= g.stride[a] && p >= g.dilation[a])) {
      throw new T.RangeError(
        op,
        `outputPadding ${JSON.stringify(options.outputPadding)} must be a non-negative integer smaller than ` +
          `the stride or the dilation (stride ${g.stride.join('x')}, dilation ${g.dilation.join('x')})`,
      );
    }
    const input = a === 0 ? h : w;
    size[a] = convTransposeOutputSize(input, g.kernel[a], g.stride[a], g.padding[a], g.dilation[a], p);
  }
  if (size[0] < 1 || size[1] < 1) {
    throw new T.ShapeError(op, `input ${T.fmtShape(x.shape)} gives an empty output ${size[0]}x${size[1]}`);
  }
  // fold reads an input of ⌊((in − 1)·stride + outputPadding)/stride⌋ + 1 positions: when the output
  // padding reaches a whole stride (it may, below the dilation), zero rows/columns stand for the extra ones
  let xs = x;
  const extraH = Math.floor(outPad[0] / g.stride[0]),
    extraW = Math.floor(outPad[1] / g.stride[1]);
  if (extraH > 0) xs = concat([xs, zeros([n, c, extraH, w], { dtype: x.dtype })], 2);
  if (extraW > 0) xs = concat([xs, zeros([n, c, h + extraH, extraW], { dtype: x.dtype })], 3);
  const hw = (h + extraH) * (w + extraW);
  const k = kh * kw;
  const cols =
    groups === 1
      ? matmul(mT(reshape(weight, [c, og * k])), reshape(xs, [n, c, hw])) // [N, O·k, hw]
      : reshape(matmul(mT(reshape(weight, [groups, c / groups, og * k])), reshape(xs, [n, groups, c / groups, hw])), [
          n,
          o * k,
          hw,
        ]);
  const y = fold(cols, size, window);
  return bias === null ? y : add(y, reshape(bias, [1, o, 1, 1]));
}

/**
 * 2-D transposed convolution: x [N, Cin, H, W], weight [Cin, Cout/groups, kh, kw] (PyTorch's
 * layout), bias [Cout] → [N, Cout, H', W'] with H' = (H − 1)·stride − 2·padding + dilation·(kh − 1)
 * + outputPadding + 1. It is the adjoint of conv2d with the same weight and window: it upsamples.
 * @example
 * ```ts
 * import { convTranspose2d } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * convTranspose2d(randn([1, 4, 5, 5]), randn([4, 2, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }).shape;
 * // [1, 2, 10, 10]
 * ```
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: ConvTranspose2dOptions = {},
): Tensor {
  checkInput('convTranspose2d', x, 2);
  return convTranspose2dImpl('convTranspose2d', x, weight, bias, options);
}

/**
 * 1-D transposed convolution: x [N, Cin, L], weight [Cin, Cout/groups, k], bias [Cout] →
 * [N, Cout, (L − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1].
 * @example
 * ```ts
 * import { convTranspose1d } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * convTranspose1d(randn([2, 3, 4]), randn([3, 5, 2]), null, { stride: 2 }).shape; // [2, 5, 8]
 * ```
 */
export function convTranspose1d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: ConvTranspose1dOptions = {},
): Tensor {
  checkInput('convTranspose1d', x, 1);
  if (weight.ndim !== 3) {
    throw new T.ShapeError(
      'convTranspose1d',
      `expected weight [inChannels, outChannels/groups, k], got ${T.fmtShape(weight.shape)}`,
    );
  }
  const out = convTranspose2dImpl('convTranspose1d', unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
    stride: widthPair(options.stride, 1),
    padding: widthPair(options.padding, 0),
    outputPadding: widthPair(options.outputPadding, 0),
    dilation: widthPair(options.dilation, 1),
    groups: options.groups,
  });
  return squeeze(out, 2);
}
