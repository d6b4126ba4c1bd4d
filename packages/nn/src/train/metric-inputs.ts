/** Reading the inputs of the scikit-learn style metrics: class labels and scores, with typed errors. */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';

/** Class labels: an int32 Tensor or NDArray, or a plain array of integers. */
export type LabelsInput = Tensor | NDArray | readonly number[] | Int32Array;

/** Scores or probabilities: a float Tensor or NDArray, or a plain array (of rows, for [N, C]). */
export type ScoresInput = Tensor | NDArray | readonly number[] | readonly (readonly number[])[];

/** Scores as flat float64 values with their shape ([N] or [N, C]). */
export interface ScoreMatrix {
  values: Float64Array;
  rows: number;
  /** 0 for one score per sample ([N]). */
  cols: number;
  /** float32 for float32 arrays and tensors, else float64. */
  dtype: 'float32' | 'float64';
}

const isArrayInput = (x: unknown): x is NDArray | Tensor => x instanceof Tensor || x instanceof T.NDArray;
const arrayOf = (x: Tensor | NDArray): NDArray => (x instanceof Tensor ? x.value : x);

/** Integer class labels [N] as an Int32Array; `what` names the argument in errors. */
export function readLabels(fn: string, what: string, labels: LabelsInput): Int32Array {
  if (isArrayInput(labels)) {
    const a = arrayOf(labels);
    if (a.dtype !== 'int32')
      throw new T.DTypeError(fn, `${what} must be int32 class labels; got ${a.dtype} (for scores, see the docs)`);
    if (a.ndim !== 1) throw new T.ShapeError(fn, `${what} must be 1-d [N]; got ${T.fmtShape(a.shape)}`);
    return Int32Array.from(a.toArray() as number[]);
  }
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1)
      throw new T.RangeError(fn, `${what}[${i}] is ${String(v)}; expected an integer class label`);
    out[i] = v;
  }
  return out;
}

/** Scores [N] or [N, C] as float64 values; int or bool arrays are refused, and NaN or ±∞ too. */
export function readScores(fn: string, what: string, scores: ScoresInput): ScoreMatrix {
  let values: Float64Array, shape: readonly number[];
  let dtype: 'float32' | 'float64' = 'float64';
  if (isArrayInput(scores)) {
    const a = arrayOf(scores);
    if (a.dtype !== 'float32' && a.dtype !== 'float64')
      throw new T.DTypeError(fn, `${what} must be float32 or float64 scores; got ${a.dtype}`);
    shape = a.shape;
    dtype = a.dtype;
    values = Float64Array.from(a.reshape([-1]).toArray() as number[]);
  } else if (scores.length > 0 && Array.isArray(scores[0])) {
    const rows = scores as readonly (readonly number[])[];
    const cols = rows[0]!.length;
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== cols)
        throw new T.ShapeError(
          fn,
          `${what} row ${i} has ${Array.isArray(r) ? r.length : 'no'} entries; expected ${cols}`,
        );
    });
    shape = [rows.length, cols];
    values = Float64Array.from(rows.flat());
  } else {
    shape = [scores.length];
    values = Float64Array.from(scores as readonly number[]);
  }
  if (shape.length !== 1 && shape.length !== 2)
    throw new T.ShapeError(fn, `${what} must be [N] or [N, C]; got ${T.fmtShape(shape)}`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new T.RangeError(fn, `${what} holds ${values[bad]} at flat index ${bad}; expected finite values`);
  return { values, rows: shape[0]!, cols: shape.length === 2 ? shape[1]! : 0, dtype };
}

/** Throws unless `a` and `b` have one entry per sample each. */
export function checkSameLength(fn: string, a: string, n: number, b: string, m: number): void {
  if (n !== m) throw new T.ShapeError(fn, `${a} has ${n} samples but ${b} has ${m}; expected the same number`);
}

/** Sorted distinct values. */
export function uniqueSorted(...arrays: Int32Array[]): number[] {
  const set = new Set<number>();
  for (const a of arrays) for (const v of a) set.add(v);
  return [...set].sort((x, y) => x - y);
}

/** Throws unless every label is a class index in [0, classes). */
export function checkClassIndices(fn: string, what: string, labels: Int32Array, classes: number): void {
  const bad = labels.findIndex((v) => v < 0 || v >= classes);
  if (bad >= 0)
    throw new T.RangeError(
      fn,
      `${what}[${bad}] is ${labels[bad]}; expected a class index in [0, ${classes}) for ${classes} score columns`,
    );
}
