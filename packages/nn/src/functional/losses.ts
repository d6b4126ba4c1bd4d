/**
 * Loss functions. Prediction and target must have exactly the same shape (a (3,1) prediction
 * against a (3) target is a ShapeError, never a silent broadcast to (3,3)).
 */
import * as T from '@chainrule/tensor';
import {
  type Tensor,
  Tensor as TensorClass,
  abs,
  clamp,
  gather,
  gt,
  log,
  logSoftmax,
  mul,
  neg,
  softplus,
  square,
  squeeze,
  sub,
  sum,
  unsqueeze,
  where,
  add,
} from '@chainrule/autograd';
import type { Module } from '../module.js';
import { checkTensor, checkUnitInterval, lossReduction } from './loss-checks.js';

/**
 * How per-element losses are combined: their mean (default), their sum, or none (the losses
 * themselves). `mseLoss` also takes `'quadratic'`, the notes' quadratic cost.
 */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of the losses. */
export interface LossOptions {
  reduction?: Reduction;
}

/** Options of `mseLoss`, which also knows the quadratic cost. */
export interface MseOptions {
  reduction?: Reduction | 'quadratic';
}

/** The reductions every loss takes. */
const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

function checkSameShape(op: string, pred: Tensor, target: Tensor): void {
  checkTensor(op, 'the prediction', pred);
  checkTensor(op, 'the target', target);
  if (!T.shapesEqual(pred.shape, target.shape)) {
    throw new T.ShapeError(
      op,
      `prediction shape ${T.fmtShape(pred.shape)} and target shape ${T.fmtShape(target.shape)} differ; ` +
        `losses do not broadcast (reshape one of them)`,
    );
  }
}

function reduce(losses: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return sum(losses);
  return losses.mean();
}

/**
 * Mean squared error, mean((pred − target)²). With `{ reduction: 'quadratic' }` it is the
 * notes' quadratic cost C = 1/(2n) Σ‖y − a‖² over n samples (also `quadraticCost`).
 * @example
 * ```ts
 * import { mseLoss } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * mseLoss(tensor([1, 2]), tensor([0, 0])).item(); // 2.5
 * mseLoss(tensor([[1, 2]]), tensor([[0, 0]]), { reduction: 'quadratic' }).item(); // 2.5 = (1 + 4) / 2
 * ```
 */
export function mseLoss(pred: Tensor, target: Tensor, options: MseOptions = {}): Tensor {
  const reduction = lossReduction('mseLoss', options, [...REDUCTIONS, 'quadratic']);
  checkSameShape('mseLoss', pred, target);
  const sq = square(sub(pred, target));
  if (reduction === 'quadratic') {
    const n = pred.ndim === 0 ? 1 : pred.shape[0]!;
    return mul(sum(sq), 1 / (2 * n));
  }
  return reduce(sq, reduction);
}

/**
 * The quadratic cost of the notes, C = 1/(2n) Σₓ ‖y(x) − a(x)‖², with n the number of samples
 * (the first axis). Its gradient with respect to a is (a − y)/n.
 */
export function quadraticCost(pred: Tensor, target: Tensor): Tensor {
  return mseLoss(pred, target, { reduction: 'quadratic' });
}

/** Mean absolute error, mean(|pred − target|). */
export function l1Loss(pred: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = lossReduction('l1Loss', options, REDUCTIONS);
  checkSameShape('l1Loss', pred, target);
  return reduce(abs(sub(pred, target)), reduction);
}

/** Options of `huberLoss`. */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/** Huber loss: ½d² where |d| ≤ δ, δ(|d| − ½δ) beyond, with d = pred − target. */
export function huberLoss(pred: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const reduction = lossReduction('huberLoss', options, REDUCTIONS, ['delta']);
  checkSameShape('huberLoss', pred, target);
  const delta = options.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0))
    throw new T.RangeError('huberLoss', `delta must be positive, got ${delta}`);
  const d = sub(pred, target);
  const a = abs(d);
  const losses = where(gt(a, delta), mul(sub(a, delta / 2), delta), mul(square(d), 0.5));
  return reduce(losses, reduction);
}

