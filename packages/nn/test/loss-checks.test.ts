/**
 * Losses refuse what they used to coerce silently: probabilities outside [0, 1] in `bce`, an
 * unknown reduction (`'avg'` was taken as the mean), unknown option keys, and a float label
 * tensor in `crossEntropy` (whose error pointed at the shapes, not the dtype).
 */
import * as T from '@chainrule/tensor';
import { type Tensor, tensor } from '@chainrule/autograd';
import { describe, expect, it } from 'vitest';
import {
  ModuleError,
  bce,
  bceWithLogits,
  crossEntropy,
  huberLoss,
  l1Loss,
  l2Penalty,
  mseLoss,
  nllLoss,
} from '../src/index.js';

const labels = (xs: number[]) => tensor(xs, { dtype: 'int32' });
const logits = () =>
  tensor([
    [1, 2, 3],
    [0, 0, 0],
  ]);

describe('bce needs probabilities', () => {
  it('refuses a prediction or a target outside [0, 1], or NaN', () => {
    expect(() => bce(tensor(1.5), tensor(1))).toThrow(T.RangeError);
    expect(() => bce(tensor(1.5), tensor(1))).toThrow(
      'bce: prediction must be in [0, 1], got 1.5 at element 0 (pass probabilities, e.g. after a sigmoid, ' +
        'or use bceWithLogits on logits)',
    );
    expect(() => bce(tensor([0.5, -0.1]), tensor([1, 0]))).toThrow(/prediction must be in \[0, 1\], got -0.1/);
    expect(() => bce(tensor([0.5, NaN]), tensor([1, 0]))).toThrow(/got NaN at element 1/);
    expect(() => bce(tensor([0.5, 0.5]), tensor([1, 2]))).toThrow('bce: target must be in [0, 1], got 2 at element 1');
    expect(() => bceWithLogits(tensor([5, -5]), tensor([1, -1]))).toThrow(/bceWithLogits: target must be in \[0, 1\]/);
  });

  it('still takes the ends of the interval, and soft targets', () => {
    expect(bce(tensor([0, 1]), tensor([0, 1])).item()).toBe(0);
    expect(bce(tensor([0.5]), tensor([0.5])).item()).toBeCloseTo(Math.log(2), 6);
    expect(bceWithLogits(tensor([0]), tensor([0.25])).item()).toBeCloseTo(Math.log(2), 6);
  });
});

describe('reductions and options', () => {
  const pair = (): [Tensor, Tensor] => [tensor([0.25, 0.75]), tensor([0, 1])];
  const losses: [string, (a: Tensor, b: Tensor, o: object) => Tensor, () => [Tensor, Tensor]][] = [
    ['mseLoss', mseLoss, pair],
    ['l1Loss', l1Loss, pair],
    ['huberLoss', huberLoss, pair],
    ['bce', bce, pair],
    ['bceWithLogits', bceWithLogits, pair],
    ['crossEntropy', crossEntropy, () => [logits(), labels([2, 0])]],
    ['nllLoss', nllLoss, () => [logits().logSoftmax(1), labels([2, 0])]],
  ];
  for (const [name, loss, args] of losses) {
    it(`${name}: an unknown reduction is an error listing the valid ones`, () => {
      const [a, b] = args();
      const valid = name === 'mseLoss' ? "'mean', 'sum', 'none', 'quadratic'" : "'mean', 'sum', 'none'";
      expect(() => loss(a, b, { reduction: 'avg' })).toThrow(T.RangeError);
      expect(() => loss(a, b, { reduction: 'avg' })).toThrow(
        `${name}: unknown reduction 'avg'; the valid ones are ${valid}`,
      );
      expect(() => loss(a, b, { reduction: 'MEAN' })).toThrow(/unknown reduction 'MEAN'/);
      expect(() => loss(a, b, { reductions: 'sum' })).toThrow(ModuleError);
      expect(() => loss(a, b, { reductions: 'sum' })).toThrow(`${name}: unknown option key "reductions"`);
      expect(() => loss(a, b, 'sum' as never)).toThrow(/options must be an object/);
      for (const r of ['mean', 'sum', 'none']) expect(() => loss(a, b, { reduction: r })).not.toThrow();
      if (name !== 'mseLoss')
        expect(() => loss(a, b, { reduction: 'quadratic' })).toThrow(/unknown reduction 'quadratic'/);
    });
  }

  it('refuses a JS number or array in place of a tensor', () => {
    expect(() => bce(1.5 as never, tensor(1))).toThrow(T.DTypeError);
    expect(() => mseLoss([1, 2] as never, tensor([1, 2]))).toThrow(
      /mseLoss: the prediction must be a Tensor, got an array/,
    );
    expect(() => crossEntropy(logits(), [2, 0] as never)).toThrow(/crossEntropy: the target must be a Tensor/);
  });

  it('l2Penalty refuses a non-finite lambda or n', () => {
    const w = [tensor([1, 2])];
    expect(() => l2Penalty(w, NaN, 10)).toThrow('l2Penalty: lambda must be a finite number, got NaN');
    expect(() => l2Penalty(w, 1, Infinity)).toThrow(/n \(the training set size\) must be positive/);
  });
});

describe('class indices', () => {
  it('crossEntropy: a float label tensor is told to use { dtype: "int32" }', () => {
    expect(() => crossEntropy(logits(), tensor([2, 0]))).toThrow(T.DTypeError);
    expect(() => crossEntropy(logits(), tensor([2, 0]))).toThrow(
      "crossEntropy: a float32 target of shape [2] looks like class indices, which need { dtype: 'int32' }",
    );
    // one sample: logits [C], a scalar label
    expect(() => crossEntropy(tensor([1, 2, 3]), tensor(1))).toThrow(/looks like class indices/);
    // neither labels nor probabilities: both forms are named
    expect(() => crossEntropy(logits(), tensor([1, 0, 0]))).toThrow(T.ShapeError);
    expect(() => crossEntropy(logits(), tensor([1, 0, 0]))).toThrow(
      /must have the logits' shape \[2,3\], got \[3\]; class indices have shape \[2\] and need \{ dtype: 'int32' \}/,
    );
    // probabilities of the right shape still work
    expect(
      crossEntropy(
        logits(),
        tensor([
          [0, 0, 1],
          [1, 0, 0],
        ]),
      ).item(),
    ).toBeCloseTo(crossEntropy(logits(), labels([2, 0])).item(), 6);
  });

  it('nllLoss: float labels are told to use { dtype: "int32" }; int logits are refused', () => {
    expect(() => nllLoss(logits(), tensor([2, 0]))).toThrow(
      "nllLoss: target must be class indices with { dtype: 'int32' } (e.g. tensor(labels, { dtype: 'int32' })), " +
        'got float32',
    );
    const intScores = tensor([[1, 2, 3]], { dtype: 'int32' });
    expect(() => crossEntropy(intScores, labels([0]))).toThrow(
      'crossEntropy: input must be float32 or float64 (scores per class), got int32',
    );
    expect(() => nllLoss(intScores, labels([0]))).toThrow(T.DTypeError);
  });
});
