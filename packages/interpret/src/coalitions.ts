import { ShapeError } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { type Target, evalScores, fromValues, values } from './model.js';

/** Rows per model call when evaluating coalitions. */
const CHUNK_ROWS = 4096;

/** The background rows [M, D] as float64, from a number, a row [D] or a batch [M, D]. */
export function backgroundRows(op: string, baselines: number | Tensor | undefined, d: number): Float64Array[] {
  if (baselines === undefined || typeof baselines === 'number') return [new Float64Array(d).fill(baselines ?? 0)];
  const shape = baselines.shape;
  const m = shape.length === 1 ? 1 : shape[0]!;
  if ((shape.length !== 1 && shape.length !== 2) || shape[shape.length - 1] !== d || m < 1)
    throw new ShapeError(op, `expected baselines [${d}] or [M, ${d}], got [${shape.join(', ')}]`);
  const flat = values(baselines);
  return Array.from({ length: m }, (_, r) => Float64Array.from({ length: d }, (_, j) => flat[r * d + j]!));
}

/**
 * v(S) for each coalition mask: the mean over the background rows of the explained score of the
 * row that takes the features in S from `x` and the others from the background row.
 */
export function coalitionValues(
  op: string,
  f: (x: Tensor) => Tensor,
  x: Float64Array,
  background: readonly Float64Array[],
  masks: readonly (readonly number[])[],
  dtype: 'float32' | 'float64',
  target: number | undefined,
): number[] {
  const d = x.length;
  const m = background.length;
  const per = Math.max(1, Math.floor(CHUNK_ROWS / m));
  const out: number[] = [];
  for (let start = 0; start < masks.length; start += per) {
    const chunk = masks.slice(start, start + per);
    const data = new Float64Array(chunk.length * m * d);
    chunk.forEach((mask, c) => {
      for (let b = 0; b < m; b++) {
        const row = (c * m + b) * d;
        for (let j = 0; j < d; j++) data[row + j] = mask[j] === 1 ? x[j]! : background[b]![j]!;
      }
    });
    const scores = evalScores(op, f, fromValues(data, [chunk.length * m, d], dtype), target as Target | undefined);
    for (let c = 0; c < chunk.length; c++) {
      let s = 0;
      for (let b = 0; b < m; b++) s += scores[c * m + b]!;
      out.push(s / m);
    }
  }
  return out;
}

/** The target of row i as one class index (or undefined for a one-score model). */
export function rowTarget(target: number | readonly number[] | undefined, i: number): number | undefined {
  return target === undefined || typeof target === 'number' ? target : target[i];
}
