/** Picking elements by index (gather, indexSelect) and its adjoint, scatterAdd. */
import * as T from '@chainrule/tensor';
import type { DType } from '@chainrule/tensor';
import { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { op, records } from '../records.js';

export const INDEXING_OPS = records({
  // d gather = scatter-add the gradient back to the picked positions
  gather: op<{ axis: number }>({
    infer: ([x, index]) => ({ shape: index!.shape, dtype: x!.dtype }),
    forward: (inputs, p) => T.gather(inputs[0]!, p.axis, inputs[1]!),
    uses: 'inputs',
    vjp: (g, { inputs: [x, index], params: p }) => [scatterAdd([...x!.shape], p.axis, index!, g), null],
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
});

/** torch.gather along `axis` with an int32 index tensor: out[i][j] = x[i][index[i][j]] for axis 1. */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  return apply(INDEXING_OPS.gather, [x, index], { axis: T.normalizeAxis('gather', axis, x.ndim) });
}
/** Zeros of `shape` with `src` added at `index` along `axis` (gather's adjoint). */
export function scatterAdd(shape: readonly number[], axis: number, index: Tensor, src: Tensor): Tensor {
  return apply(INDEXING_OPS.scatterAdd, [index, src], {
    shape: [...shape],
    axis: T.normalizeAxis('scatterAdd', axis, shape.length),
  });
}
/**
 * Whole slices along `axis` picked by a 1-D (or 0-d: one position) int32 index (embedding lookup),
 * as the tensor package's; the gradient scatter-adds.
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  const ax = T.normalizeAxis('indexSelect', axis, x.ndim);
  if (index.ndim > 1) throw new T.ShapeError('indexSelect', `index must be 1-D, got shape ${T.fmtShape(index.shape)}`);
  if (index.dtype !== 'int32') throw new T.DTypeError('indexSelect', `index must be int32, got ${index.dtype}`);
  const n = x.shape[ax]!;
  const iv = index.value.contiguous();
  for (let i = 0; i < iv.size; i++) {
    const v = iv.data[iv.offset + i]!;
    if (v < 0 || v >= n)
      throw new T.RangeError(
        'indexSelect',
        `index ${v} is out of range for axis ${ax} of size ${n} (at flat position ${i} of the index)`,
      );
  }
  const shape = x.shape.map((d, i) => (i === ax ? index.size : d));
  const idxShape = x.shape.map((_, i) => (i === ax ? index.size : 1));
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

/** The method forms of this family's functions. */
export const INDEXING_METHODS = { gather, indexSelect };
