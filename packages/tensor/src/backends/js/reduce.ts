import { type DType, allocate } from '../../dtype.js';
import type { ArgReduceOp, ReduceOp } from '../../backend.js';
import { NDArray } from '../../ndarray.js';
import { copy } from './copy.js';

/**
 * Moves the reduced axes last and makes the data contiguous, so each output element reduces one
 * contiguous run of `inner` values. Returns the kept shape and the flat data.
 */
function reducedRuns(x: NDArray, axes: readonly number[]): { kept: number[]; inner: number; flat: NDArray } {
  const reduced = new Set(axes);
  const keptAxes = x.shape.map((_, i) => i).filter((i) => !reduced.has(i));
  const permuted = x.permute([...keptAxes, ...axes]);
  const flat = permuted.isContiguous ? permuted : copy(permuted, x.dtype);
  const kept = keptAxes.map((i) => x.shape[i]!);
  const inner = axes.reduce((p, a) => p * x.shape[a]!, 1);
  return { kept, inner, flat };
}

export function reduce(op: ReduceOp, x: NDArray, axes: readonly number[], outDtype: DType): NDArray {
  const { kept, inner, flat } = reducedRuns(x, axes);
  const outer = kept.reduce((p, d) => p * d, 1);
  const out = new NDArray(allocate(outDtype, outer), kept);
  const o = out.data, d = flat.data;
  let p = flat.offset;
  for (let r = 0; r < outer; r++) {
    const end = p + inner;
    let acc: number;
    switch (op) {
      case 'sum': acc = 0; for (; p < end; p++) acc += d[p]!; break;
      case 'prod': acc = 1; for (; p < end; p++) acc *= d[p]!; break;
      case 'max': acc = -Infinity; for (; p < end; p++) { const v = d[p]!; if (v > acc || v !== v) acc = v; if (acc !== acc) { p = end; break; } } break;
      case 'min': acc = Infinity; for (; p < end; p++) { const v = d[p]!; if (v < acc || v !== v) acc = v; if (acc !== acc) { p = end; break; } } break;
    }
    o[r] = acc;
  }
  return out;
}

export function argReduce(op: ArgReduceOp, x: NDArray, axis: number): NDArray {
  const { kept, inner, flat } = reducedRuns(x, [axis]);
  const outer = kept.reduce((p, d) => p * d, 1);
  const out = new NDArray(allocate('int32', outer), kept);
  const o = out.data, d = flat.data;
  const better = op === 'argmax' ? (v: number, best: number) => v > best : (v: number, best: number) => v < best;
  for (let r = 0; r < outer; r++) {
    const start = flat.offset + r * inner;
    let best = d[start]!, at = 0;
    for (let i = 1; i < inner && best === best; i++) {
      const v = d[start + i]!;
      if (better(v, best) || v !== v) { best = v; at = i; }
    }
    o[r] = at;
  }
  return out;
}
