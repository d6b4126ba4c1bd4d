import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { hyperband, hyperbandBrackets, randomSearch, successiveHalving } from '../src/index.js';

// A synthetic "training": the score is the true quality q(x) of a configuration plus a noise that
// shrinks with the budget, so the ranking at a small budget is only roughly right.
const quality = (x: number): number => -((x - 0.3) ** 2);
const noisy = (x: number, budget: number): number => quality(x) + Math.sin(1e4 * x * budget) * (0.02 / budget);

describe('successiveHalving', () => {
  it('keeps the best 1/η each round and multiplies the budget by η', () => {
    const calls: { x: number; budget: number }[] = [];
    const r = successiveHalving(
      { x: { uniform: [0, 1] } },
      9,
      ({ x }, budget) => {
        calls.push({ x, budget });
        return noisy(x, budget);
      },
      { minBudget: 1, maxBudget: 9, rng: new Rng(4) },
    );
    expect(calls.map((c) => c.budget)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 9]);
    expect(r.budgetUsed).toBe(9 + 9 + 9);
    expect(r.trials).toHaveLength(calls.length);
    // the survivors of round 0 are the 3 best of round 0's scores
    const round0 = r.trials.filter((t) => t.round === 0).sort((a, b) => b.score - a.score);
    const round1 = r.trials.filter((t) => t.round === 1);
    expect(new Set(round1.map((t) => t.config))).toEqual(new Set(round0.slice(0, 3).map((t) => t.config)));
    const round2 = r.trials.filter((t) => t.round === 2);
    const best1 = round1.reduce((a, b) => (b.score > a.score ? b : a));
    expect(round2.map((t) => t.config)).toEqual([best1.config]);
    // a survivor keeps its params across rounds
    for (const t of round1) expect(t.params).toEqual(r.trials.find((u) => u.config === t.config)!.params);
    expect(r.best.score).toBe(Math.max(...r.trials.map((t) => t.score)));
  });

  it('finds a configuration as good as random search at the full budget, for a third of the budget', () => {
    const sh = successiveHalving({ x: { uniform: [0, 1] } }, 27, ({ x }, b) => noisy(x, b), {
      maxBudget: 27,
      rng: new Rng(7),
    });
    // the same 27 draws, each at the full budget
    const full = randomSearch({ x: { uniform: [0, 1] } }, 27, ({ x }) => noisy(x, 27), new Rng(7));
    const bestFull = quality(full[0]!.params.x);
    const bestFinal = quality(sh.trials.at(-1)!.params.x);
    expect(bestFinal).toBeGreaterThanOrEqual(bestFull - 1e-3);
    expect(sh.budgetUsed).toBe(27 * 1 + 9 * 3 + 3 * 9 + 1 * 27);
    expect(sh.budgetUsed).toBeLessThan((27 * 27) / 5);
  });

  it("mode 'min' keeps the lowest scores", () => {
    const r = successiveHalving({ a: [5, 1, 4, 2, 3, 9, 8, 7, 6] }, 9, ({ a }) => a, {
      maxBudget: 9,
      mode: 'min',
      rng: new Rng(2),
    });
    const last = r.trials.at(-1)!;
    const drawn = r.trials.filter((t) => t.round === 0).map((t) => t.params.a);
    expect(last.params.a).toBe(Math.min(...drawn));
    expect(r.best.score).toBe(Math.min(...drawn));
  });

  it('rejects bad options with a RangeError naming the op and changes nothing', () => {
    let calls = 0;
    const f = () => ++calls;
    expect(() => successiveHalving({ a: [1] }, 0, f, { maxBudget: 9 })).toThrow(/successiveHalving: n must be/);
    expect(() => successiveHalving({ a: [1] }, 3, f, { maxBudget: 0.5 })).toThrow(T.RangeError);
    expect(() => successiveHalving({ a: [1] }, 3, f, { maxBudget: 9, eta: 1 })).toThrow(/eta must be/);
    expect(() => hyperband({ a: [1] }, f, { maxBudget: 9, minBudget: -1 })).toThrow(/hyperband: minBudget/);
    expect(calls).toBe(0);
  });
});

describe('hyperband', () => {
  it("uses Li et al.'s brackets: R = 81, η = 3 gives n = 81, 34, 15, 8, 5", () => {
    const b = hyperbandBrackets({ minBudget: 1, maxBudget: 81 });
    expect(b.map((x) => x.n)).toEqual([81, 34, 15, 8, 5]);
    expect(b.map((x) => x.budget)).toEqual([1, 3, 9, 27, 81]);
    expect(b.map((x) => x.rounds)).toEqual([4, 3, 2, 1, 0]);
  });

  it('runs every bracket with fresh configurations and reports the budget it used', () => {
    const r = hyperband({ x: { uniform: [0, 1] } }, ({ x }, b) => noisy(x, b), {
      minBudget: 1,
      maxBudget: 9,
      rng: new Rng(11),
    });
    expect(r.trials).toHaveLength(9 + 3 + 1 + 5 + 1 + 3);
    expect(new Set(r.trials.map((t) => t.config)).size).toBe(9 + 5 + 3);
    expect(r.trials.filter((t) => t.bracket === 2).every((t) => t.budget === 9)).toBe(true);
    expect(r.budgetUsed).toBe(r.trials.reduce((s, t) => s + t.budget, 0));
    expect(r.budgetUsed).toBe(27 + 15 + 9 + 27);
    expect(quality(r.best.params.x)).toBeGreaterThan(-0.01);
  });

  it('is deterministic for a seed', () => {
    const run = () =>
      hyperband({ x: { logUniform: [1e-3, 1] } }, ({ x }, b) => noisy(x, b), { maxBudget: 27, rng: new Rng(5) });
    expect(run().trials.map((t) => t.params.x)).toEqual(run().trials.map((t) => t.params.x));
  });
});
