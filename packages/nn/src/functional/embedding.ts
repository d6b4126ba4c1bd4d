import * as T from '@chainrule/tensor';
import { type Tensor, eq, indexSelect, reshape, unsqueeze, where } from '@chainrule/autograd';

/**
 * Looks up rows of `weight` [V, D] for int32 indices of any shape; the result is
 * [...indices.shape, D]. Rows looked up at `paddingIdx` keep their values but send no gradient to
 * that row of the weight (as PyTorch's padding_idx).
 */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx: number | null = null): Tensor {
  if (indices.dtype !== 'int32') throw new T.DTypeError('embedding', `indices must be int32, got ${indices.dtype}`);
  if (weight.ndim !== 2)
    throw new T.ShapeError('embedding', `weight must be [numEmbeddings, dim], got ${T.fmtShape(weight.shape)}`);
  const flat = reshape(indices, [-1]);
  T.hostCheck('embedding', checkIndices, flat.value, weight.shape[0]!); // a compiled step checks each batch too
  let rows = indexSelect(weight, 0, flat);
  // d rows / d weight = 0 at the padding positions: the same values, but taken from a detached copy there
  if (paddingIdx !== null) rows = where(unsqueeze(eq(flat, paddingIdx), 1), rows.detach(), rows);
  return reshape(rows, [...indices.shape, weight.shape[1]!]);
}

/** Throws a RangeError unless every index lies in [0, n). */
function checkIndices(indices: T.NDArray, n: number): void {
  const iv = indices.contiguous();
  for (let i = 0; i < iv.size; i++) {
    const v = iv.data[iv.offset + i]!;
    if (v < 0 || v >= n) throw new T.RangeError('embedding', `index ${v} is out of range for ${n} embeddings`);
  }
}
