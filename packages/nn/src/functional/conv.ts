/**
 * 1-D and 2-D convolution, built from `unfold` (im2col): conv2d = unfold + (grouped) matmul +
 * reshape; conv1d is conv2d over a height of 1. The gradients come from unfold's rule (fold,
 * col2im) and matmul's, so gradients of gradients work.
 */
import * as T from '@chainrule/tensor';
import type { ConvOptions, Pair } from '@chainrule/tensor';
import { type Tensor, add, concat, full, matmul, reshape, squeeze, unfold, unsqueeze } from '@chainrule/autograd';

/**
 * A convolution's padding: zeros on each side (a number, or an (h, w) pair), `'valid'` (none) or
 * `'same'` (stride 1 only: the output has the input's size; an odd total puts the extra zero on the
 * bottom/right, as PyTorch).
 */
export type ConvPadding = Pair | 'same' | 'valid';

/** Window options of conv2d: stride, padding and dilation, each a number or an (h, w) pair; and groups. */
export interface Conv2dOptions {
  stride?: Pair;
  padding?: ConvPadding;
  dilation?: Pair;
  /** Input and output channels split into this many independent groups (default 1; `inChannels` is depthwise). */
  groups?: number;
}

/** A 1-D size: one number (or PyTorch's one-element tuple). */
export type Single = number | readonly [number];

/** Options of conv1d: stride, padding, dilation (each one number) and groups. */
export interface Conv1dOptions {
  stride?: Single;
  padding?: Single | 'same' | 'valid';
  dilation?: Single;
  groups?: number;
}

/** A 1-D size as a plain number (undefined stays undefined). */
export function single(v: Single | undefined): number | undefined {
  return v === undefined ? undefined : typeof v === 'number' ? v : v[0];
}

/**
 * A 1-D window option as the (h, v) pair of a 2-D window over a height of 1: the height entry is the
 * option's neutral value, which is also its default (`fallback`): 0 for padding, 1 for stride and dilation.
 */
export function widthPair(v: Single | undefined, fallback: number): [number, number] {
  return [fallback === 0 ? 0 : 1, single(v) ?? fallback];
}

/** Refuses an input that is not [N, C, ...] with `spatial` spatial axes, or not float. */
export function checkInput(op: string, x: Tensor, spatial: 1 | 2): void {
  if (x.ndim !== spatial + 2) {
    const want = spatial === 2 ? '[N, C, H, W]' : '[N, C, L]';
    throw new T.ShapeError(op, `expected input ${want}, got ${T.fmtShape(x.shape)}`);
  }
  if (!T.isFloat(x.dtype)) throw new T.DTypeError(op, `expected a float input (float32 or float64), got ${x.dtype}`);
}

/** Checks `groups` is a positive integer (default 1); returns it. */
export function positiveGroups(op: string, groups: number | undefined): number {
  const g = groups ?? 1;
  if (!Number.isInteger(g) || g < 1) throw new T.RangeError(op, `groups must be a positive integer, got ${g}`);
  return g;
}

/** Checks `groups` divides both channel counts; returns it. */
export function checkGroups(op: string, groups: number | undefined, inChannels: number, outChannels: number): number {
  const g = positiveGroups(op, groups);
  if (inChannels % g !== 0 || outChannels % g !== 0) {
    throw new T.RangeError(
      op,
      `groups ${g} must divide both the input channels (${inChannels}) and the output channels (${outChannels})`,
    );
  }
  return g;
}

const pairOf = (v: Pair | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/**
 * The symmetric padding of a window and the extra zeros `'same'` puts after the input (bottom,
 * right) when its total is odd. Refuses `'same'` with a stride other than 1 and unknown strings.
 */
export function resolvePadding(
  op: string,
  padding: ConvPadding | undefined,
  kernel: readonly [number, number],
  stride: Pair | undefined,
  dilation: Pair | undefined,
): { padding: Pair | undefined; extra: [number, number] } {
  if (padding === 'valid') return { padding: 0, extra: [0, 0] };
  if (padding !== 'same') {
    if (typeof padding === 'string') {
      throw new T.RangeError(op, `padding must be a number, a pair, 'same' or 'valid', got ${JSON.stringify(padding)}`);
    }
    return { padding, extra: [0, 0] };
  }
  const s = pairOf(stride, 1);
  if (s[0] !== 1 || s[1] !== 1) {
    throw new T.RangeError(op, `padding 'same' needs stride 1 (as PyTorch), got stride ${JSON.stringify(stride)}`);
  }
  const d = pairOf(dilation, 1);
  const total = [d[0] * (kernel[0] - 1), d[1] * (kernel[1] - 1)];
  const left: [number, number] = [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2)];
  return { padding: left, extra: [total[0]! - 2 * left[0], total[1]! - 2 * left[1]] };
}

