/** Catalogue cases: the losses (shapes, value ranges, label dtypes, reductions and options). */
import * as T from '@chainrule/tensor';
import { type Tensor, tensor } from '@chainrule/autograd';
import {
  Linear,
  ModuleError,
  bce,
  bceWithLogits,
  crossEntropy,
  huberLoss,
  l1Loss,
  l2Penalty,
  mseLoss,
  nllLoss,
} from '../../src/index.js';
import { type Case, refuse } from './types.js';

const { ShapeError, DTypeError, RangeError } = T;
type Loss = (a: Tensor, b: Tensor, o?: never) => Tensor;

/** A loss call on a prediction that requires grad (it must get no gradient) and a target. */
function loss(
  name: string,
  error: Case['error'],
  message: string | RegExp,
  f: Loss,
  pred: () => Tensor,
  target: () => Tensor,
  options?: unknown,
): Case {
  return refuse(
    name,
    error,
    message,
    () => [pred().requiresGrad_(), target()] as const,
    (p, t) => f(p, t, options as never),
  );
}

const probs = () => tensor([0.25, 0.75]);
const bits = () => tensor([0, 1]);
const logits = () =>
  tensor([
    [1, 2, 3],
    [0, 0, 0],
  ]);
const labels = (xs: number[]) => () => tensor(xs, { dtype: 'int32' });
const col = () => tensor([[1], [2], [3]]);
const row = () => tensor([1, 2, 3]);

