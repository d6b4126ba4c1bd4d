/**
 * Scaled dot-product attention (PyTorch's `F.scaled_dot_product_attention`) and the attention
 * weights it is made of. Composed of recorded ops: the gradients come from matmul, softmax and where.
 */
import * as T from '@chainrule/tensor';
import { type NDArray, type Rng, defaultRng } from '@chainrule/tensor';
import { Tensor, add, matmul, mul, softmax, transpose, where } from '@chainrule/autograd';
import { dropout } from './dropout.js';
import { checkOptions } from '../layers/options.js';

/** Options of `attentionWeights`. */
export interface AttentionWeightsOptions {
  /**
   * Broadcastable to [..., L, S]: a bool mask (true = the key takes part, as PyTorch's SDPA) or a
   * float mask added to the scores (−∞ removes a key).
   */
  attnMask?: Tensor | null;
  /** Query i sees keys 0..i only (the top-left aligned lower triangle, as PyTorch). */
  isCausal?: boolean;
  /** The factor on q·kᵀ (default 1/√E, E the query's last axis). */
  scale?: number | null;
}

/** Options of `scaledDotProductAttention`. */
export interface ScaledDotProductAttentionOptions extends AttentionWeightsOptions {
  /** Dropout on the attention weights (default 0; applied whenever it is above 0, as PyTorch). */
  dropoutP?: number;
  /** The generator for the dropout mask (default: the tensor package's default Rng). */
  rng?: Rng;
}

const OPTION_KEYS = ['attnMask', 'isCausal', 'dropoutP', 'scale', 'rng'];

function checkInputs(op: string, q: Tensor, k: Tensor, v: Tensor | null): void {
  const named: [string, Tensor | null][] = [
    ['query', q],
    ['key', k],
    ['value', v],
  ];
  for (const [name, t] of named) {
    if (t === null) continue;
    if (!T.isFloat(t.dtype)) throw new T.DTypeError(op, `${name} must be float32 or float64, got ${t.dtype}`);
    if (t.dtype !== q.dtype) throw new T.DTypeError(op, `query is ${q.dtype} but ${name} is ${t.dtype}`);
    if (t.ndim < 2) throw new T.ShapeError(op, `${name} must be [..., seq, features], got ${T.fmtShape(t.shape)}`);
  }
  const e = q.shape[q.ndim - 1]!;
  if (k.shape[k.ndim - 1] !== e) {
    throw new T.ShapeError(
      op,
      `query ${T.fmtShape(q.shape)} and key ${T.fmtShape(k.shape)} need the same last axis (the feature size E)`,
    );
  }
  if (v !== null && v.shape[v.ndim - 2] !== k.shape[k.ndim - 2]) {
    throw new T.ShapeError(
      op,
      `key ${T.fmtShape(k.shape)} and value ${T.fmtShape(v.shape)} need the same sequence length S (axis -2)`,
    );
  }
}

/** The lower-triangular [L, S] bool mask: query i sees keys j ≤ i. */
export function causalMask(l: number, s: number): NDArray {
  const data: boolean[][] = [];
  for (let i = 0; i < l; i++) data.push(Array.from({ length: s }, (_, j) => j <= i));
  return T.array(data, 'bool');
}

/** The additive form of a mask, checked against the scores' shape: bool → 0 / −∞, float as given. */
function additiveMask(op: string, mask: Tensor, scores: readonly number[], dtype: T.DType): Tensor {
  if (mask.dtype !== 'bool' && !T.isFloat(mask.dtype)) {
    throw new T.DTypeError(op, `attnMask must be bool or float, got ${mask.dtype}`);
  }
  let fits = mask.ndim <= scores.length;
  for (let i = 1; fits && i <= mask.ndim; i++) {
    const m = mask.shape[mask.ndim - i]!;
    fits = m === 1 || m === scores[scores.length - i];
  }
  if (!fits) {
    throw new T.ShapeError(
      op,
      `attnMask ${T.fmtShape(mask.shape)} does not broadcast to the scores [..., L, S] = ${T.fmtShape(scores)}`,
    );
  }
  if (mask.dtype === 'bool') return new Tensor(T.where(mask.value, 0, T.full([], -Infinity, dtype)));
  return mask;
}

