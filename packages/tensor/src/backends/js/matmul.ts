import type { Backend } from '../../backend.js';
import { type DType, type FloatArray, allocate } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import { forEachRow } from './rows.js';
import { gemm } from './gemm.js';

/** Batched matmul: one gemm per batch element, strides passed through (no copies of transposed views). */
export function matmul(a: NDArray, b: NDArray, outDtype: DType, into?: NDArray): NDArray {
  const nd = a.ndim;
  const m = a.shape[nd - 2]!,
    k = a.shape[nd - 1]!,
    n = b.shape[nd - 1]!;
  const batchShape = a.shape.slice(0, nd - 2);
  const batch = batchShape.reduce((p, d) => p * d, 1);
  const out = into ?? new NDArray(allocate(outDtype, batch * m * n, 'matmul'), [...batchShape, m, n]);
  if (batch === 0 || m === 0 || n === 0) return out;
  const c = out.data as FloatArray;
  const ad = a.data as FloatArray,
    bd = b.data as FloatArray;
  const aRs = a.strides[nd - 2]!,
    aCs = a.strides[nd - 1]!,
    bRs = b.strides[nd - 2]!,
    bCs = b.strides[nd - 1]!;
  // Iterate batch indices as "rows" of a shape whose last dim is a dummy 1.
  const iterShape = [...batchShape, 1];
  const views = [
    { strides: [...a.strides.slice(0, nd - 2), 0], offset: a.offset },
    { strides: [...b.strides.slice(0, nd - 2), 0], offset: b.offset },
  ];
  forEachRow(iterShape, views, (bi, offs) => {
    gemm(
      m,
      n,
      k,
      { data: ad, offset: offs[0]!, rowStride: aRs, colStride: aCs },
      { data: bd, offset: offs[1]!, rowStride: bRs, colStride: bCs },
      c,
      out.offset + bi * m * n,
    );
  });
  return out;
}

/** The matrix-product kernel of the reference backend. */
export const matmulFamily = { matmul } satisfies Partial<Backend>;
