// KernelSHAP and LIME against their definitions: efficiency, the exact Shapley values by the
// subset formula, and the closed form w·(x − E[x]) of a linear model.
import { describe, expect, it } from 'vitest';
import { RangeError, Rng, ShapeError } from '@chainrule/tensor';
import { type Tensor, randn, tensor } from '@chainrule/autograd';
import { Linear } from '@chainrule/nn';
import { kernelShap, lime } from '@chainrule/interpret';

const rows = (t: Tensor): number[][] => t.toArray() as number[][];

/** A small fixed nonlinear model [N, D] → [N]: tanh(x W1) · w2 + x₀·x₁. */
function mlp(d: number, seed: number): (x: Tensor) => Tensor {
  const rng = new Rng(seed);
  const w1 = randn([d, 6], { dtype: 'float64', rng });
  const w2 = randn([6], { dtype: 'float64', rng });
  return (x) =>
    x
      .matmul(w1)
      .tanh()
      .matmul(w2)
      .add(x.select(1, 0).mul(x.select(1, 1)));
}

/** Shapley values by the subset formula: Σ_S |S|!(D−|S|−1)!/D! (v(S ∪ j) − v(S)). */
function shapleyBySubsets(v: (mask: number[]) => number, d: number): number[] {
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = new Array<number>(d).fill(0);
  for (let bits = 0; bits < 2 ** d; bits++) {
    const mask = Array.from({ length: d }, (_, j) => (bits >> j) & 1);
    const size = mask.reduce((s, b) => s + b, 0);
    for (let j = 0; j < d; j++) {
      if (mask[j] === 1) continue;
      const withJ = mask.map((b, k) => (k === j ? 1 : b));
      phi[j]! += ((fact(size) * fact(d - size - 1)) / fact(d)) * (v(withJ) - v(mask));
    }
  }
  return phi;
}

describe('kernelShap', () => {
  const d = 5;
  const f = mlp(d, 1);
  const x = randn([3, d], { dtype: 'float64', rng: new Rng(2) });
  const background = randn([16, d], { dtype: 'float64', rng: new Rng(3) });
  const fx = f(x).toArray() as number[];
  const meanF = (f(background).toArray() as number[]).reduce((s, v) => s + v, 0) / 16;

  it('is efficient: each row of SHAP values sums to f(x) − E[f]', () => {
    const phi = rows(kernelShap(f, x, { baselines: background }));
    phi.forEach((row, i) => void expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(fx[i]! - meanF, 10));
  });

  it('gives the exact Shapley values when every coalition is enumerated', () => {
    const phi = rows(kernelShap(f, x, { baselines: background }));
    const xs = rows(x);
    const bs = rows(background);
    for (let i = 0; i < 3; i++) {
      const v = (mask: number[]): number => {
        const mixed = tensor(
          bs.map((b) => b.map((bj, j) => (mask[j] === 1 ? xs[i]![j]! : bj))),
          { dtype: 'float64' },
        );
        return (f(mixed).toArray() as number[]).reduce((s, a) => s + a, 0) / bs.length;
      };
      const exact = shapleyBySubsets(v, d);
      for (let j = 0; j < d; j++) expect(phi[i]![j]).toBeCloseTo(exact[j]!, 9);
    }
  });

  it('equals w·(x − E[x]) on a linear model, enumerated and sampled', () => {
    const dd = 12; // 2^12 − 2 = 4094 coalitions: sampled below, enumerated with nSamples 5000
    const w = randn([dd], { dtype: 'float64', rng: new Rng(4) });
    const lin = (z: Tensor): Tensor => z.matmul(w).add(0.5);
    const xs = randn([2, dd], { dtype: 'float64', rng: new Rng(5) });
    const bg = randn([10, dd], { dtype: 'float64', rng: new Rng(6) });
    const mean = bg.mean(0).toArray() as number[];
    const ws = w.toArray() as number[];
    for (const nSamples of [5000, 300]) {
      const phi = rows(kernelShap(lin, xs, { baselines: bg, nSamples, rng: new Rng(7) }));
      rows(xs).forEach((row, i) => {
        row.forEach((xj, j) => void expect(phi[i]![j]).toBeCloseTo(ws[j]! * (xj - mean[j]!), 9));
      });
    }
  });

  it('is efficient with sampled coalitions too, and seeded', () => {
    const dd = 10;
    const g = mlp(dd, 8);
    const xs = randn([2, dd], { dtype: 'float64', rng: new Rng(9) });
    const a = rows(kernelShap(g, xs, { nSamples: 200, rng: new Rng(1) }));
    const b = rows(kernelShap(g, xs, { nSamples: 200, rng: new Rng(1) }));
    expect(a).toEqual(b);
    const f0 = (g(tensor([new Array(dd).fill(0)], { dtype: 'float64' })).toArray() as number[])[0]!;
    const fxs = g(xs).toArray() as number[];
    a.forEach((row, i) => void expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(fxs[i]! - f0, 10));
  });

  it('explains one class of a Module with [N, K] outputs (float32)', () => {
    const net = new Linear(3, 4);
    const xs = randn([2, 3], { rng: new Rng(1) });
    const phi = rows(kernelShap(net, xs, { target: [1, 3] }));
    const out = net.forward(xs).toArray() as number[][];
    const out0 = net.forward(tensor([[0, 0, 0]])).toArray() as number[][];
    expect(phi[0]!.reduce((s, v) => s + v, 0)).toBeCloseTo(out[0]![1]! - out0[0]![1]!, 5);
    expect(phi[1]!.reduce((s, v) => s + v, 0)).toBeCloseTo(out[1]![3]! - out0[0]![3]!, 5);
    expect(() => kernelShap(net, xs)).toThrow(RangeError);
    expect(() => kernelShap(net, xs, { target: 4 })).toThrow(RangeError);
    expect(() => kernelShap(net, xs, { baselines: tensor([1, 2]) })).toThrow(ShapeError);
  });
});

describe('lime', () => {
  it('recovers w·(x − b) for a linear model (the surrogate fits it exactly)', () => {
    const d = 6;
    const w = randn([d], { dtype: 'float64', rng: new Rng(1) });
    const lin = (z: Tensor): Tensor => z.matmul(w).sub(1);
    const xs = randn([3, d], { dtype: 'float64', rng: new Rng(2) });
    const base = randn([d], { dtype: 'float64', rng: new Rng(3) });
    const coef = rows(lime(lin, xs, { baselines: base, alpha: 0, nSamples: 200, rng: new Rng(4) }));
    const ws = w.toArray() as number[];
    const bs = base.toArray() as number[];
    rows(xs).forEach(
      (row, i) => void row.forEach((xj, j) => void expect(coef[i]![j]).toBeCloseTo(ws[j]! * (xj - bs[j]!), 9)),
    );
  });

  it('ranks the features a nonlinear model uses first, and is seeded', () => {
    const f = (z: Tensor): Tensor => z.select(1, 0).mul(3).tanh().add(z.select(1, 1).mul(0.2));
    const xs = tensor([[1, 1, 1]], { dtype: 'float64' });
    const a = rows(lime(f, xs, { rng: new Rng(5) }))[0]!;
    expect(a).toEqual(rows(lime(f, xs, { rng: new Rng(5) }))[0]);
    expect(a[0]).toBeGreaterThan(a[1]!);
    expect(a[1]).toBeGreaterThan(Math.abs(a[2]!));
    // the model ignores feature 2: only the sample's chance correlations give it a coefficient
    expect(Math.abs(a[2]!)).toBeLessThan(0.01 * a[0]!);
  });
});
