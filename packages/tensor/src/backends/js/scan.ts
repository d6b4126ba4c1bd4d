import { type DType, allocate } from '../../dtype.js';
import type { Backend, ScanOp } from '../../backend.js';
import { NDArray } from '../../ndarray.js';

/** log(eᵃ + eᵇ) without overflow, as PyTorch's CPU kernel: max + log1p(exp(min − max)); ±∞ pairs stay. */
function logAddExp(a: number, b: number): number {
  const lo = Math.min(a, b),
    hi = Math.max(a, b);
  if (lo !== hi || Number.isFinite(lo)) return hi + Math.log1p(Math.exp(lo - hi));
  return a; // both +∞ or both −∞ (NaN fails the comparisons above and is returned by Math.min/max)
}

/** The scan's starting value: the empty sum, product, or log-sum-exp. */
const START: Record<ScanOp, number> = { sum: 0, prod: 1, logsumexp: -Infinity };

/**
 * Running reductions along `axis` (backwards when `reverse`): sums, products, or log-sum-exps
 * (the latter one stable pairwise step at a time). Accumulated in float64, each element stored as
 * `outDtype`.
 */
export function scan(op: ScanOp, x: NDArray, axis: number, reverse: boolean, outDtype: DType): NDArray {
  const c = x.contiguous();
  const shape = x.shape;
  let outer = 1,
    inner = 1;
  for (let k = 0; k < axis; k++) outer *= shape[k]!;
  for (let k = axis + 1; k < shape.length; k++) inner *= shape[k]!;
  const n = shape.length === 0 ? 1 : shape[axis]!;
  const name = op === 'sum' ? 'cumsum' : op === 'prod' ? 'cumprod' : 'logcumsumexp';
  const out = new NDArray(allocate(outDtype, x.size, name), [...shape]);
  const o = out.data,
    d = c.data,
    off = c.offset;
  const acc = new Float64Array(inner);
  for (let b = 0; b < outer; b++) {
    acc.fill(START[op]);
    for (let k = 0; k < n; k++) {
      const row = (b * n + (reverse ? n - 1 - k : k)) * inner;
      if (op === 'sum') for (let i = 0; i < inner; i++) o[row + i] = acc[i] += d[off + row + i]!;
      else if (op === 'prod') for (let i = 0; i < inner; i++) o[row + i] = acc[i] *= d[off + row + i]!;
      else for (let i = 0; i < inner; i++) o[row + i] = acc[i] = logAddExp(acc[i]!, d[off + row + i]!);
    }
  }
  return out;
}

/** The scan kernels of the reference backend. */
export const scanFamily = { scan } satisfies Partial<Backend>;
