import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as T from '@chainrule/tensor';
import { Tensor, logSoftmax, relu, sigmoid, softmax, tanh, tensor } from '@chainrule/autograd';
import {
  ELU,
  F,
  GELU,
  Identity,
  LeakyReLU,
  LogSoftmax,
  ReLU,
  Sigmoid,
  SobolevaTanh,
  Softmax,
  Softplus,
  Softsign,
  Step,
  Tanh,
  elu,
  gelu,
  identity,
  leakyRelu,
  smht,
  softsign,
  step,
} from '@chainrule/nn';

// nn's softplus takes PyTorch's beta and threshold; autograd's softplus does not, so nn's is F.softplus
const softplus = F.softplus;
import { checkGradients, expectClose } from './helpers.js';

const erf = (x: number): number => {
  // Abramowitz–Stegun would be too coarse; integrate e^{-t²} with Simpson's rule instead
  const n = 2000,
    h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
};

/** Each activation with a scalar reference formula (written independently here). */
const CASES: { name: string; f: (x: Tensor) => Tensor; ref: (x: number) => number; kink?: number[] }[] = [
  { name: 'identity', f: identity, ref: (x) => x },
  { name: 'sigmoid', f: sigmoid, ref: (x) => 1 / (1 + Math.exp(-x)) },
  { name: 'tanh', f: tanh, ref: Math.tanh },
  {
    name: 'smht(a=0.8, b=1.2, c=0.9, d=1.1)',
    f: (x) => smht(x, { a: 0.8, b: 1.2, c: 0.9, d: 1.1 }),
    ref: (x) => (Math.exp(0.8 * x) - Math.exp(-1.2 * x)) / (Math.exp(0.9 * x) + Math.exp(-1.1 * x)),
  },
  { name: 'softsign', f: softsign, ref: (x) => x / (1 + Math.abs(x)), kink: [0] },
  { name: 'relu', f: relu, ref: (x) => Math.max(0, x), kink: [0] },
  { name: 'leakyRelu(0.1)', f: (x) => leakyRelu(x, 0.1), ref: (x) => (x > 0 ? x : 0.1 * x), kink: [0] },
  { name: 'gelu', f: gelu, ref: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)) },
  {
    name: 'gelu tanh',
    f: (x) => gelu(x, 'tanh'),
    ref: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  },
  { name: 'softplus', f: softplus, ref: (x) => Math.log(1 + Math.exp(x)) },
  {
    name: 'softplus(beta=2, threshold=3)',
    f: (x) => softplus(x, 2, 3),
    ref: (x) => (2 * x > 3 ? x : Math.log(1 + Math.exp(2 * x)) / 2),
    kink: [1.5],
  },
  { name: 'elu(1.5)', f: (x) => elu(x, 1.5), ref: (x) => (x > 0 ? x : 1.5 * (Math.exp(x) - 1)), kink: [0] },
];

/** Arrays of random shapes (1–3 axes of 1–4) with values in [-3, 3] at least 0.05 from any kink. */
const inputs = (kinks: number[] = []) =>
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
    fc
      .array(
        fc.double({ min: -3, max: 3, noNaN: true }).filter((v) => kinks.every((k) => Math.abs(v - k) > 0.05)),
        {
          minLength: shape.reduce((a, b) => a * b, 1),
          maxLength: shape.reduce((a, b) => a * b, 1),
        },
      )
      .map((values) => ({ shape, values })),
  );

const leaf = ({ shape, values }: { shape: number[]; values: number[] }) =>
  new Tensor(T.array(values, 'float64').reshape(shape), { requiresGrad: true });

