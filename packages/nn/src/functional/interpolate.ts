/**
 * Resizing (PyTorch's `F.interpolate`): 'nearest' picks one source position per output position
 * along each spatial axis (`indexSelect`, so the gradient scatter-adds); 'linear' and 'bilinear'
 * are matmuls with constant interpolation matrices, one per axis (bilinear is separable). All use
 * PyTorch's source-index formulas, so the results match it; all are differentiable to any order.
 */
import * as T from '@chainrule/tensor';
import { type DType, RangeError, ShapeError, fmtShape } from '@chainrule/tensor';
import { Tensor, indexSelect, matmul, mT } from '@chainrule/autograd';
import { checkOptions } from '../layers/options.js';

/** The resizing modes. */
export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

/** Options of `interpolate`: exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** The output's spatial size: one number for every axis, or one per spatial axis. */
  size?: number | readonly number[];
  /** The output size is ⌊in·scaleFactor⌋: one number for every axis, or one per spatial axis. */
  scaleFactor?: number | readonly number[];
  /** 'nearest' (default), 'linear' ([N, C, L] input only) or 'bilinear' ([N, C, H, W] only). */
  mode?: InterpolateMode;
  /** Bilinear only: map the corner pixels' centers onto each other (default false, as PyTorch). */
  alignCorners?: boolean;
}

const OPTION_KEYS = ['size', 'scaleFactor', 'mode', 'alignCorners'];

interface Axis {
  size: number;
  out: number;
  /** The scale factor given by the caller, if any (PyTorch uses it rather than in/out). */
  factor: number | undefined;
}

function perAxis(op: string, name: string, v: number | readonly number[], n: number): number[] {
  const list = typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (list.length !== n) {
    throw new ShapeError(op, `${name} has ${list.length} entries but the input has ${n} spatial axes`);
  }
  return list;
}

/**
 * Checks options that need no input: the keys, the mode, exactly one of size and scaleFactor, and
 * their values (positive integers, positive factors). Returns the mode.
 */
export function checkInterpolateOptions(op: string, options: InterpolateOptions): InterpolateMode {
  checkOptions(op, options, OPTION_KEYS);
  const mode = options.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear') {
    throw new RangeError(op, `mode must be 'nearest', 'linear' or 'bilinear', got ${JSON.stringify(mode)}`);
  }
  if (options.alignCorners !== undefined && mode === 'nearest') {
    throw new RangeError(op, "alignCorners applies to the modes 'linear' and 'bilinear' only (as in PyTorch)");
  }
  if ((options.size === undefined) === (options.scaleFactor === undefined)) {
    throw new RangeError(op, 'give exactly one of size and scaleFactor');
  }
  const list = (v: number | readonly number[]) => (typeof v === 'number' ? [v] : [...v]);
  for (const f of list(options.scaleFactor ?? [])) {
    if (!(f > 0) || !Number.isFinite(f)) throw new RangeError(op, `scaleFactor must be positive, got ${f}`);
  }
  for (const v of list(options.size ?? [])) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(op, `size must be positive integers, got ${v}`);
  }
  return mode;
}

function resolve(op: string, x: Tensor, options: InterpolateOptions): { axes: Axis[]; mode: InterpolateMode } {
  const mode = checkInterpolateOptions(op, options);
  const spatialOk =
    mode === 'bilinear' ? x.ndim === 4 : mode === 'linear' ? x.ndim === 3 : x.ndim === 3 || x.ndim === 4;
  if (!spatialOk) {
    const want = mode === 'bilinear' ? '[N, C, H, W]' : mode === 'linear' ? '[N, C, L]' : '[N, C, L] or [N, C, H, W]';
    throw new ShapeError(op, `mode '${mode}' expects input ${want}, got ${fmtShape(x.shape)}`);
  }
  if (!T.isFloat(x.dtype)) throw new T.DTypeError(op, `expected a float input (float32 or float64), got ${x.dtype}`);
  const sizes = x.shape.slice(2);
  const n = sizes.length;
  const factors = options.scaleFactor === undefined ? undefined : perAxis(op, 'scaleFactor', options.scaleFactor, n);
  const outs =
    options.size !== undefined
      ? perAxis(op, 'size', options.size, n)
      : sizes.map((s, a) => Math.floor(s * factors![a]!));
  if (outs.some((o) => o < 1)) {
    throw new ShapeError(op, `input ${fmtShape(x.shape)} scaled by ${JSON.stringify(options.scaleFactor)} is empty`);
  }
  return { axes: sizes.map((size, a) => ({ size, out: outs[a]!, factor: factors?.[a] })), mode };
}

