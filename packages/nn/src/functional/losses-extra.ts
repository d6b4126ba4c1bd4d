/**
 * More losses, as PyTorch's: `klDiv`, `cosineSimilarity`, `cosineEmbeddingLoss`, and the L1
 * weight penalty beside `l2Penalty`. Like the others they refuse unknown option keys and
 * mismatched shapes with typed errors naming the function.
 */
import * as T from '@chainrule/tensor';
import {
  type Tensor,
  abs,
  add,
  clamp,
  div,
  eq,
  exp,
  expand,
  gt,
  log,
  mul,
  sqrt,
  sub,
  sum,
  where,
} from '@chainrule/autograd';
import type { Module } from '../module.js';
import { ModuleError } from '../errors.js';
import { checkTensor, lossReduction } from './loss-checks.js';
import { type Reduction, weightPenalty } from './losses.js';

/** Options of `klDiv`. */
export interface KLDivOptions {
  /** `'mean'` (default, over every element), `'sum'`, `'none'`, or `'batchmean'`: the sum over the batch size. */
  reduction?: Reduction | 'batchmean';
  /** Whether the target holds log-probabilities too (default false). */
  logTarget?: boolean;
}

function reduceLoss(losses: Tensor, reduction: Reduction | 'batchmean'): Tensor {
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return sum(losses);
  if (reduction === 'batchmean') return losses.ndim === 0 ? sum(losses) : div(sum(losses), losses.shape[0]!);
  return losses.mean();
}

function checkFloat(op: string, what: string, t: Tensor): void {
  if (!T.isFloat(t.dtype)) throw new T.DTypeError(op, `${what} must be float32 or float64, got ${t.dtype}`);
}

/**
 * The Kullback-Leibler divergence KL(target ‖ input) per element, `target·(log target − input)`,
 * with `input` log-probabilities (PyTorch's `kl_div`); 0 where the target is 0. With `logTarget`
 * the target is log-probabilities too: `exp(target)·(target − input)`. Use
 * `{ reduction: 'batchmean' }` for the mathematical KL divergence of a batch.
 * @example
 * ```ts
 * import { klDiv } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * const logQ = tensor([[0.25, 0.75]]).log(), p = tensor([[0.5, 0.5]]);
 * klDiv(logQ, p, { reduction: 'batchmean' }).item(); // 0.1438 = ½ln2 + ½ln(2/3)
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  const op = 'klDiv';
  const reduction = lossReduction(op, options, ['mean', 'sum', 'none', 'batchmean'], ['logTarget']);
  checkTensor(op, 'the input', input);
  checkTensor(op, 'the target', target);
  checkFloat(op, 'the input (log-probabilities)', input);
  checkFloat(op, 'the target', target);
  const logTarget = options.logTarget ?? false;
  if (typeof logTarget !== 'boolean') throw new ModuleError(op, `logTarget must be a boolean, got ${typeof logTarget}`);
  if (!T.shapesEqual(input.shape, target.shape))
    throw new T.ShapeError(
      op,
      `input shape ${T.fmtShape(input.shape)} and target shape ${T.fmtShape(target.shape)} differ; ` +
        `losses do not broadcast (reshape one of them)`,
    );
  let losses: Tensor;
  if (logTarget) losses = mul(exp(target), sub(target, input));
  else {
    // x·log x taken as 0 at x = 0 (PyTorch's xlogy), so a zero target contributes nothing
    const positive = gt(target, 0);
    const xlogx = where(positive, mul(target, log(where(positive, target, 1))), 0);
    losses = sub(xlogx, mul(target, input));
  }
  return reduceLoss(losses, reduction);
}

/** Options of `cosineSimilarity`. */
export interface CosineSimilarityOptions {
  /** The axis along which the vectors lie (default 1; negative counts from the end). */
  dim?: number;
  /** The smallest norm divided by (default 1e-8). */
  eps?: number;
}

function checkKeys(op: string, options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ModuleError(op, 'options must be an object');
  for (const [k, v] of Object.entries(options))
    if (!known.includes(k) && v !== undefined)
      throw new ModuleError(
        op,
        `unknown option key "${k}"; the valid ones are ${known.map((n) => `"${n}"`).join(', ')}`,
      );
}

