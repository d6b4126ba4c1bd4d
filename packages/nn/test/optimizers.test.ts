/**
 * Each optimizer's trajectory on a small quadratic f(θ) = ½θᵀAθ − bᵀθ (gradient Aθ − b), against
 * the update equations written out independently here in float64 JavaScript.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Tensor, tensor } from '@chainrule/autograd';
import { Adagrad, Adam, AdamW, type Optimizer, Parameter, RMSprop, SGD, clipGradNorm } from '@chainrule/nn';

const A = [
  [3, 0.5, 0],
  [0.5, 2, -0.3],
  [0, -0.3, 1],
];
const b = [1, -2, 0.5];
const theta0 = [0.7, -1.1, 2.0];
const STEPS = 25;

function gradAt(theta: number[]): number[] {
  return A.map((row, i) => row.reduce((s, a, j) => s + a * theta[j]!, 0) - b[i]!);
}

function lossOf(p: Tensor): Tensor {
  const At = tensor(A, { dtype: 'float64' });
  const bt = tensor(b, { dtype: 'float64' });
  const Ap = At.matmul(p);
  return p.mul(Ap).sum().mul(0.5).sub(bt.mul(p).sum());
}

function run(make: (p: Parameter) => Optimizer, steps = STEPS): number[][] {
  const p = new Parameter(T.array(theta0, 'float64'));
  const opt = make(p);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    opt.zeroGrad();
    lossOf(p).backward();
    opt.step();
    out.push([...(p.value.toArray() as number[])]);
  }
  return out;
}

function reference(update: (theta: number[], g: number[], t: number) => void): number[][] {
  const theta = [...theta0];
  const out: number[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    update(theta, gradAt(theta), t);
    out.push([...theta]);
  }
  return out;
}

function expectTrajectory(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, t) => {
    row.forEach((v, i) => {
      if (!(Math.abs(v - expected[t]![i]!) <= 1e-12 * (1 + Math.abs(expected[t]![i]!)))) {
        throw new Error(`step ${t + 1}, element ${i}: ${v} vs reference ${expected[t]![i]}`);
      }
    });
  });
  // the trajectory moved, so the comparison is not vacuous
  expect(Math.abs(actual.at(-1)![0]! - theta0[0]!)).toBeGreaterThan(1e-3);
}

const zeros3 = () => [0, 0, 0];

describe('SGD', () => {
  for (const o of [
    { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false },
    { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false },
    { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.01, nesterov: false },
    { lr: 0.05, momentum: 0.8, dampening: 0, weightDecay: 0.02, nesterov: true },
  ]) {
    it(`follows the update equations with ${JSON.stringify(o)}`, () => {
      const buf = zeros3();
      const expected = reference((th, g0, t) => {
        for (let i = 0; i < 3; i++) {
          let g = g0[i]! + o.weightDecay * th[i]!;
          if (o.momentum !== 0) {
            buf[i] = t === 1 ? g : o.momentum * buf[i]! + (1 - o.dampening) * g;
            g = o.nesterov ? g + o.momentum * buf[i]! : buf[i]!;
          }
          th[i] = th[i]! - o.lr * g;
        }
      });
      expectTrajectory(
        run((p) => new SGD([p], o)),
        expected,
      );
    });
  }

  it('refuses bad hyperparameters', () => {
    const p = new Parameter(T.zeros([2]));
    expect(() => new SGD([p], { lr: -1 })).toThrow('SGD: learning rate must be >= 0, got -1');
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => new SGD([p, p], { lr: 0.1 })).toThrow(/more than once/);
    expect(() => new SGD([new Tensor(T.zeros([2]), { requiresGrad: true }).mul(2)], { lr: 0.1 })).toThrow(/non-leaf/);
  });
});

describe('Adagrad', () => {
  for (const o of [
    { lr: 0.3, lrDecay: 0, weightDecay: 0, eps: 1e-10, initialAccumulatorValue: 0 },
    { lr: 0.5, lrDecay: 0.05, weightDecay: 0.1, eps: 1e-6, initialAccumulatorValue: 0.2 },
  ]) {
    it(`follows the update equations with ${JSON.stringify(o)}`, () => {
      const sum = [0, 0, 0].map(() => o.initialAccumulatorValue);
      const expected = reference((th, g0, t) => {
        const clr = o.lr / (1 + (t - 1) * o.lrDecay);
        for (let i = 0; i < 3; i++) {
          const g = g0[i]! + o.weightDecay * th[i]!;
          sum[i] = sum[i]! + g * g;
          th[i] = th[i]! - (clr * g) / (Math.sqrt(sum[i]!) + o.eps);
        }
      });
      expectTrajectory(
        run((p) => new Adagrad([p], o)),
        expected,
      );
    });
  }
});

describe('RMSprop', () => {
  for (const o of [
    { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false },
    { lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay: 0.05, momentum: 0.5, centered: false },
    { lr: 0.005, alpha: 0.95, eps: 1e-8, weightDecay: 0, momentum: 0.3, centered: true },
  ]) {
    it(`follows the update equations with ${JSON.stringify(o)}`, () => {
      const sq = zeros3(),
        ga = zeros3(),
        buf = zeros3();
      const expected = reference((th, g0) => {
        for (let i = 0; i < 3; i++) {
          const g = g0[i]! + o.weightDecay * th[i]!;
          sq[i] = o.alpha * sq[i]! + (1 - o.alpha) * g * g;
          let avg: number;
          if (o.centered) {
            ga[i] = o.alpha * ga[i]! + (1 - o.alpha) * g;
            avg = Math.sqrt(sq[i]! - ga[i]! * ga[i]!) + o.eps;
          } else {
            avg = Math.sqrt(sq[i]!) + o.eps;
          }
          if (o.momentum > 0) {
            buf[i] = o.momentum * buf[i]! + g / avg;
            th[i] = th[i]! - o.lr * buf[i]!;
          } else {
            th[i] = th[i]! - (o.lr * g) / avg;
          }
        }
      });
      expectTrajectory(
        run((p) => new RMSprop([p], o)),
        expected,
      );
    });
  }
});

function adamReference(
  o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean },
  decoupled: boolean,
): number[][] {
  const m = zeros3(),
    v = zeros3(),
    vmax = zeros3();
  return reference((th, g0, t) => {
    for (let i = 0; i < 3; i++) {
      let g = g0[i]!;
      if (decoupled) th[i] = th[i]! * (1 - o.lr * o.weightDecay);
      else g += o.weightDecay * th[i]!;
      m[i] = o.beta1 * m[i]! + (1 - o.beta1) * g;
      v[i] = o.beta2 * v[i]! + (1 - o.beta2) * g * g;
      vmax[i] = Math.max(vmax[i]!, v[i]!);
      const mHat = m[i]! / (1 - o.beta1 ** t);
      const second = o.amsgrad ? vmax[i]! : v[i]!;
      th[i] = th[i]! - (o.lr * mHat) / (Math.sqrt(second) / Math.sqrt(1 - o.beta2 ** t) + o.eps);
    }
  });
}

describe('Adam and AdamW', () => {
  for (const o of [
    { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false },
    { lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, amsgrad: false },
    { lr: 0.1, beta1: 0.9, beta2: 0.9, eps: 1e-8, weightDecay: 0, amsgrad: true },
  ]) {
    it(`Adam follows the update equations with ${JSON.stringify(o)}`, () => {
      expectTrajectory(
        run((p) => new Adam([p], o)),
        adamReference(o, false),
      );
    });
    it(`AdamW follows the update equations with ${JSON.stringify({ ...o, weightDecay: 0.2 })}`, () => {
      const w = { ...o, weightDecay: 0.2 };
      expectTrajectory(
        run((p) => new AdamW([p], w)),
        adamReference(w, true),
      );
    });
  }

  it('Adam refuses a beta outside [0, 1)', () => {
    expect(() => new Adam([new Parameter(T.zeros([1]))], { beta1: 1 })).toThrow('Adam: beta1 must be in [0, 1), got 1');
  });
});

describe('optimizer state', () => {
  const makers: [string, (p: Parameter[]) => Optimizer][] = [
    ['SGD', (p) => new SGD(p, { lr: 0.05, momentum: 0.9 })],
    ['Adagrad', (p) => new Adagrad(p, { lr: 0.1 })],
    ['RMSprop', (p) => new RMSprop(p, { lr: 0.01, momentum: 0.2, centered: true })],
    ['Adam', (p) => new Adam(p, { lr: 0.05, amsgrad: true })],
    ['AdamW', (p) => new AdamW(p, { lr: 0.05 })],
  ];
  for (const [name, make] of makers) {
    it(`${name}: stateDict / loadStateDict resumes the same trajectory bit for bit`, () => {
      const p1 = new Parameter(T.array(theta0, 'float64'));
      const opt1 = make([p1]);
      const stepOnce = (p: Parameter, opt: Optimizer) => {
        opt.zeroGrad();
        lossOf(p).backward();
        opt.step();
      };
      for (let i = 0; i < 4; i++) stepOnce(p1, opt1);
      const saved = opt1.stateDict();
      const p2 = new Parameter(T.getBackend().copy(p1.value, 'float64'));
      const opt2 = make([p2]);
      opt2.loadStateDict(saved);
      for (let i = 0; i < 4; i++) {
        stepOnce(p1, opt1);
        stepOnce(p2, opt2);
      }
      expect(p2.value.toArray()).toEqual(p1.value.toArray());
      // the saved dict is a copy: later steps did not change it
      expect(opt1.stateDict()).not.toEqual(saved);
    });

    it(`${name}: zeroGrad clears gradients`, () => {
      const p = new Parameter(T.array(theta0, 'float64'));
      const opt = make([p]);
      lossOf(p).backward();
      expect(p.grad).not.toBeNull();
      opt.zeroGrad();
      expect(p.grad).toBeNull();
    });
  }

  it('loadStateDict refuses a state of the wrong shape and changes nothing', () => {
    const p = new Parameter(T.array(theta0, 'float64'));
    const opt = new Adam([p], { lr: 0.1 });
    lossOf(p).backward();
    opt.step();
    const good = opt.stateDict();
    expect(good.state['0']!.exp_avg).toBeInstanceOf(Tensor);
    const bad = { ...good, state: { '0': { ...good.state['0']!, exp_avg: new Tensor(T.zeros([4], 'float64')) } } };
    const expAvg = () => (opt.stateDict().state['0']!.exp_avg as Tensor).toArray();
    const before = expAvg();
    expect(() => opt.loadStateDict(bad)).toThrow(
      'Adam.loadStateDict: state 0.exp_avg has shape [4], its parameter [3]',
    );
    expect(expAvg()).toEqual(before);
    expect(() => opt.loadStateDict({ state: {}, paramGroups: [] })).toThrow(
      'Adam.loadStateDict: the state has 0 parameter group(s), the optimizer 1',
    );
    const lrBefore = opt.paramGroups[0]!.lr;
    const groups = [{ params: [0], options: { ...good.paramGroups[0]!.options, lr: 5 } }];
    expect(() => opt.loadStateDict({ state: { '7': {} }, paramGroups: groups })).toThrow(/state for parameter 7/);
    expect(opt.paramGroups[0]!.lr).toBe(lrBefore);
  });

  it('parameter groups carry their own hyperparameters', () => {
    const w = new Parameter(T.array([1, 1], 'float64'));
    const bias = new Parameter(T.array([1], 'float64'));
    const opt = new SGD([{ params: [w], weightDecay: 0.5 }, { params: [bias] }], { lr: 0.1 });
    w.grad = new Tensor(T.zeros([2], 'float64'));
    bias.grad = new Tensor(T.zeros([1], 'float64'));
    opt.step();
    expect(w.value.toArray()).toEqual([1 - 0.1 * 0.5, 1 - 0.1 * 0.5]);
    expect(bias.value.toArray()).toEqual([1]);
  });
});

describe('clipGradNorm', () => {
  it('scales all gradients together to the max norm and returns the norm before', () => {
    const a = new Parameter(T.zeros([2], 'float64')),
      c = new Parameter(T.zeros([1], 'float64'));
    a.grad = tensor([3, 0], { dtype: 'float64' });
    c.grad = tensor([4], { dtype: 'float64' });
    expect(clipGradNorm([a, c], 1).item()).toBe(5);
    const k = 1 / (5 + 1e-6);
    expect(a.grad.toArray()).toEqual([3 * k, 0]);
    expect(c.grad.toArray()).toEqual([4 * k]);
  });

  it('leaves small gradients alone and supports the infinity norm', () => {
    const a = new Parameter(T.zeros([3], 'float64'));
    a.grad = tensor([0.1, -0.2, 0.05], { dtype: 'float64' });
    expect(clipGradNorm([a], 10).item()).toBeCloseTo(Math.sqrt(0.01 + 0.04 + 0.0025), 15);
    expect(a.grad.toArray()).toEqual([0.1, -0.2, 0.05]);
    expect(clipGradNorm([a], 0.1, Infinity).item()).toBe(0.2);
    expect(a.grad.toArray()).toEqual([0.1, -0.2, 0.05].map((v) => v * (0.1 / (0.2 + 1e-6))));
  });

  it('returns a 0-d float64 norm and leaves gradients alone when the norm is NaN', () => {
    const a = new Parameter(T.zeros([2]));
    a.grad = tensor([Number.NaN, 5]);
    const norm = clipGradNorm([a], 1);
    expect(norm.shape).toEqual([]);
    expect(norm.dtype).toBe('float64');
    expect(norm.item()).toBeNaN();
    expect(a.grad.toArray()).toEqual([Number.NaN, 5]);
  });
});
