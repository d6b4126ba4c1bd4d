/**
 * Optimizer calls are all or nothing: a step, a gradient clip or a scheduler step that is
 * refused leaves every parameter, gradient and piece of state as it was. And options are taken
 * at their word: an unknown key is an error, never ignored.
 */
import * as T from '@chainrule/tensor';
import { type Tensor, tensor } from '@chainrule/autograd';
import { describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  ExponentialLR,
  ModuleError,
  type Optimizer,
  RMSprop,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  clipGradNorm,
} from '../src/index.js';
import { snapshotAll } from './snapshot.js';

type Make = (params: Tensor[]) => Optimizer;
const MAKERS: [string, Make][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.1, momentum: 0.9 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1 })],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true })],
  ['Adam', (p) => new Adam(p, { lr: 0.1, amsgrad: true })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.1 })],
];

/** Two parameters with gradients, after one good step (so the optimizer has state to lose). */
function warm(make: Make): { p: Tensor; q: Tensor; opt: Optimizer } {
  const p = tensor([1, 2], { requiresGrad: true });
  const q = tensor([3, 4], { requiresGrad: true });
  const opt = make([p, q]);
  p.grad = tensor([0.5, -0.5]);
  q.grad = tensor([0.25, 1]);
  opt.step();
  p.grad = tensor([0.1, 0.2]);
  return { p, q, opt };
}

describe('step is all or nothing', () => {
  for (const [name, make] of MAKERS) {
    it(`${name}: a gradient of the wrong shape on the second parameter moves nothing`, () => {
      const { p, q, opt } = warm(make);
      q.grad = tensor([1, 1, 1]);
      const before = snapshotAll([p, q, opt]);
      expect(() => opt.step()).toThrow(T.ShapeError);
      expect(snapshotAll([p, q, opt])).toEqual(before); // p has not moved, no moment or step count changed
      expect(() => opt.step()).toThrow(`${name}.step: parameter 1 has shape [2] but its gradient [3]`);
    });

    it(`${name}: a gradient of another dtype, or not a Tensor, moves nothing`, () => {
      const { p, q, opt } = warm(make);
      q.grad = tensor([1, 1], { dtype: 'float64' });
      const before = snapshotAll([p, q, opt]);
      expect(() => opt.step()).toThrow(T.DTypeError);
      expect(() => opt.step()).toThrow(/parameter 1 is float32 and its gradient float64/);
      q.grad = T.array([1, 1]) as unknown as Tensor;
      expect(() => opt.step()).toThrow(ModuleError);
      expect(() => opt.step()).toThrow(/the gradient of parameter 1 is not a Tensor/);
      q.grad = tensor([1, 1], { dtype: 'float64' });
      expect(snapshotAll([p, q, opt])).toEqual(before);
    });

    it(`${name}: a non-finite or negative learning rate in the second group moves nothing`, () => {
      const p = tensor([1, 2], { requiresGrad: true });
      const q = tensor([3, 4], { requiresGrad: true });
      const opt = make([p, q]);
      const two = new (opt.constructor as new (g: unknown, o: unknown) => Optimizer)(
        [{ params: [p] }, { params: [q] }],
        { lr: 0.1 },
      );
      p.grad = tensor([1, 1]);
      q.grad = tensor([1, 1]);
      for (const bad of [NaN, Infinity, -1]) {
        two.paramGroups[1]!.lr = bad;
        const before = snapshotAll([p, q, two]);
        expect(() => two.step()).toThrow(T.RangeError);
        expect(snapshotAll([p, q, two])).toEqual(before);
      }
    });
  }
});