/** log(p) with log(0) taken as −100 (PyTorch's clamp) and a zero gradient there instead of inf. */
function clampedLog(p: Tensor): Tensor {
  const positive = gt(p, 0);
  return where(positive, clamp(log(where(positive, p, 1)), -100), -100);
}

/**
 * Binary cross-entropy on probabilities: −[y log p + (1 − y) log(1 − p)], logs clamped at −100
 * as PyTorch. Prefer `bceWithLogits`, which is stable for any logit.
 * @throws RangeError when a prediction or a target is outside [0, 1] (or NaN)
 */
export function bce(prob: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = lossReduction('bce', options, REDUCTIONS);
  checkSameShape('bce', prob, target);
  checkUnitInterval('bce', 'prediction', prob);
  checkUnitInterval('bce', 'target', target);
  const losses = neg(add(mul(target, clampedLog(prob)), mul(sub(1, target), clampedLog(sub(1, prob)))));
  return reduce(losses, reduction);
}

/**
 * Binary cross-entropy from logits z: softplus(z) − y·z = −[y log σ(z) + (1 − y) log(1 − σ(z))],
 * exact for any z (from logit −800 with target 1 the loss is 800). Its gradient is σ(z) − y.
 */
export function bceWithLogits(logits: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = lossReduction('bceWithLogits', options, REDUCTIONS);
  checkSameShape('bceWithLogits', logits, target);
  checkUnitInterval('bceWithLogits', 'target', target);
  return reduce(sub(softplus(logits), mul(target, logits)), reduction);
}

/** Checks int32 class labels: shape = the input's without the class axis (1), values in [0, C). */
function checkLabels(op: string, input: Tensor, target: Tensor): void {
  const classes = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  const expected = labelShape(input);
  if (!T.shapesEqual(target.shape, expected)) {
    throw new T.ShapeError(
      op,
      `class-index target of shape ${T.fmtShape(target.shape)} does not fit input ${T.fmtShape(input.shape)} ` +
        `(expected ${T.fmtShape(expected)}: one label per sample)`,
    );
  }
  T.hostCheck(op, labelsInRange, op, target.value, classes); // a compiled step checks each batch's labels too
}

/** Throws a RangeError naming `op` unless every label lies in [0, classes). */
function labelsInRange(op: string, target: T.NDArray, classes: number): void {
  const labels = target.contiguous();
  for (let i = 0; i < labels.size; i++) {
    const v = labels.data[labels.offset + i]!;
    if (!(v >= 0 && v < classes)) throw new T.RangeError(op, `target ${v} is out of bounds for ${classes} classes`);
  }
}

/** −logProbs[target] per sample, from log-probabilities with classes on axis 1 (axis 0 for 1-D). */
function pickNegative(logProbs: Tensor, target: Tensor): Tensor {
  if (logProbs.ndim === 1) return neg(squeeze(gather(logProbs, 0, unsqueeze(target, 0)), 0));
  return neg(squeeze(gather(logProbs, 1, unsqueeze(target, 1)), 1));
}

function checkInput(op: string, input: Tensor, target: Tensor): void {
  checkTensor(op, 'the input', input);
  checkTensor(op, 'the target', target);
  if (input.ndim === 0)
    throw new T.ShapeError(op, 'input must have a class axis: [C], [N, C] or [N, C, ...], got a scalar');
  if (!T.isFloat(input.dtype))
    throw new T.DTypeError(op, `input must be float32 or float64 (scores per class), got ${input.dtype}`);
}

/** The shape of class-index labels for `input`: its shape without the class axis. */
function labelShape(input: Tensor): number[] {
  return input.ndim === 1 ? [] : input.shape.filter((_, i) => i !== 1);
}