describe('activation functions', () => {
  for (const c of CASES) {
    it(`${c.name}: values match the formula and gradients match central differences`, () => {
      fc.assert(
        fc.property(inputs(c.kink), (input) => {
          const x = leaf(input);
          expectClose(c.f(x).value.toArray(), input.values.map(c.ref), 1e-9);
          checkGradients(c.f, [x]);
        }),
        { numRuns: 25, seed: 42 },
      );
    });
  }

  it('step is 1 for x ≥ 0 and 0 below, with a zero gradient', () => {
    const x = tensor([-2, -0.1, 0, 0.3, 5], { dtype: 'float64', requiresGrad: true });
    const y = step(x);
    expect(y.toArray()).toEqual([0, 0, 1, 1, 1]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0, 0, 0]);
    checkGradients(step, [tensor([-1.5, 0.7], { dtype: 'float64', requiresGrad: true })]);
  });

  it('smht with a = b = c = d = 1 is tanh, and stays finite for large inputs', () => {
    const x = tensor([-1000, -30, -1, 0, 0.5, 30, 1000], { dtype: 'float64' });
    expectClose(smht(x).toArray(), [-1000, -30, -1, 0, 0.5, 30, 1000].map(Math.tanh), 1e-15);
    const g = tensor([-800, 800], { dtype: 'float64', requiresGrad: true });
    smht(g, { a: 0.5, b: 0.5, c: 1, d: 1 }).sum().backward();
    // far out, smht ≈ ±e^{-x/2·sign}: both derivatives are −½e^{-400}
    for (const v of g.grad!.toArray() as number[]) expect(Math.abs(v / (-0.5 * Math.exp(-400)) - 1)).toBeLessThan(1e-9);
  });

  it('softplus is stable for large inputs: softplus(800) = 800, softplus(-800) ≈ 0, gradients finite', () => {
    const x = tensor([800, -800, 30], { dtype: 'float64', requiresGrad: true });
    const y = softplus(x);
    expect(y.toArray()).toEqual([800, Math.log1p(Math.exp(-800)), 30]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 0, 1]);
    const f = tensor([800, -800], { requiresGrad: true });
    softplus(f).sum().backward();
    expect(f.grad!.toArray()).toEqual([1, 0]);
  });

  it('elu has no NaN gradient for large positive inputs (double where)', () => {
    const x = tensor([1000, -1000], { requiresGrad: true });
    elu(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 0]);
  });

  it('softmax and logSoftmax are stable at extreme logits and gradient-check', () => {
    const x = tensor([1e4, 0, -1e4], { dtype: 'float64' });
    expect(softmax(x).toArray()).toEqual([1, 0, 0]);
    expect(logSoftmax(x).toArray()).toEqual([0, -1e4, -2e4]);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 1000 }),
        (n, c, seed) => {
          const v = new Tensor(T.mul(T.randn([n, c], { rng: new T.Rng(seed), dtype: 'float64' }), 2), {
            requiresGrad: true,
          });
          checkGradients((t) => softmax(t, 1), [v]);
          checkGradients((t) => logSoftmax(t, 0), [v]);
          const rows = (softmax(v, -1).toArray() as number[][]).map((r) => r.reduce((a, b) => a + b, 0));
          expectClose(
            rows,
            rows.map(() => 1),
            1e-12,
          );
        },
      ),
      { numRuns: 15, seed: 7 },
    );
  });

  it('the modules apply the functions', () => {
    const x = tensor([[-1.5, 0.5, 2]], { dtype: 'float64' });
    const pairs: [{ forward(x: Tensor): Tensor }, Tensor][] = [
      [new Identity(), x],
      [new Step(), step(x)],
      [new Sigmoid(), sigmoid(x)],
      [new Tanh(), tanh(x)],
      [new SobolevaTanh({ a: 2 }), smht(x, { a: 2 })],
      [new Softsign(), softsign(x)],
      [new ReLU(), relu(x)],
      [new LeakyReLU(0.2), leakyRelu(x, 0.2)],
      [new GELU(), gelu(x)],
      [new GELU('tanh'), gelu(x, 'tanh')],
      [new Softplus(2), softplus(x, 2)],
      [new ELU(0.5), elu(x, 0.5)],
      [new Softmax(), softmax(x)],
      [new LogSoftmax(0), logSoftmax(x, 0)],
    ];
    for (const [m, expected] of pairs) expect(m.forward(x).toArray()).toEqual(expected.toArray());
    expect(new LeakyReLU(0.2).forward(x).toArray()).toEqual([[-0.30000000000000004, 0.5, 2]]);
  });

  it('float32 results agree with float64 ones', () => {
    const values = [-2.5, -0.7, 0.3, 1.9];
    for (const c of CASES) {
      const r32 = c.f(tensor(values, { dtype: 'float32' }));
      expect(r32.dtype).toBe('float32');
      expectClose(r32.toArray(), c.f(tensor(values, { dtype: 'float64' })).toArray(), 1e-6);
    }
  });
});