describe('clipGradNorm is all or nothing', () => {
  it('checks every gradient before it scales any', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const q = tensor([3, 4], { requiresGrad: true });
    p.grad = tensor([30, 40]);
    q.grad = tensor([1, 1, 1]);
    const before = snapshotAll([p, q]);
    expect(() => clipGradNorm([p, q], 1)).toThrow('clipGradNorm: parameter 1 has shape [2] but its gradient [3]');
    q.grad = tensor([1, 1], { dtype: 'int32' });
    expect(() => clipGradNorm([p, q], 1)).toThrow(T.DTypeError);
    q.grad = tensor([1, 1, 1]);
    expect(snapshotAll([p, q])).toEqual(before);
  });

  it('scales a gradient shared by two parameters once', () => {
    const p = tensor([0, 0], { requiresGrad: true });
    const q = tensor([0, 0], { requiresGrad: true });
    const g = tensor([3, 4], { dtype: 'float32' });
    p.grad = g;
    q.grad = g;
    expect(clipGradNorm([p, q], 1).item()).toBe(5);
    const k = 1 / (5 + 1e-6);
    expect(g.toArray()).toEqual([Math.fround(3 * k), Math.fround(4 * k)]);
  });

  it('errorIfNonfinite refuses an infinite norm and scales nothing', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    p.grad = tensor([Infinity, 1]);
    expect(() => clipGradNorm([p], 1, 2, { errorIfNonfinite: true })).toThrow(/the total 2-norm .* is Infinity/);
    expect(p.grad.toArray()).toEqual([Infinity, 1]);
    expect(() => clipGradNorm([p], 1, 2, { errorIfNonFinite: true } as never)).toThrow(/unknown option/);
  });
});