/**
 * Cross-entropy from logits (classes on axis 1, or axis 0 for one sample), via log-softmax so
 * it is stable for any logit. The target is either int32 class labels (shape [N, ...]) or
 * class probabilities of the logits' shape.
 * @throws RangeError `crossEntropy: target 5 is out of bounds for 3 classes`
 * @example
 * ```ts
 * import { crossEntropy } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * crossEntropy(tensor([[2, 0, 0]]), tensor([0], { dtype: 'int32' })).item(); // 0.2395
 * ```
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = lossReduction('crossEntropy', options, REDUCTIONS);
  checkInput('crossEntropy', logits, target);
  const axis = logits.ndim === 1 ? 0 : 1;
  if (target.dtype === 'int32') {
    checkLabels('crossEntropy', logits, target);
    return reduce(pickNegative(logSoftmax(logits, axis), target), reduction);
  }
  if (!T.isFloat(target.dtype))
    throw new T.DTypeError(
      'crossEntropy',
      `target must be int32 class indices or float probabilities, got ${target.dtype}`,
    );
  if (!T.shapesEqual(logits.shape, target.shape)) {
    const labels = labelShape(logits);
    if (T.shapesEqual(target.shape, labels))
      throw new T.DTypeError(
        'crossEntropy',
        `a ${target.dtype} target of shape ${T.fmtShape(target.shape)} looks like class indices, which need ` +
          `{ dtype: 'int32' } (e.g. tensor(labels, { dtype: 'int32' })); a float target holds class ` +
          `probabilities of the logits' shape ${T.fmtShape(logits.shape)}`,
      );
    throw new T.ShapeError(
      'crossEntropy',
      `a float target holds class probabilities and must have the logits' shape ${T.fmtShape(logits.shape)}, ` +
        `got ${T.fmtShape(target.shape)}; class indices have shape ${T.fmtShape(labels)} and ` +
        `need { dtype: 'int32' }`,
    );
  }
  return reduce(neg(sum(mul(target, logSoftmax(logits, axis)), axis)), reduction);
}

/** Negative log-likelihood from log-probabilities (e.g. a LogSoftmax output) and int32 labels. */
export function nllLoss(logProbs: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = lossReduction('nllLoss', options, REDUCTIONS);
  checkInput('nllLoss', logProbs, target);
  if (target.dtype !== 'int32')
    throw new T.DTypeError(
      'nllLoss',
      `target must be class indices with { dtype: 'int32' } (e.g. tensor(labels, { dtype: 'int32' })), ` +
        `got ${target.dtype}`,
    );
  checkLabels('nllLoss', logProbs, target);
  return reduce(pickNegative(logProbs, target), reduction);
}

/**
 * The L2 regularization term of the notes, λ/(2n) Σ w², over the weights and not the biases
 * (parameters whose name ends in `bias...` are left out). n is the training set size.
 * Add it to the loss: `loss.add(l2Penalty(model, 5, 50000))`.
 */
export function l2Penalty(model: Module<never, unknown> | readonly Tensor[], lambda: number, n: number): Tensor {
  return weightPenalty('l2Penalty', model, lambda, n, square, 2);
}

/**
 * λ/(k·n) Σ term(w) over the weights (not the biases) of a model, or over the given tensors: the
 * one body of l2Penalty (term w², k 2) and l1Penalty (term |w|, k 1).
 */
export function weightPenalty(
  op: string,
  model: Module<never, unknown> | readonly Tensor[],
  lambda: number,
  n: number,
  term: (w: Tensor) => Tensor,
  k: number,
): Tensor {
  if (!(n > 0 && Number.isFinite(n)))
    throw new T.RangeError(op, `n (the training set size) must be positive, got ${n}`);
  if (!Number.isFinite(lambda)) throw new T.RangeError(op, `lambda must be a finite number, got ${lambda}`);
  const weights = Array.isArray(model)
    ? (model as readonly Tensor[])
    : (model as Module<never, unknown>)
        .namedParameters()
        .filter(([name]) => !/(^|\.)bias[^.]*$/.test(name))
        .map(([, p]) => p);
  if (weights.length === 0) return new TensorClass(T.scalarArray(0, 'float32'));
  let total = sum(term(weights[0]!));
  for (let i = 1; i < weights.length; i++) total = add(total, sum(term(weights[i]!)));
  return mul(total, lambda / (k * n));
}
