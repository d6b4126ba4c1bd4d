/**
 * Picking elements by index (gather, indexSelect) and writing them (scatter, scatterReduce,
 * scatterAdd): PyTorch's torch.gather and torch.scatter family, as records.
 */
import * as T from '@chainrule/tensor';
import type { DType, ScatterReduce } from '@chainrule/tensor';
import { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { type TensorLike, checkOperand } from '../operands.js';
import { op, records } from '../records.js';
import { writeInPlace } from '../write-in-place.js';
import { eq } from './binary.js';
import { cast } from './cast.js';
import { slice } from './shape.js';

type ScatterParams = { axis: number; reduce: ScatterReduce; includeSelf: boolean };
const howText = (p: ScatterParams): string =>
  p.reduce === 'none' ? '' : `, reduce ${p.reduce}${p.includeSelf ? '' : ', excluding self'}`;

export const INDEXING_OPS = records({
  // d gather = scatter-add the gradient back to the picked positions
  gather: op<{ axis: number }>({
    infer: ([x, index]) => ({ shape: index!.shape, dtype: x!.dtype }),
    forward: (inputs, p) => T.gather(inputs[0]!, p.axis, inputs[1]!),
    uses: 'inputs',
    vjp: (g, { inputs: [x, index], params: p }) => [scatterAddInto([...x!.shape], p.axis, index!, g), null],
    formula: {
      kind: 'vjp',
      show: (c) => `gather(${c.inputs[0]}, axis ${c.params.axis}, ${c.inputs[1]})`,
      vjp: (c) => [`G scatter-added into zeros of ${T.fmtShape(c.inputShapes[0]!)} at ${c.inputs[1]}`, null],
    },
  }),
  // d scatterAdd = gather the gradient from the same positions
  scatterAdd: op<{ shape: number[]; axis: number }>({
    infer: ([, src], p) => ({ shape: p.shape, dtype: src!.dtype }),
    forward: (inputs, p) => T.scatterAdd(p.shape, p.axis, inputs[0]!, inputs[1]!),
    uses: 'inputs',
    vjp: (g, { inputs: [index], params: p }) => [null, gather(g, p.axis, index!)],
    formula: {
      kind: 'vjp',
      show: (c) => `scatterAdd(${T.fmtShape(c.params.shape)}, axis ${c.params.axis}, ${c.inputs[0]}, ${c.inputs[1]})`,
      vjp: (c) => [null, `G gathered at ${c.inputs[0]} along axis ${c.params.axis}`],
    },
  }),
  // d scatter: x gets G where nothing (or, with includeSelf, a sum) landed, scaled by 1/n (mean) or
  // shared among the ties with the result (amax, amin); src gets G gathered at index, likewise scaled
  scatter: op<ScatterParams>({
    infer: ([x]) => x!,
    forward: ([x, index, src], p) => T.scatter(x!, p.axis, index!, src!, p.reduce, p.includeSelf),
    uses: 'both',
    vjp: (g, { inputs: [x, index, src], output, params: p }) => scatterVjp(g, x!, index!, src!, output, p),
    formula: {
      kind: 'vjp',
      show: (c) => `scatter(${c.inputs[0]}, axis ${c.params.axis}, ${c.inputs[1]}, ${c.inputs[2]}${howText(c.params)})`,
      vjp: (c) => {
        const p = c.params;
        const scale = p.reduce === 'mean' ? ' / n' : p.reduce === 'amax' || p.reduce === 'amin' ? ' / ties' : '';
        const self =
          p.reduce === 'none' || !p.includeSelf
            ? `G${scale} zeroed where ${c.inputs[1]} wrote`
            : `G${scale}${scale === ' / ties' ? ' where x is the result' : ''}`;
        return [self, null, `(G${scale}) gathered at ${c.inputs[1]} along axis ${p.axis}`];
      },
    },
  }),
});

/** The scatter record's rule, as torch's scatter_reduce_backward (the masks and counts are constants). */
function scatterVjp(
  g: Tensor,
  x: Tensor,
  index: Tensor,
  src: Tensor,
  output: Tensor,
  p: ScatterParams,
): (Tensor | null)[] {
  const { axis, reduce } = p;
  let gx = g,
    gs: Tensor;
  if (reduce === 'none' || reduce === 'sum') gs = gather(g, axis, index);
  else if (reduce === 'mean') {
    const ones = new Tensor(T.ones(index.shape, g.dtype));
    const n = scatterAddInto([...x.shape], axis, index, ones).add(p.includeSelf ? 1 : 0);
    gx = g.div(n.add(eq(n, 0)));
    gs = gather(gx, axis, index);
  } else {
    const result = output.detach();
    const selfIs = cast(eq(x.detach(), result), g.dtype);
    const srcIs = cast(eq(src.detach(), gather(result, axis, index)), g.dtype);
    const share = g.div(selfIs.add(scatterAddInto([...x.shape], axis, index, srcIs)));
    gx = share.mul(selfIs);
    gs = gather(share, axis, index).mul(srcIs);
  }
  if (reduce === 'none' || !p.includeSelf) gx = zeroAt(gx, axis, index);
  return [gx, null, gs];
}

/** g with the positions `index` writes along `axis` set to 0 (differentiable in g). */
function zeroAt(g: Tensor, axis: number, index: Tensor): Tensor {
  const zeros = new Tensor(T.zeros(index.shape, g.dtype));
  return apply(INDEXING_OPS.scatter, [g, index, zeros], { axis, reduce: 'none', includeSelf: true });
}

/** Zeros of `shape` with `src` added at `index` along `axis` (gather's adjoint). */
function scatterAddInto(shape: readonly number[], axis: number, index: Tensor, src: Tensor): Tensor {
  return apply(INDEXING_OPS.scatterAdd, [index, src], {
    shape: [...shape],
    axis: T.normalizeAxis('scatterAdd', axis, shape.length),
  });
}

/**
 * torch.gather along `axis` with an int32 index tensor: out[i][j] = x[i][index[i][j]] for axis 1.
 * @example
 * ```ts
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1], [0]], { dtype: 'int32' })).toArray(); // [[2], [3]]
 * ```
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  return apply(INDEXING_OPS.gather, [x, index], { axis: T.normalizeAxis('gather', axis, x.ndim) });
}

/** Options of `scatter`: PyTorch's `scatter_reduce` reduction, and whether x's value takes part in it. */
export interface ScatterOptions {
  /** `'sum' | 'mean' | 'amax' | 'amin'`; left out, src's values replace x's (torch.scatter). */
  readonly reduce?: Exclude<ScatterReduce, 'none'>;
  /** Whether x's own value takes part in the reduction (default true, as PyTorch). */
  readonly includeSelf?: boolean;
}

const SCATTER_KEYS = ['reduce', 'includeSelf'];

/**
 * torch.scatter and torch.scatter_reduce, out of place: a copy of `x` where src[i][j] lands at
 * x[i][index[i][j]] (axis 1; likewise for any axis). Without `reduce` src replaces x's value (where
 * two land on one position, the last wins); with it they are combined by `'sum'`, `'mean'`,
 * `'amax'` or `'amin'`, x's value included unless `includeSelf` is false. `index` is int32 of x's
 * rank, no larger than x on the other axes and than src on any; `src` is a tensor of x's dtype
 * (only its index-shaped corner is read) or a number. Differentiable in x and src; with amax and
 * amin the gradient is shared evenly among the values equal to the result (PyTorch's rule).
 * @example
 * ```ts
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * const i = tensor([0, 0, 2], { dtype: 'int32' });
 * scatter(x, 0, i, tensor([5, 7, 1]), { reduce: 'amax' }).toArray(); // [7, 2, 3]
 * ```
 */
export function scatter(x: Tensor, axis: number, index: Tensor, src: TensorLike, options: ScatterOptions = {}): Tensor {
  return scatterAs('scatter', x, axis, index, src, options);
}
/** `scatter`, its errors naming `op` (scatterAdd, scatterInPlace, ...). */
function scatterAs(
  op: string,
  x: Tensor,
  axis: number,
  index: Tensor,
  src: TensorLike,
  options: ScatterOptions,
): Tensor {
  checkOperand(op, x, 'x', false);
  checkOperand(op, index, 'the index', false);
  checkOperand(op, src, 'src');
  for (const key of Object.keys(options)) {
    if (!SCATTER_KEYS.includes(key))
      throw new T.RangeError(op, `unknown option '${key}' (known: ${SCATTER_KEYS.join(', ')})`);
  }
  const reduce = options.reduce ?? 'none';
  if (!['sum', 'mean', 'amax', 'amin', 'none'].includes(reduce))
    throw new T.RangeError(op, `reduce must be 'sum', 'mean', 'amax' or 'amin', got '${String(reduce)}'`);
  const ax = T.normalizeAxis(op, axis, x.ndim);
  if (index.dtype !== 'int32') throw new T.DTypeError(op, `index must be int32, got ${index.dtype}`);
  const s = typeof src === 'number' ? new Tensor(T.full(index.shape, src, x.dtype)) : src;
  if (s.dtype !== x.dtype)
    throw new T.DTypeError(op, `src must have x's dtype ${x.dtype}, got ${s.dtype} (cast it first)`);
  if (s.ndim !== index.ndim || index.shape.some((d, i) => d > s.shape[i]!)) {
    throw new T.ShapeError(
      op,
      `index shape ${T.fmtShape(index.shape)} does not fit src shape ${T.fmtShape(s.shape)} (same rank, no larger)`,
    );
  }
  if (index.ndim !== x.ndim || index.shape.some((d, i) => i !== ax && d > x.shape[i]!)) {
    throw new T.ShapeError(
      op,
      `index shape ${T.fmtShape(index.shape)} does not fit x's shape ${T.fmtShape(x.shape)} on axis ${ax} ` +
        '(same rank, no larger on the other axes)',
    );
  }
  checkRange(op, index, x.shape[ax]!, ax);
  let part = s;
  index.shape.forEach((d, i) => {
    if (d < part.shape[i]!) part = slice(part, i, 0, d);
  });
  return apply(INDEXING_OPS.scatter, [x, index, part], { axis: ax, reduce, includeSelf: options.includeSelf ?? true });
}
/** Every value of the int32 `index` lies in [0, n). */
function checkRange(op: string, index: Tensor, n: number, axis: number): void {
  const iv = index.value.contiguous();
  for (let i = 0; i < iv.size; i++) {
    const v = iv.data[iv.offset + i]!;
    if (v < 0 || v >= n)
      throw new T.RangeError(
        op,
        `index ${v} is out of range for axis ${axis} of size ${n} (at flat position ${i} of the index)`,
      );
  }
}
/**
 * torch.scatter_reduce: `scatter` with a reduction (`'sum' | 'mean' | 'amax' | 'amin'`).
 * @example
 * ```ts
 * const i = tensor([1, 1], { dtype: 'int32' });
 * scatterReduce(zeros([3]), 0, i, tensor([2, 4]), 'mean', { includeSelf: false }).toArray(); // [0, 3, 0]
 * ```
 */
export function scatterReduce(
  x: Tensor,
  axis: number,
  index: Tensor,
  src: TensorLike,
  reduce: Exclude<ScatterReduce, 'none'>,
  options: { readonly includeSelf?: boolean } = {},
): Tensor {
  return scatterAs('scatterReduce', x, axis, index, src, { ...options, reduce });
}
/**
 * torch.scatter_add: a copy of x with src added at `index` along `axis` (duplicates accumulate).
 * @example
 * ```ts
 * scatterAdd(zeros([3]), 0, tensor([0, 0, 2], { dtype: 'int32' }), tensor([1, 2, 3])).toArray(); // [3, 0, 3]
 * ```
 */
export function scatterAdd(x: Tensor, axis: number, index: Tensor, src: TensorLike): Tensor {
  return scatterAs('scatterAdd', x, axis, index, src, { reduce: 'sum' });
}
/**
 * Whole slices along `axis` picked by a 1-D (or 0-d: one position) int32 index (embedding lookup),
 * as the tensor package's; the gradient scatter-adds.
 * @example
 * ```ts
 * indexSelect(tensor([[1, 2], [3, 4]]), 0, tensor([1, 1], { dtype: 'int32' })).toArray(); // [[3, 4], [3, 4]]
 * ```
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  const ax = T.normalizeAxis('indexSelect', axis, x.ndim);
  if (index.ndim > 1) throw new T.ShapeError('indexSelect', `index must be 1-D, got shape ${T.fmtShape(index.shape)}`);
  if (index.dtype !== 'int32') throw new T.DTypeError('indexSelect', `index must be int32, got ${index.dtype}`);
  checkRange('indexSelect', index, x.shape[ax]!, ax);
  const count = index.numel();
  const shape = x.shape.map((d, i) => (i === ax ? count : d));
  const idxShape = x.shape.map((_, i) => (i === ax ? count : 1));
  const full = T.getBackend().copy(index.value.reshape(idxShape).expand(shape), 'int32');
  return gather(x, ax, new Tensor(full));
}
/**
 * One-hot rows for int32 labels (no gradient).
 * @example oneHot(tensor([1], { dtype: 'int32' }), 3).toArray(); // [[0, 1, 0]]
 */
export function oneHot(labels: Tensor, numClasses: number, dtype: DType = 'float32'): Tensor {
  return new Tensor(T.oneHot(labels.value, numClasses, dtype));
}

/**
 * `scatter` in place (`scatter_`, `scatter_reduce_`). Returns x.
 * @example
 * ```ts
 * const x = zeros([3]);
 * x.scatterInPlace(0, tensor([2], { dtype: 'int32' }), 4).toArray(); // [0, 0, 4]
 * ```
 */
export function scatterInPlace(
  x: Tensor,
  axis: number,
  index: Tensor,
  src: TensorLike,
  options: ScatterOptions = {},
): Tensor {
  return writeInPlace('scatterInPlace', x, src, () => scatterAs('scatterInPlace', x, axis, index, src, options));
}

/**
 * `scatterAdd` in place (`scatter_add_`). Returns x.
 * @example
 * ```ts
 * const x = zeros([2]);
 * x.scatterAddInPlace(0, tensor([1, 1], { dtype: 'int32' }), tensor([1, 2])).toArray(); // [0, 3]
 * ```
 */
export function scatterAddInPlace(x: Tensor, axis: number, index: Tensor, src: TensorLike): Tensor {
  return writeInPlace('scatterAddInPlace', x, src, () =>
    scatterAs('scatterAddInPlace', x, axis, index, src, { reduce: 'sum' }),
  );
}

/** The method forms of this family's functions. */
export const INDEXING_METHODS = {
  gather,
  indexSelect,
  scatter,
  scatterReduce,
  scatterAdd,
  scatterInPlace,
  scatterAddInPlace,
};