/** PyTorch's nearest source index: ⌊dst·scale⌋ in float32 arithmetic, scale = 1/factor or in/out. */
function nearestIndex({ size, out, factor }: Axis): Tensor {
  const idx = new Int32Array(out);
  const scale = Math.fround(factor !== undefined ? 1 / factor : size / out);
  for (let o = 0; o < out; o++) {
    // PyTorch's shortcuts first: the same size is the identity, twice the size halves the index
    if (out === size) idx[o] = o;
    else if (out === 2 * size) idx[o] = o >> 1;
    else idx[o] = Math.min(Math.floor(Math.fround(o * scale)), size - 1);
  }
  return new Tensor(T.fromTypedArray(idx));
}

/** The [out, size] matrix of linear-interpolation weights along one axis (PyTorch's area_pixel source index). */
function linearMatrix({ size, out, factor }: Axis, alignCorners: boolean, dtype: DType): Tensor {
  const m = T.zeros([out, size], dtype);
  const d = m.data as Float64Array | Float32Array;
  const f32 = dtype === 'float32' ? Math.fround : (v: number) => v;
  const scale = alignCorners
    ? out > 1
      ? f32((size - 1) / (out - 1))
      : 0
    : f32(factor !== undefined ? 1 / factor : size / out);
  for (let o = 0; o < out; o++) {
    if (out === size) {
      d[o * size + o] = 1;
      continue;
    }
    const src = alignCorners ? f32(scale * o) : Math.max(f32(f32(scale * f32(o + 0.5)) - 0.5), 0);
    const i0 = Math.floor(src);
    const step = i0 < size - 1 ? 1 : 0;
    const l1 = Math.min(Math.max(f32(src - i0), 0), 1);
    d[o * size + i0] = (d[o * size + i0] as number) + f32(1 - l1);
    d[o * size + i0 + step] = (d[o * size + i0 + step] as number) + l1;
  }
  return new Tensor(m);
}

/**
 * Resizes the spatial axes of x ([N, C, L] or [N, C, H, W] for 'nearest', [N, C, L] for 'linear',
 * [N, C, H, W] for 'bilinear') to `size`, or by `scaleFactor`.
 * @example
 * ```ts
 * import { interpolate } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * const x = tensor([[[[1, 2], [3, 4]]]]);
 * interpolate(x, { scaleFactor: 2 }).toArray();
 * // [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]
 * interpolate(x, { size: 3, mode: 'bilinear', alignCorners: true }).toArray();
 * // [[[[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]]]
 * ```
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const { axes, mode } = resolve('interpolate', x, options);
  const first = x.ndim - axes.length;
  if (mode === 'nearest') {
    let y = x;
    axes.forEach((a, i) => {
      if (a.out !== a.size) y = indexSelect(y, first + i, nearestIndex(a));
    });
    return y;
  }
  const align = options.alignCorners ?? false;
  if (mode === 'linear') return matmul(x, mT(linearMatrix(axes[0]!, align, x.dtype))); // [N, C, outL]
  const [ah, aw] = axes as [Axis, Axis];
  const rows = matmul(x, mT(linearMatrix(aw, align, x.dtype))); // [N, C, H, outW]
  return matmul(linearMatrix(ah, align, x.dtype), rows); // [N, C, outH, outW]
}
