/** Catalogue cases: learning-rate schedulers and clipGradNorm. */
import * as T from '@chainrule/tensor';
import { tensor } from '@chainrule/autograd';
import type { DType } from '@chainrule/tensor';
import {
  CosineAnnealingLR,
  ExponentialLR,
  ModuleError,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  clipGradNorm,
} from '../../src/index.js';
import { type Case, refuse } from './types.js';

const { ShapeError, DTypeError, RangeError } = T;
const leaf = (xs: number[]) => tensor(xs, { requiresGrad: true });
const opt1 = () => new SGD([leaf([1, 2])], { lr: 0.1 });
/** Two parameters with gradients; q's gradient is `qGrad`. */
const two = (qGrad: number[], dtype: DType = 'float32') => {
  const p = leaf([1, 2]);
  const q = leaf([3, 4]);
  p.grad = tensor([30, 40]);
  q.grad = tensor(qGrad, { dtype });
  return [p, q] as const;
};

export const schedulerCases: Case[] = [
  // schedulers
  refuse(
    'StepLR: stepSize 0',
    RangeError,
    'StepLR: stepSize must be a positive integer, got 0',
    () => [opt1()] as const,
    (o) => new StepLR(o, { stepSize: 0 }),
  ),
  refuse(
    'StepLR: gama for gamma',
    ModuleError,
    'StepLR: unknown option "gama"; the valid ones are "stepSize", "gamma"',
    () => [opt1()] as const,
    (o) => new StepLR(o, { stepSize: 2, gama: 0.5 } as never),
  ),
  refuse(
    'StepLR: gamma NaN',
    RangeError,
    'StepLR: gamma must be a finite number >= 0, got NaN',
    () => [opt1()] as const,
    (o) => new StepLR(o, { stepSize: 2, gamma: NaN }),
  ),
  refuse(
    'ExponentialLR: gamma -0.5',
    RangeError,
    'ExponentialLR: gamma must be a finite number >= 0, got -0.5',
    () => [opt1()] as const,
    (o) => new ExponentialLR(o, { gamma: -0.5 }),
  ),
  refuse(
    'CosineAnnealingLR: tMax 0',
    RangeError,
    'CosineAnnealingLR: tMax must be positive, got 0',
    () => [opt1()] as const,
    (o) => new CosineAnnealingLR(o, { tMax: 0 }),
  ),
  refuse(
    'CosineAnnealingLR: etaMin -1',
    RangeError,
    'CosineAnnealingLR: etaMin must be a finite learning rate >= 0, got -1',
    () => [opt1()] as const,
    (o) => new CosineAnnealingLR(o, { tMax: 5, etaMin: -1 }),
  ),
  refuse(
    'StepLR.loadStateDict: lastEpoch -1',
    RangeError,
    'StepLR.loadStateDict: lastEpoch must be a non-negative integer, got -1',
    () => {
      const o = opt1();
      return [new StepLR(o, { stepSize: 2 }), o] as const;
    },
    (s, _o) => s.loadStateDict({ lastEpoch: -1, baseLrs: [0.1] }),
  ),
  refuse(
    'StepLR.loadStateDict: two base rates for one group',
    ShapeError,
    'StepLR.loadStateDict: the state has 2 group(s), the optimizer 1',
    () => {
      const o = opt1();
      return [new StepLR(o, { stepSize: 2 }), o] as const;
    },
    (s, _o) => s.loadStateDict({ lastEpoch: 1, baseLrs: [0.1, 0.2] }),
  ),
  refuse(
    'ExponentialLR.loadStateDict: a NaN base rate',
    RangeError,
    'ExponentialLR.loadStateDict: baseLrs[0] must be a finite learning rate >= 0, got NaN',
    () => {
      const o = opt1();
      return [new ExponentialLR(o, { gamma: 0.5 }), o] as const;
    },
    (s, _o) => s.loadStateDict({ lastEpoch: 1, baseLrs: [NaN] }),
  ),
  refuse(
    'StepLR.step: a group added after the scheduler',
    ModuleError,
    'StepLR.step: the optimizer has 2 parameter group(s), the scheduler 1 base rate(s)',
    () => {
      const o = opt1();
      const s = new StepLR(o, { stepSize: 1 });
      o.paramGroups.push({ ...o.paramGroups[0]!, params: [leaf([5])] });
      return [s, o] as const;
    },
    (s, _o) => s.step(),
  ),
  refuse(
    'ReduceLROnPlateau: factor 1',
    RangeError,
    'ReduceLROnPlateau: factor must be in [0, 1), got 1',
    () => [opt1()] as const,
    (o) => new ReduceLROnPlateau(o, { factor: 1 }),
  ),
  refuse(
    'ReduceLROnPlateau: mode avg',
    RangeError,
    "ReduceLROnPlateau: mode must be one of 'min', 'max', got 'avg'",
    () => [opt1()] as const,
    (o) => new ReduceLROnPlateau(o, { mode: 'avg' as never }),
  ),
  refuse(
    'ReduceLROnPlateau: a misspelt patience',
    ModuleError,
    'ReduceLROnPlateau: unknown option "patiense"',
    () => [opt1()] as const,
    (o) => new ReduceLROnPlateau(o, { patiense: 2 } as never),
  ),
  refuse(
    'ReduceLROnPlateau.step: a loss tensor for a number',
    ModuleError,
    'ReduceLROnPlateau.step: the metric must be a number (for a loss tensor, pass loss.item())',
    () => {
      const o = opt1();
      return [new ReduceLROnPlateau(o), o] as const;
    },
    (s, _o) => s.step(tensor(0.5) as never),
  ),
  // clipGradNorm
  refuse(
    'clipGradNorm: a [3] gradient on a [2] parameter',
    ShapeError,
    'clipGradNorm: parameter 1 has shape [2] but its gradient [3] (nothing was scaled)',
    () => two([1, 1, 1]),
    (p, q) => clipGradNorm([p, q], 1),
  ),
  refuse(
    'clipGradNorm: an int32 gradient',
    DTypeError,
    'clipGradNorm: the gradient of parameter 1 is int32',
    () => two([1, 1], 'int32'),
    (p, q) => clipGradNorm([p, q], 1),
  ),
  refuse(
    'clipGradNorm: maxNorm -1',
    RangeError,
    'clipGradNorm: maxNorm must be >= 0, got -1',
    () => two([1, 1]),
    (p, q) => clipGradNorm([p, q], -1),
  ),
  refuse(
    'clipGradNorm: normType 0',
    RangeError,
    'clipGradNorm: normType must be > 0 or Infinity, got 0',
    () => two([1, 1]),
    (p, q) => clipGradNorm([p, q], 1, 0),
  ),
  refuse(
    'clipGradNorm: a lone tensor',
    ModuleError,
    'clipGradNorm: params must be an iterable of Tensors, got a single Tensor',
    () => two([1, 1]),
    (p, _q) => clipGradNorm(p as never, 1),
  ),
  refuse(
    'clipGradNorm: an infinite norm with errorIfNonfinite',
    RangeError,
    'clipGradNorm: the total 2-norm of the gradients is Infinity; nothing was scaled',
    () => two([Infinity, 0]),
    (p, q) => clipGradNorm([p, q], 1, 2, { errorIfNonfinite: true }),
  ),
  refuse(
    'clipGradNorm: a misspelt option',
    ModuleError,
    'clipGradNorm: unknown option "errorIfNonFinite"; the valid ones are "errorIfNonfinite"',
    () => two([1, 1]),
    (p, q) => clipGradNorm([p, q], 1, 2, { errorIfNonFinite: true } as never),
  ),
];