export const lossCases: Case[] = [
  loss(
    'mseLoss: [3,1] against [3]',
    ShapeError,
    'mseLoss: prediction shape [3,1] and target shape [3] differ',
    mseLoss,
    col,
    row,
  ),
  loss(
    'mseLoss: reduction avg',
    RangeError,
    "mseLoss: unknown reduction 'avg'; the valid ones are 'mean', 'sum', 'none', 'quadratic'",
    mseLoss,
    row,
    row,
    { reduction: 'avg' },
  ),
  loss('mseLoss: a misspelt option key', ModuleError, 'mseLoss: unknown option key "reducton"', mseLoss, row, row, {
    reducton: 'sum',
  }),
  loss('mseLoss: options as a string', ModuleError, 'mseLoss: options must be an object', mseLoss, row, row, 'sum'),
  loss(
    'mseLoss: a JS array as the target',
    DTypeError,
    'mseLoss: the target must be a Tensor, got an array',
    mseLoss,
    row,
    () => [1, 2, 3] as never,
  ),
  loss(
    'l1Loss: [2] against [3]',
    ShapeError,
    'l1Loss: prediction shape [2] and target shape [3] differ',
    l1Loss,
    probs,
    row,
  ),
  loss(
    'l1Loss: reduction quadratic',
    RangeError,
    "l1Loss: unknown reduction 'quadratic'; the valid ones are 'mean', 'sum', 'none'",
    l1Loss,
    row,
    row,
    { reduction: 'quadratic' },
  ),
  loss('huberLoss: delta 0', RangeError, 'huberLoss: delta must be positive, got 0', huberLoss, row, row, { delta: 0 }),
  loss('huberLoss: delta NaN', RangeError, 'huberLoss: delta must be positive, got NaN', huberLoss, row, row, {
    delta: NaN,
  }),
  loss('huberLoss: reduction avg', RangeError, "huberLoss: unknown reduction 'avg'", huberLoss, row, row, {
    reduction: 'avg',
  }),
  loss(
    'huberLoss: a misspelt delta',
    ModuleError,
    'huberLoss: unknown option key "delt"; the valid ones are "reduction", "delta"',
    huberLoss,
    row,
    row,
    { delt: 2 },
  ),
  loss(
    'bce: a prediction of 1.5',
    RangeError,
    'bce: prediction must be in [0, 1], got 1.5 at element 0',
    bce,
    () => tensor(1.5),
    () => tensor(1),
  ),
  loss(
    'bce: a negative prediction',
    RangeError,
    'bce: prediction must be in [0, 1], got -0.25 at element 1',
    bce,
    () => tensor([0.5, -0.25]),
    bits,
  ),
  loss(
    'bce: a NaN prediction',
    RangeError,
    'bce: prediction must be in [0, 1], got NaN',
    bce,
    () => tensor([NaN, 0.5]),
    bits,
  ),
  loss('bce: a target of 2', RangeError, 'bce: target must be in [0, 1], got 2 at element 1', bce, probs, () =>
    tensor([0, 2]),
  ),
  loss(
    'bce: logits passed as probabilities',
    RangeError,
    'use bceWithLogits on logits',
    bce,
    () => tensor([3.2, -1.1]),
    bits,
  ),
  loss(
    'bce: [2] against [2,1]',
    ShapeError,
    'bce: prediction shape [2] and target shape [2,1] differ',
    bce,
    probs,
    () => tensor([[0], [1]]),
  ),
  loss('bce: reduction average', RangeError, "bce: unknown reduction 'average'", bce, probs, bits, {
    reduction: 'average',
  }),
  loss(
    'bceWithLogits: a target of -1',
    RangeError,
    'bceWithLogits: target must be in [0, 1], got -1 at element 0',
    bceWithLogits,
    probs,
    () => tensor([-1, 1]),
  ),
  loss(
    'bceWithLogits: [2] against [3]',
    ShapeError,
    'bceWithLogits: prediction shape [2] and target shape [3] differ',
    bceWithLogits,
    probs,
    row,
  ),
  loss(
    'bceWithLogits: reduction mean ',
    RangeError,
    "bceWithLogits: unknown reduction 'mean '",
    bceWithLogits,
    probs,
    bits,
    { reduction: 'mean ' },
  ),
  loss(
    'crossEntropy: float class labels',
    DTypeError,
    "crossEntropy: a float32 target of shape [2] looks like class indices, which need { dtype: 'int32' }",
    crossEntropy,
    logits,
    () => tensor([2, 0]),
  ),
  loss(
    'crossEntropy: float64 class labels for one sample',
    DTypeError,
    'a float64 target of shape [] looks like class indices',
    crossEntropy,
    () => tensor([1, 2, 3]),
    () => tensor(2, { dtype: 'float64' }),
  ),
  loss(
    'crossEntropy: probabilities of the wrong shape',
    ShapeError,
    "crossEntropy: a float target holds class probabilities and must have the logits' shape [2,3], got [1,3]",
    crossEntropy,
    logits,
    () => tensor([[1, 0, 0]]),
  ),
  loss(
    'crossEntropy: label 3 of 3 classes',
    RangeError,
    'crossEntropy: target 3 is out of bounds for 3 classes',
    crossEntropy,
    logits,
    labels([0, 3]),
  ),
  loss(
    'crossEntropy: label -1',
    RangeError,
    'crossEntropy: target -1 is out of bounds for 3 classes',
    crossEntropy,
    logits,
    labels([-1, 0]),
  ),
  loss(
    'crossEntropy: three labels for two samples',
    ShapeError,
    'crossEntropy: class-index target of shape [3] does not fit input [2,3] (expected [2]',
    crossEntropy,
    logits,
    labels([0, 1, 2]),
  ),
  loss(
    'crossEntropy: bool labels',
    DTypeError,
    'crossEntropy: target must be int32 class indices or float probabilities, got bool',
    crossEntropy,
    logits,
    () => tensor([true, false]),
  ),
  loss(
    'crossEntropy: a scalar input',
    ShapeError,
    'crossEntropy: input must have a class axis: [C], [N, C] or [N, C, ...], got a scalar',
    crossEntropy,
    () => tensor(1),
    labels([0]),
  ),
  refuse(
    'crossEntropy: int32 logits',
    DTypeError,
    'crossEntropy: input must be float32 or float64 (scores per class), got int32',
    () => [tensor([[1, 2]], { dtype: 'int32' }), labels([0])()] as const,
    (x, y) => crossEntropy(x, y),
  ),
  loss(
    'crossEntropy: reduction avg',
    RangeError,
    "crossEntropy: unknown reduction 'avg'; the valid ones are 'mean', 'sum', 'none'",
    crossEntropy,
    logits,
    labels([0, 1]),
    { reduction: 'avg' },
  ),
  loss(
    'crossEntropy: ignore_index (not supported)',
    ModuleError,
    'crossEntropy: unknown option key "ignore_index"',
    crossEntropy,
    logits,
    labels([0, 1]),
    { ignore_index: -100 },
  ),
  loss(
    'nllLoss: float class labels',
    DTypeError,
    "nllLoss: target must be class indices with { dtype: 'int32' }",
    nllLoss,
    logits,
    () => tensor([2, 0]),
  ),
  loss(
    'nllLoss: label 5 of 3 classes',
    RangeError,
    'nllLoss: target 5 is out of bounds for 3 classes',
    nllLoss,
    logits,
    labels([5, 0]),
  ),
  loss(
    'nllLoss: a scalar input',
    ShapeError,
    'nllLoss: input must have a class axis',
    nllLoss,
    () => tensor(0.5),
    labels([0]),
  ),
  loss(
    'nllLoss: reduction batchmean',
    RangeError,
    "nllLoss: unknown reduction 'batchmean'",
    nllLoss,
    logits,
    labels([0, 1]),
    { reduction: 'batchmean' },
  ),
  refuse(
    'l2Penalty: n 0',
    RangeError,
    'l2Penalty: n (the training set size) must be positive, got 0',
    () => [new Linear(2, 2)] as const,
    (m) => l2Penalty(m, 1, 0),
  ),
  refuse(
    'l2Penalty: lambda NaN',
    RangeError,
    'l2Penalty: lambda must be a finite number, got NaN',
    () => [new Linear(2, 2)] as const,
    (m) => l2Penalty(m, NaN, 10),
  ),
];