/** x [N, C, H, W] with `extra` rows at the bottom and columns at the right, filled with `value`. */
export function padAfter(x: Tensor, extra: readonly [number, number], value = 0): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  let y = x;
  if (extra[0] > 0) y = concat([y, full([n, c, extra[0], w], value, { dtype: x.dtype })], 2);
  if (extra[1] > 0) y = concat([y, full([n, c, h + extra[0], extra[1]], value, { dtype: x.dtype })], 3);
  return y;
}

function conv2dImpl(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): Tensor {
  const c = x.shape[1]!;
  const o = weight.shape[0]!;
  const groups = positiveGroups(op, options.groups); // the channels are checked below
  if (c % groups !== 0) {
    throw new T.ShapeError(
      op,
      `input ${T.fmtShape(x.shape)} has ${c} channels, which groups ${groups} does not divide`,
    );
  }
  if (weight.ndim !== 4 || weight.shape[1]! * groups !== c || o % groups !== 0) {
    throw new T.ShapeError(
      op,
      `weight ${T.fmtShape(weight.shape)} does not fit input ${T.fmtShape(x.shape)} ` +
        `(expected [outChannels, ${c / groups}, kh, kw]${groups === 1 ? '' : ` with groups ${groups}`})`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new T.ShapeError(op, `bias ${T.fmtShape(bias.shape)} does not fit ${o} output channels`);
  }
  const [, cg, kh, kw] = weight.shape as [number, number, number, number];
  const pad = resolvePadding(op, options.padding, [kh, kw], options.stride, options.dilation);
  const window: ConvOptions = {
    kernel: [kh, kw],
    stride: options.stride,
    padding: pad.padding,
    dilation: options.dilation,
  };
  const g = T.convGeometry(op, x.shape[2]! + pad.extra[0], x.shape[3]! + pad.extra[1], window);
  const n = x.shape[0]!;
  const L = g.output[0] * g.output[1];
  // [N, C·kh·kw, L], channel-major so each group's rows are contiguous
  const cols = unfold(pad.extra[0] + pad.extra[1] > 0 ? padAfter(x, pad.extra) : x, window);
  const out =
    groups === 1
      ? matmul(reshape(weight, [o, cg * kh * kw]), cols) // [N, O, L]
      : matmul(reshape(weight, [groups, o / groups, cg * kh * kw]), reshape(cols, [n, groups, cg * kh * kw, L]));
  const y = reshape(out, [n, o, g.output[0], g.output[1]]);
  return bias === null ? y : add(y, reshape(bias, [1, o, 1, 1]));
}

/**
 * 2-D cross-correlation (what deep learning calls convolution): x [N, C, H, W], weight
 * [O, C/groups, kh, kw], bias [O] → [N, O, outH, outW]. With `groups` g, input channels
 * [i·C/g, (i+1)·C/g) feed only output channels [i·O/g, (i+1)·O/g); g = C is a depthwise conv.
 * @example
 * ```ts
 * import { conv2d } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * conv2d(randn([2, 3, 8, 8]), randn([4, 3, 3, 3]), null, { padding: 1 }).shape; // [2, 4, 8, 8]
 * conv2d(randn([2, 4, 8, 8]), randn([4, 1, 3, 3]), null, { groups: 4 }).shape; // [2, 4, 6, 6] (depthwise)
 * conv2d(randn([1, 3, 7, 7]), randn([2, 3, 4, 4]), null, { padding: 'same' }).shape; // [1, 2, 7, 7]
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  checkInput('conv2d', x, 2);
  return conv2dImpl('conv2d', x, weight, bias, options);
}

/**
 * 1-D cross-correlation: x [N, C, L], weight [O, C/groups, k], bias [O] → [N, O, outL], with
 * outL = ⌊(L + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1.
 * @example
 * ```ts
 * import { conv1d } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * conv1d(randn([2, 3, 10]), randn([5, 3, 3]), null, { stride: 2 }).shape; // [2, 5, 4]
 * ```
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  checkInput('conv1d', x, 1);
  if (weight.ndim !== 3) {
    throw new T.ShapeError(
      'conv1d',
      `expected weight [outChannels, inChannels/groups, k], got ${T.fmtShape(weight.shape)}`,
    );
  }
  const out = conv2dImpl('conv1d', unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
    stride: widthPair(options.stride, 1),
    padding: typeof options.padding === 'string' ? options.padding : widthPair(options.padding, 0),
    dilation: widthPair(options.dilation, 1),
    groups: options.groups,
  });
  return squeeze(out, 2);
}