/**
 * softmax(scale · q kᵀ + mask) over the keys: the attention weights [..., L, S] for q [..., L, E]
 * and k [..., S, E]. A row whose keys are all masked (all −∞) gets zero weights, and sends no
 * gradient, as PyTorch 2.13's `scaled_dot_product_attention` (its safe softmax), not NaN.
 * @example
 * ```ts
 * import { F } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * F.attentionWeights(randn([2, 3, 4]), randn([2, 5, 4]), { isCausal: true }).shape; // [2, 3, 5]
 * ```
 */
export function attentionWeights(q: Tensor, k: Tensor, options: AttentionWeightsOptions = {}): Tensor {
  return weightsOf('attentionWeights', q, k, options);
}

function weightsOf(op: string, q: Tensor, k: Tensor, options: AttentionWeightsOptions): Tensor {
  checkInputs(op, q, k, null);
  const { attnMask = null, isCausal = false, scale = null } = options;
  const e = q.shape[q.ndim - 1]!;
  const factor = scale ?? 1 / Math.sqrt(e);
  if (!Number.isFinite(factor)) throw new T.RangeError(op, `scale must be a finite number, got ${factor}`);
  if (isCausal && attnMask !== null) {
    throw new T.RangeError(op, 'give either attnMask or isCausal, not both (as PyTorch)');
  }
  const batch = T.broadcastShapes(op, q.shape.slice(0, -2), k.shape.slice(0, -2));
  const l = q.shape[q.ndim - 2]!;
  const s = k.shape[k.ndim - 2]!;
  const shape = [...batch, l, s];
  // check the mask before anything is recorded
  const bias = attnMask === null ? null : additiveMask(op, attnMask, shape, q.dtype);
  let scores = mul(matmul(q, transpose(k, -2, -1)), factor);
  if (bias !== null) scores = add(scores, bias);
  else if (isCausal) scores = add(scores, new Tensor(T.where(causalMask(l, s), 0, T.full([], -Infinity, q.dtype))));
  // rows with every key masked: their maximum is −∞. The double where replaces their scores before
  // the softmax, so no NaN reaches a gradient; on live rows both wheres pass values and gradients
  // through unchanged (the bits of a plain softmax), so nothing is read into JavaScript to decide
  // and a compiled step replays attention
  const deadRows = new Tensor(T.eq(T.max(scores.value, [-1], true), -Infinity));
  return where(deadRows, 0, softmax(where(deadRows, 0, scores), -1));
}

/**
 * Attention: softmax(scale · q kᵀ + mask) v, PyTorch's `scaled_dot_product_attention`. q is
 * [..., L, E], k [..., S, E], v [..., S, Ev] (batch axes broadcast); the result is [..., L, Ev].
 * `attnMask` is bool (true = take part) or float (added to the scores); `isCausal` masks the keys
 * after each query (top-left aligned); `scale` defaults to 1/√E. A query whose keys are all masked
 * gets a zero output and zero gradients, as PyTorch 2.13 (not NaN). Dropout on the weights, from
 * `rng`, applies whenever `dropoutP` > 0 (pass 0 in evaluation, as with PyTorch's function).
 * @example
 * ```ts
 * import { scaledDotProductAttention } from '@chainrule/nn';
 * import { randn, tensor } from '@chainrule/autograd';
 * const q = randn([2, 4, 3, 8]), k = randn([2, 4, 5, 8]), v = randn([2, 4, 5, 6]);
 * scaledDotProductAttention(q, k, v).shape; // [2, 4, 3, 6]
 * scaledDotProductAttention(q, q, q, { isCausal: true }).shape; // [2, 4, 3, 8]
 * const keep = tensor([true, true, false, false, true], { dtype: 'bool' }); // broadcast over the queries
 * scaledDotProductAttention(q, k, v, { attnMask: keep }).shape; // [2, 4, 3, 6]
 * ```
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): Tensor {
  const op = 'scaledDotProductAttention';
  checkOptions(op, options, OPTION_KEYS);
  checkInputs(op, q, k, v);
  const { dropoutP = 0, rng = defaultRng } = options;
  if (!(dropoutP >= 0 && dropoutP <= 1)) throw new T.RangeError(op, `dropoutP must be in [0, 1], got ${dropoutP}`);
  T.broadcastShapes(op, q.shape.slice(0, -2), v.shape.slice(0, -2));
  let w = weightsOf(op, q, k, options);
  if (dropoutP > 0) w = dropout(w, dropoutP, true, rng);
  return matmul(w, v);
}