describe('schedulers are all or nothing', () => {
  it('a step that would give a bad rate changes neither the epoch nor any rate', () => {
    const p = tensor([1], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    const sched = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    (sched as unknown as { baseLrs: number[] }).baseLrs[0] = NaN;
    const before = snapshotAll([sched, opt]);
    expect(() => sched.step()).toThrow(/group 0's learning rate at epoch 1 would be NaN/);
    expect(snapshotAll([sched, opt])).toEqual(before);
  });

  it('loadStateDict checks the epoch and every base rate before it writes', () => {
    const p = tensor([1], { requiresGrad: true });
    const q = tensor([1], { requiresGrad: true });
    const opt = new SGD([{ params: [p] }, { params: [q], lr: 0.2 }], { lr: 0.1 });
    const sched = new ExponentialLR(opt, { gamma: 0.9 });
    sched.step();
    const before = snapshotAll([sched, opt]);
    for (const [bad, message] of [
      [{ lastEpoch: -1, baseLrs: [1, 1] }, /lastEpoch must be a non-negative integer, got -1/],
      [{ lastEpoch: 0.5, baseLrs: [1, 1] }, /lastEpoch must be a non-negative integer, got 0.5/],
      [{ lastEpoch: 2, baseLrs: [1, NaN] }, /baseLrs\[1\] must be a finite learning rate >= 0, got NaN/],
      [{ lastEpoch: 2, baseLrs: [1, -1] }, /baseLrs\[1\] must be a finite learning rate >= 0, got -1/],
      [{ lastEpoch: 2, baseLrs: [1] }, /the state has 1 group\(s\), the optimizer 2/],
      [{ lastEpoch: 2, baseLrs: [1, 1], last_epoch: 2 }, /unknown key "last_epoch"/],
    ] as const) {
      expect(() => sched.loadStateDict(bad as never)).toThrow(message);
      expect(snapshotAll([sched, opt])).toEqual(before);
    }
  });

  it('refuses a group added after the scheduler was made', () => {
    const p = tensor([1], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    const sched = new CosineAnnealingLR(opt, { tMax: 10 });
    opt.paramGroups.push({ ...opt.paramGroups[0]!, params: [tensor([2], { requiresGrad: true })] });
    const before = snapshotAll([sched, opt]);
    expect(() => sched.step()).toThrow(/the optimizer has 2 parameter group\(s\), the scheduler 1 base rate\(s\)/);
    expect(snapshotAll([sched, opt])).toEqual(before);
  });

  it('scheduler options are checked: unknown keys, non-finite and negative values', () => {
    const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
    expect(() => new StepLR(opt, { stepSize: 2, gama: 0.5 } as never)).toThrow(/unknown option "gama".*"gamma"/);
    expect(() => new StepLR(opt, { stepSize: 2, gamma: NaN })).toThrow(/gamma must be a finite number >= 0/);
    expect(() => new ExponentialLR(opt, { gamma: -0.5 })).toThrow(T.RangeError);
    expect(() => new ExponentialLR(opt, {} as never)).toThrow(/gamma must be a finite number >= 0, got undefined/);
    expect(() => new CosineAnnealingLR(opt, { tMax: Infinity })).toThrow(/tMax must be positive/);
    expect(() => new CosineAnnealingLR(opt, { tMax: 5, etaMin: -1 })).toThrow(/etaMin/);
    expect(() => new ReduceLROnPlateau(opt, { mode: 'avg' as never })).toThrow(/mode must be one of 'min', 'max'/);
    expect(() => new ReduceLROnPlateau(opt, { patience: 1.5 })).toThrow(/patience must be a non-negative integer/);
    expect(() => new ReduceLROnPlateau(opt, { paitence: 3 } as never)).toThrow(/unknown option "paitence"/);
    const plateau = new ReduceLROnPlateau(opt);
    const before = snapshotAll([plateau, opt]);
    expect(() => plateau.step(tensor(1) as never)).toThrow(/the metric must be a number .*loss.item\(\)/);
    expect(snapshotAll([plateau, opt])).toEqual(before);
  });
});

describe('optimizer options', () => {
  const p = () => tensor([1, 2], { requiresGrad: true });

  it('an empty parameter list is an error, as in PyTorch', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow('SGD: got an empty parameter list');
    expect(() => new Adam([])).toThrow(ModuleError);
    expect(() => new Adam([{ params: [] }])).toThrow(/empty parameter list/);
    expect(() => new Adam(p() as never)).toThrow(/got a single Tensor \(wrap it: \[p\]\)/);
  });

  it('an unknown option key is an error naming it and the valid ones', () => {
    expect(() => new SGD([p()], { lr: 0.1, weight_decay: 0.1 } as never)).toThrow(
      /SGD: unknown option "weight_decay" \(did you mean "weightDecay"\?\); the valid ones are .*"momentum"/,
    );
    expect(() => new Adam([p()], { lrr: 0.1 } as never)).toThrow(/Adam: unknown option "lrr"; the valid ones are "lr"/);
    expect(() => new RMSprop([p()], { momentun: 0.9 } as never)).toThrow(/unknown option "momentun"/);
    expect(() => new Adagrad([p()], { lr_decay: 0.1 } as never)).toThrow(/did you mean "lrDecay"/);
    expect(() => new SGD([{ params: [p()], wd: 1 } as never], { lr: 0.1 })).toThrow(/group 0: unknown option "wd"/);
    expect(() => new SGD([p()], { lr: '0.1' } as never)).toThrow('SGD: "lr" must be a number, got the string "0.1"');
    expect(() => new SGD([p()], { lr: 0.1, nesterov: 1 } as never)).toThrow(/"nesterov" must be a boolean/);
    expect(() => new SGD([p()], {} as never)).toThrow('SGD: lr (the learning rate) is required');
  });

  it('hyperparameters must be finite and in range', () => {
    expect(() => new SGD([p()], { lr: Infinity })).toThrow('SGD: lr must be a finite number, got Infinity');
    expect(() => new Adam([p()], { eps: NaN })).toThrow(T.RangeError);
    expect(() => new Adagrad([p()], { lrDecay: -1 })).toThrow('Adagrad: lrDecay must be >= 0, got -1');
    expect(() => new RMSprop([p()], { weightDecay: -1 })).toThrow(/weightDecay must be >= 0/);
  });

  it("Adam and AdamW take PyTorch's betas as beta1 and beta2", () => {
    const a = new Adam([p()], { betas: [0.8, 0.95] });
    expect([a.paramGroups[0]!.beta1, a.paramGroups[0]!.beta2]).toEqual([0.8, 0.95]);
    const w = new AdamW([{ params: [p()], betas: [0.5, 0.6] }, { params: [p()] }], { betas: [0.7, 0.8] });
    expect(w.paramGroups.map((g) => [g.beta1, g.beta2])).toEqual([
      [0.5, 0.6],
      [0.7, 0.8],
    ]);
    expect(() => new Adam([p()], { betas: [0.9] as never })).toThrow(/"betas" must be two numbers/);
    expect(() => new Adam([p()], { betas: [0.9, 0.99], beta1: 0.9 })).toThrow(/either "betas" or "beta1"/);
    expect(() => new Adam([p()], { betas: [0.9, 1] })).toThrow('Adam: beta2 must be in [0, 1), got 1');
    expect(() => new SGD([p()], { lr: 0.1, betas: [0.9, 0.99] } as never)).toThrow(/unknown option "betas"/);
  });
});
