/**
 * The fused fully connected op of the rule table, y = x·Wᵀ + b (PyTorch's F.linear / addmm):
 * one recorded node instead of permute, matmul, expand and add. Inputs [x, W] or [x, W, b] with
 * x [..., in], W [out, in], b [out], all of one float dtype (F.linear checks and casts).
 */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';

/** The number of rows of x with its leading dimensions flattened (1 for a 1-D x). */
export function leadingSize(shape: readonly number[]): number {
  let m = 1;
  for (let i = 0; i < shape.length - 1; i++) m *= shape[i]!;
  return m;
}

/**
 * y = x·Wᵀ + b: one matrix product on W's transposed view (the gemm packs it, no copy), leading
 * dimensions of x flattened into rows, and b added into the fresh result in place. Each element is
 * rounded exactly as matmul followed by add rounds it.
 */
export function linearForward(inputs: readonly NDArray[]): NDArray {
  const x = inputs[0]!,
    w = inputs[1]!,
    b = inputs[2];
  const nIn = w.shape[1]!,
    nOut = w.shape[0]!;
  const flat = x.ndim > 2;
  const rows = flat ? x.reshape([leadingSize(x.shape), nIn]) : x;
  const y = T.matmul(rows, w.transpose());
  if (b !== undefined && y.size > 0) T.getBackend().binary('add', y, b.expand(y.shape), y.dtype, y);
  return flat ? y.reshape([...x.shape.slice(0, -1), nOut]) : y;
}
