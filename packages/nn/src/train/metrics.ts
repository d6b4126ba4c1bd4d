import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';

/** A tensor or an array. */
export type Scores = Tensor | NDArray;

const arrayOf = (t: Scores): NDArray => (t instanceof Tensor ? t.value : t);

/** Options of `predictedClasses` and `accuracy`. */
export interface ClassOptions {
  /**
   * For one-output (binary) predictions: the cut between class 0 and 1
   * (default 0.5, for probabilities; use 0 for logits).
   */
  threshold?: number;
}

/**
 * Class indices from predictions: argmax over axis 1 for [N, C] scores (C > 1); for [N] or
 * [N, 1] binary outputs, 1 where the output exceeds the threshold. Int32 inputs are taken as
 * labels already.
 */
export function predictedClasses(pred: Scores, options: ClassOptions = {}): Int32Array {
  const p = arrayOf(pred);
  if (p.dtype === 'int32') return Int32Array.from(p.contiguous().toArray() as number[]);
  if (p.ndim === 2 && p.shape[1]! > 1) return Int32Array.from(T.argmax(p, 1).toArray() as number[]);
  if (p.ndim === 1 || (p.ndim === 2 && p.shape[1] === 1)) {
    const threshold = options.threshold ?? 0.5;
    return Int32Array.from((p.reshape([-1]).toArray() as number[]).map((v) => (v > threshold ? 1 : 0)));
  }
  throw new T.ShapeError(
    'predictedClasses',
    `expected class scores [N, C], binary outputs [N] or [N, 1], or int32 labels; got ${T.fmtShape(p.shape)}`,
  );
}

/** True class indices from int32 labels, one-hot / probability rows [N, C], or 0/1 floats. */
function trueClasses(target: Scores): Int32Array {
  const t = arrayOf(target);
  if (t.dtype === 'int32') return Int32Array.from(t.reshape([-1]).toArray() as number[]);
  if (t.ndim === 2 && t.shape[1]! > 1) return Int32Array.from(T.argmax(t, 1).toArray() as number[]);
  return Int32Array.from((t.reshape([-1]).toArray() as number[]).map((v) => (v > 0.5 ? 1 : 0)));
}

/**
 * The fraction of samples whose predicted class equals the target's.
 * @example
 * ```ts
 * accuracy(tensor([[2, 1], [0, 3]]), tensor([0, 0], { dtype: 'int32' })); // 0.5
 * ```
 */
export function accuracy(pred: Scores, target: Scores, options: ClassOptions = {}): number {
  const p = predictedClasses(pred, options),
    t = trueClasses(target);
  if (p.length !== t.length) throw new T.ShapeError('accuracy', `${p.length} predictions for ${t.length} targets`);
  if (p.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === t[i]) hits++;
  return hits / p.length;
}

/**
 * The confusion matrix: entry [i][j] counts samples of true class i predicted as class j.
 * @example
 * ```ts
 * confusionMatrix(tensor([[2, 1], [0, 3], [1, 0]]), tensor([0, 1, 1], { dtype: 'int32' }), 2); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(
  pred: Scores,
  target: Scores,
  numClasses: number,
  options: ClassOptions = {},
): number[][] {
  const p = predictedClasses(pred, options),
    t = trueClasses(target);
  if (p.length !== t.length)
    throw new T.ShapeError('confusionMatrix', `${p.length} predictions for ${t.length} targets`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < p.length; i++) {
    const [a, b] = [t[i]!, p[i]!];
    if (a < 0 || a >= numClasses || b < 0 || b >= numClasses)
      throw new T.RangeError(
        'confusionMatrix',
        `class ${a < 0 || a >= numClasses ? a : b} is out of range for ${numClasses} classes`,
      );
    m[a]![b]!++;
  }
  return m;
}
