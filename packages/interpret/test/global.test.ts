// Permutation importance and partial dependence against their definitions, on synthetic data
// whose importances and averages are known.
import { describe, expect, it } from 'vitest';
import { RangeError, Rng, ShapeError } from '@chainrule/tensor';
import { type Tensor, randn, tensor } from '@chainrule/autograd';
import { partialDependence, permutationImportance } from '@chainrule/interpret';

describe('permutationImportance', () => {
  // y = 4x₀ + 2x₁ + x₂ + 0·x₃ + noise, x standard normal: the R² drop of feature j is about 2w_j²/Var(y)
  const n = 2000;
  const weights = [4, 2, 1, 0];
  const x = randn([n, 4], { dtype: 'float64', rng: new Rng(1) });
  const w = tensor(weights, { dtype: 'float64' });
  const y = x.matmul(w).add(randn([n], { dtype: 'float64', rng: new Rng(2) }).mul(0.5));
  const model = (z: Tensor): Tensor => z.matmul(w);

  it('ranks the informative features first and gives an unused feature 0', () => {
    const r = permutationImportance(model, x, y, { nRepeats: 5, rng: new Rng(3) });
    const m = r.importancesMean;
    expect(m[0]).toBeGreaterThan(m[1]!);
    expect(m[1]).toBeGreaterThan(m[2]!);
    expect(m[2]).toBeGreaterThan(0);
    expect(m[3]).toBe(0);
    expect(r.importances.map((row) => row.length)).toEqual([5, 5, 5, 5]);
    // the expected drop 2w²/Var(y), Var(y) = Σw² + 0.25; each estimate within 15% at n = 2000
    const varY = weights.reduce((s, v) => s + v * v, 0) + 0.25;
    for (let j = 0; j < 3; j++) expect(Math.abs(m[j]! / ((2 * weights[j]! ** 2) / varY) - 1)).toBeLessThan(0.15);
    expect(r.baselineScore).toBeGreaterThan(0.98);
  });

  it('is seeded, takes a scorer function or accuracy, and rejects bad shapes', () => {
    const a = permutationImportance(model, x, y, { nRepeats: 2, rng: new Rng(4) });
    expect(permutationImportance(model, x, y, { nRepeats: 2, rng: new Rng(4) })).toEqual(a);
    const neg = permutationImportance(model, x, y, { nRepeats: 2, rng: new Rng(4), scoring: 'negMeanSquaredError' });
    expect(neg.importancesMean[0]).toBeGreaterThan(neg.importancesMean[1]!);
    // a classifier: class = [x₀ > 0], the logits [N, 2]
    const logits = (z: Tensor): Tensor =>
      z
        .select(1, 0)
        .unsqueeze(1)
        .mul(tensor([[-1, 1]], { dtype: 'float64' }));
    const labels = tensor((x.select(1, 0).toArray() as number[]).map((v) => (v > 0 ? 1 : 0)));
    const acc = permutationImportance(logits, x, labels, { scoring: 'accuracy', nRepeats: 3 });
    expect(acc.baselineScore).toBe(1);
    expect(acc.importancesMean[0]).toBeGreaterThan(0.4); // shuffled: about half right
    expect(acc.importancesMean.slice(1)).toEqual([0, 0, 0]);
    expect(() => permutationImportance(model, x.reshape([n, 2, 2]), y)).toThrow(ShapeError);
    expect(() => permutationImportance(model, x, y, { nRepeats: 0 })).toThrow(RangeError);
  });
});

describe('partialDependence', () => {
  // f = x₀² + x₀·x₁ + sin(x₂): PD₀(v) = v² + v·mean(x₁) + mean(sin x₂), ICE_i(v) = v² + v·x₁ᵢ + sin(x₂ᵢ)
  const n = 50;
  const x = randn([n, 3], { dtype: 'float64', rng: new Rng(5) });
  const f = (z: Tensor): Tensor =>
    z
      .select(1, 0)
      .square()
      .add(z.select(1, 0).mul(z.select(1, 1)))
      .add(z.select(1, 2).sin());
  const xs = x.toArray() as number[][];
  const mean = (v: number[]): number => v.reduce((s, a) => s + a, 0) / v.length;
  const m1 = mean(xs.map((r) => r[1]!));
  const ms = mean(xs.map((r) => Math.sin(r[2]!)));

  it('equals the analytic average over the data, with one ICE curve per row', () => {
    const pd = partialDependence(f, x, 0, { gridResolution: 7 });
    expect(pd.gridValues[0]).toHaveLength(7);
    pd.gridValues[0].forEach((v, g) => {
      expect(pd.average[g]).toBeCloseTo(v * v + v * m1 + ms, 12);
      xs.forEach((r, i) => void expect(pd.individual[i]![g]).toBeCloseTo(v * v + v * r[1]! + Math.sin(r[2]!), 12));
    });
  });

  it('builds the grid as scikit-learn does: percentiles 5–95 evenly, or the distinct values', () => {
    const pd = partialDependence(f, x, 1, { gridResolution: 5 });
    const sorted = xs.map((r) => r[1]!).sort((a, b) => a - b);
    const pct = (q: number): number => {
      const pos = q * (n - 1);
      const lo = Math.floor(pos);
      return sorted[lo]! + (sorted[lo + 1]! - sorted[lo]!) * (pos - lo);
    };
    expect(pd.gridValues[0][0]).toBeCloseTo(pct(0.05), 12);
    expect(pd.gridValues[0][4]).toBeCloseTo(pct(0.95), 12);
    const few = tensor(
      xs.map((r, i) => [i % 3, r[1]!, r[2]!]),
      { dtype: 'float64' },
    );
    expect(partialDependence(f, few, 0).gridValues[0]).toEqual([0, 1, 2]);
  });

  it('gives the 2-D surface of a pair of features', () => {
    const pd = partialDependence(f, x, [0, 1], {
      grid: [
        [-1, 0, 2],
        [0.5, 1],
      ],
    });
    pd.gridValues[0].forEach(
      (a, i) =>
        void pd.gridValues[1].forEach((b, j) => void expect(pd.average[i]![j]).toBeCloseTo(a * a + a * b + ms, 12)),
    );
    expect(pd.individual).toHaveLength(n);
    expect(() => partialDependence(f, x, 3)).toThrow(RangeError);
  });
});
