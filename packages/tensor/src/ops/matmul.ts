import { getBackend } from '../backend.js';
import { isFloat, promoteTypes } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { broadcastShapes } from '../shape.js';

/**
 * Matrix product with NumPy's semantics: 1-D operands are promoted to a row (left) or a column
 * (right) and that axis is dropped again; operands of rank > 2 are stacks of matrices whose batch
 * dimensions broadcast. Transposed views are multiplied without a copy.
 *
 * @throws ShapeError `matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)`
 * @example
 * ```ts
 * matmul(array([[1, 2], [3, 4]]), array([5, 6])).toArray(); // [17, 39]
 * ```
 */
export function matmul(a: NDArray, b: NDArray): NDArray {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      'matmul',
      `both operands need at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  if (!isFloat(a.dtype) || !isFloat(b.dtype)) {
    throw new DTypeError('matmul', `expected float32 or float64 operands, got ${a.dtype} and ${b.dtype}`);
  }
  const A = a.ndim === 1 ? a.unsqueeze(0) : a;
  const B = b.ndim === 1 ? b.unsqueeze(1) : b;
  const k = A.shape[A.ndim - 1]!;
  const kb = B.shape[B.ndim - 2]!;
  if (k !== kb) {
    throw new ShapeError(
      'matmul',
      `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${k} != ${kb})`,
    );
  }
  const m = A.shape[A.ndim - 2]!,
    n = B.shape[B.ndim - 1]!;
  const batchA = A.shape.slice(0, -2),
    batchB = B.shape.slice(0, -2);
  const batch =
    batchA.length === 0 ? batchB : batchB.length === 0 ? batchA : broadcastBatch(a.shape, b.shape, batchA, batchB);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const backend = getBackend();
  const Ac = A.dtype === dtype ? A : backend.copy(A, dtype);
  const Bc = B.dtype === dtype ? B : backend.copy(B, dtype);
  let out = backend.matmul(Ac.expand([...batch, m, k]), Bc.expand([...batch, k, n]), dtype);
  if (a.ndim === 1) out = out.squeeze(out.ndim - 2);
  if (b.ndim === 1) out = out.squeeze(out.ndim - 1);
  return out;
}

/** Broadcasts the batch dimensions; the error names both full shapes. */
function broadcastBatch(
  sa: readonly number[],
  sb: readonly number[],
  batchA: readonly number[],
  batchB: readonly number[],
): readonly number[] {
  try {
    return broadcastShapes('matmul', batchA, batchB);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    const detail = /\(dimension .*\)$/.exec(e.message)?.[0] ?? '';
    throw new ShapeError(
      'matmul',
      `batch dimensions of shapes ${fmtShape(sa)} and ${fmtShape(sb)} cannot be broadcast ${detail}`.trimEnd(),
    );
  }
}
