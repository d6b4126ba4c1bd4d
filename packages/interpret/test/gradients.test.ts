// Saliency, SmoothGrad and integrated gradients against their definitions.
import { describe, expect, it } from 'vitest';
import { RangeError, Rng, ShapeError } from '@chainrule/tensor';
import { type Tensor, randn, tensor } from '@chainrule/autograd';
import { Linear, Sequential, Tanh } from '@chainrule/nn';
import { integratedGradients, saliency, smoothGrad } from '@chainrule/interpret';
import { integrationPoints } from '../src/gradients.js';

const flat = (t: Tensor): number[] => (t.toArray() as number[][]).flat();

/** f(x) = Σ sin(x)·x₀ + Σ x², with the gradient written out by hand. */
const f = (x: Tensor): Tensor => x.sin().sum(1).mul(x.select(1, 0)).add(x.square().sum(1));
function gradF(row: number[]): number[] {
  const s = row.reduce((a, v) => a + Math.sin(v), 0);
  return row.map((v, j) => Math.cos(v) * row[0]! + (j === 0 ? s : 0) + 2 * v);
}

describe('saliency', () => {
  const x = randn([4, 3], { dtype: 'float64', rng: new Rng(1) });
  it('is the gradient of the score, |∂f/∂x| by default', () => {
    const expected = (x.toArray() as number[][]).flatMap(gradF);
    const signed = flat(saliency(f, x, { abs: false }));
    signed.forEach((g, i) => void expect(g).toBeCloseTo(expected[i]!, 12));
    flat(saliency(f, x)).forEach((g, i) => void expect(g).toBeCloseTo(Math.abs(expected[i]!), 12));
    expect(x.grad).toBeNull(); // no .grad touched
  });

  it('takes the target class of a Module with [N, K] outputs', () => {
    const net = new Linear(3, 2);
    const w = net.weight.toArray() as number[][];
    const g = saliency(net, randn([2, 3], { rng: new Rng(0) }), { target: [0, 1], abs: false }).toArray() as number[][];
    expect(g[0]![2]).toBeCloseTo(w[0]![2]!, 6);
    expect(g[1]![1]).toBeCloseTo(w[1]![1]!, 6);
    expect(() => saliency(net, randn([2, 3]))).toThrow(RangeError);
    expect(() => saliency(net, randn([3]))).toThrow(ShapeError);
  });
});

describe('smoothGrad', () => {
  it('equals saliency without noise, and averages the noisy gradients otherwise', () => {
    const x = randn([2, 3], { dtype: 'float64', rng: new Rng(2) });
    expect(flat(smoothGrad(f, x, { stdevs: 0, nSamples: 3 }))).toEqual(flat(saliency(f, x)));
    // for Σx² the gradient is 2(x + ε): the mean of nSamples draws has standard deviation 2σ/√n
    const sq = (z: Tensor): Tensor => z.square().sum(1);
    const n = 400;
    const sg = flat(smoothGrad(sq, x, { abs: false, stdevs: 0.5, nSamples: n, rng: new Rng(3) }));
    const xs = flat(x);
    sg.forEach((g, i) => void expect(Math.abs(g - 2 * xs[i]!)).toBeLessThan(5 * ((2 * 0.5) / Math.sqrt(n))));
    const again = flat(smoothGrad(sq, x, { abs: false, stdevs: 0.5, nSamples: n, rng: new Rng(3) }));
    expect(again).toEqual(sg);
  });
});

describe('integratedGradients', () => {
  const x = randn([3, 4], { dtype: 'float64', rng: new Rng(4) });
  const base = randn([4], { dtype: 'float64', rng: new Rng(5) });

  it('equals w·(x − x′) on a linear model', () => {
    const w = randn([4], { dtype: 'float64', rng: new Rng(6) });
    const a = integratedGradients((z: Tensor) => z.matmul(w), x, { baselines: base, nSteps: 3 });
    const ws = w.toArray() as number[];
    const bs = base.toArray() as number[];
    (a.toArray() as number[][]).forEach(
      (row, i) =>
        void row.forEach(
          (v, j) => void expect(v).toBeCloseTo(ws[j]! * ((x.toArray() as number[][])[i]![j]! - bs[j]!), 12),
        ),
    );
  });

  it('is complete within the trapezoid rule error: Σ attributions = f(x) − f(x′), error ∝ 1/m²', () => {
    const net = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 1));
    net.to('float64');
    const model = (z: Tensor): Tensor => net.forward(z);
    const fx = flat(model(x));
    const fb = flat(model(base.unsqueeze(0)))[0]!;
    const gap = (m: number): number => {
      const a = integratedGradients(model, x, { baselines: base, nSteps: m }).toArray() as number[][];
      return Math.max(...a.map((row, i) => Math.abs(row.reduce((s, v) => s + v, 0) - (fx[i]! - fb))));
    };
    const coarse = gap(10);
    const fine = gap(100);
    expect(fine).toBeLessThan(1e-3); // 100 steps
    expect(fine).toBeLessThan(coarse / 20); // ten times the steps: about a hundredth of the error
  });

  it('integrates polynomials of degree 2m − 1 exactly with the m-point Gauss–Legendre rule', () => {
    for (const m of [1, 2, 3, 5, 8]) {
      const { alphas, weights } = integrationPoints('gaussLegendre', m);
      for (let p = 0; p <= 2 * m - 1; p++) {
        const q = alphas.reduce((s, a, i) => s + weights[i]! * a ** p, 0);
        expect(q).toBeCloseTo(1 / (p + 1), 13); // ∫₀¹ αᵖ dα
      }
    }
    const net = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 1));
    net.to('float64');
    const model = (z: Tensor): Tensor => net.forward(z);
    const a = integratedGradients(model, x, { baselines: base, nSteps: 16, method: 'gaussLegendre' });
    const gap = flat(model(x)).map((v) => v - flat(model(base.unsqueeze(0)))[0]!);
    // 16 Gauss points on a smooth path: far past the trapezoid rule's 100 steps
    (a.toArray() as number[][]).forEach(
      (row, i) => void expect(Math.abs(row.reduce((s, v) => s + v, 0) - gap[i]!)).toBeLessThan(1e-8),
    );
  });

  it('offers the Riemann rules and rejects bad options', () => {
    const mid = integratedGradients(f, x, { nSteps: 200, method: 'riemannMiddle' });
    const fx = flat(f(x).unsqueeze(1));
    (mid.toArray() as number[][]).forEach(
      (row, i) => void expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(fx[i]!, 3),
    );
    expect(() => integratedGradients(f, x, { nSteps: 0 })).toThrow(RangeError);
    expect(() => integratedGradients(f, x, { baselines: tensor([1, 2]) })).toThrow(ShapeError);
  });
});