/**
 * The cosine of the angle between `x1` and `x2` along `dim` (PyTorch's `cosine_similarity`):
 * Σ (x1/max(‖x1‖, eps))·(x2/max(‖x2‖, eps)). The two shapes broadcast; the result drops `dim`.
 * @example
 * ```ts
 * import { F } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * F.cosineSimilarity(tensor([[1, 0], [1, 1]]), tensor([[0, 1], [2, 2]])).toArray(); // [0, 1]
 * ```
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options: CosineSimilarityOptions = {}): Tensor {
  const op = 'cosineSimilarity';
  checkKeys(op, options, ['dim', 'eps']);
  checkTensor(op, 'x1', x1);
  checkTensor(op, 'x2', x2);
  checkFloat(op, 'x1', x1);
  checkFloat(op, 'x2', x2);
  const shape = T.broadcastShapes(op, x1.shape, x2.shape);
  const dim = options.dim ?? 1;
  const eps = options.eps ?? 1e-8;
  if (!Number.isInteger(dim) || dim < -shape.length || dim >= shape.length)
    throw new T.RangeError(op, `dim ${dim} is out of range for the broadcast shape ${T.fmtShape(shape)}`);
  if (typeof eps !== 'number' || !(eps >= 0)) throw new T.RangeError(op, `eps must be >= 0, got ${eps}`);
  const a = T.shapesEqual(x1.shape, shape) ? x1 : expand(x1, shape);
  const b = T.shapesEqual(x2.shape, shape) ? x2 : expand(x2, shape);
  const axis = dim < 0 ? dim + shape.length : dim;
  const norm = (x: Tensor): Tensor => clamp(sqrt(sum(mul(x, x), axis, true)), eps);
  return sum(mul(div(a, norm(a)), div(b, norm(b))), axis);
}

/** Options of `cosineEmbeddingLoss`. */
export interface CosineEmbeddingOptions {
  /** For pairs labelled −1, cosines below the margin cost nothing (default 0). */
  margin?: number;
  reduction?: Reduction;
}

/**
 * PyTorch's `cosine_embedding_loss`: per pair, 1 − cos(x1, x2) where y = 1 and
 * max(0, cos(x1, x2) − margin) where y = −1, the cosine taken along the last axis of `[N, D]`
 * (or `[D]`) inputs as PyTorch does: x1·x2 / √((‖x1‖² + 1e-12)(‖x2‖² + 1e-12)).
 * @throws RangeError when a label is not 1 or −1
 * @example
 * ```ts
 * import { cosineEmbeddingLoss } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * const a = tensor([[1, 0], [1, 0]]), b = tensor([[1, 1], [1, 1]]);
 * cosineEmbeddingLoss(a, b, tensor([1, -1]), { reduction: 'none' }).toArray(); // [0.2929, 0.7071]
 * ```
 */
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, y: Tensor, options: CosineEmbeddingOptions = {}): Tensor {
  const op = 'cosineEmbeddingLoss';
  const reduction = lossReduction(op, options, ['mean', 'sum', 'none'], ['margin']);
  checkTensor(op, 'x1', x1);
  checkTensor(op, 'x2', x2);
  checkTensor(op, 'the target y', y);
  checkFloat(op, 'x1', x1);
  checkFloat(op, 'x2', x2);
  if (!T.shapesEqual(x1.shape, x2.shape) || (x1.ndim !== 1 && x1.ndim !== 2))
    throw new T.ShapeError(
      op,
      `x1 and x2 must both be [N, D] or [D], got ${T.fmtShape(x1.shape)} and ${T.fmtShape(x2.shape)}`,
    );
  const expected = x1.ndim === 2 ? [x1.shape[0]!] : [];
  if (!T.shapesEqual(y.shape, expected))
    throw new T.ShapeError(
      op,
      `the target y must have shape ${T.fmtShape(expected)} (one ±1 label per pair), got ${T.fmtShape(y.shape)}`,
    );
  T.hostCheck(op, checkSigns, op, y.value); // a compiled step checks each batch's labels too
  const margin = options.margin ?? 0;
  if (typeof margin !== 'number' || !Number.isFinite(margin))
    throw new T.RangeError(op, `margin must be a finite number, got ${String(margin)}`);
  const axis = x1.ndim - 1;
  const eps = 1e-12;
  const dot = sum(mul(x1, x2), axis);
  const denom = sqrt(mul(add(sum(mul(x1, x1), axis), eps), add(sum(mul(x2, x2), axis), eps)));
  const cos = div(dot, denom);
  const positive = eq(y, 1);
  const losses = where(positive, sub(1, cos), clamp(sub(cos, margin), 0));
  return reduceLoss(losses, reduction);
}

/**
 * The L1 regularization term of the notes, λ/n Σ|w|, over the weights and not the biases
 * (parameters whose name ends in `bias...` are left out), the same call as `l2Penalty`.
 * Add it to the loss: `loss.add(l1Penalty(model, 5, 50000))`. Its gradient is (λ/n)·sign(w).
 * @example
 * ```ts
 * import { Linear, l1Penalty } from '@chainrule/nn';
 * const fc = new Linear(3, 2);
 * l1Penalty(fc, 0.1, 100).item(); // 0.001 · Σ|fc.weight|
 * ```
 */
export function l1Penalty(model: Module<never, unknown> | readonly Tensor[], lambda: number, n: number): Tensor {
  return weightPenalty('l1Penalty', model, lambda, n, abs, 1);
}

/** Throws a RangeError naming `op` unless every label is 1 or -1. */
function checkSigns(op: string, y: T.NDArray): void {
  const c = y.contiguous();
  for (let i = 0; i < c.size; i++) {
    const v = c.data[c.offset + i];
    if (v !== 1 && v !== -1) throw new T.RangeError(op, `the target y must hold 1 or -1, got ${v} at element ${i}`);
  }
}
