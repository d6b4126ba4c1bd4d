import { describe, expect, it } from 'vitest';
import { searchHyperparameters } from '../hyperparameters.js';

// A small budget (300 digits, 1 epoch per trial, a 2 × 2 grid, 3 random draws).
describe('examples/hyperparameters', () => {
  const r = searchHyperparameters({
    trainSize: 300,
    epochs: 1,
    lrs: [1e-4, 0.5],
    hiddens: [10, 20],
    randomTrials: 3,
    lrRange: [0.01, 1],
    hiddenRange: [10, 40],
  });

  it('grid search tries every combination, best validation accuracy first', () => {
    expect(r.grid).toHaveLength(4);
    expect(r.grid.map((t) => `${t.params.lr}/${t.params.hidden}`).sort()).toEqual([
      '0.0001/10',
      '0.0001/20',
      '0.5/10',
      '0.5/20',
    ]);
    for (let i = 1; i < r.grid.length; i++) expect(r.grid[i]!.score).toBeLessThanOrEqual(r.grid[i - 1]!.score);
  });

  it('a learning rate of 1e-4 barely learns in one epoch; 0.5 does', () => {
    for (const t of r.grid) {
      if (t.params.lr === 1e-4) expect(t.score).toBeLessThan(0.2);
      else expect(t.score).toBeGreaterThan(0.25);
    }
  });

  it('random search draws within the ranges', () => {
    expect(r.random).toHaveLength(3);
    for (const t of r.random) {
      expect(t.params.lr).toBeGreaterThanOrEqual(0.01);
      expect(t.params.lr).toBeLessThanOrEqual(1);
      expect(Number.isInteger(t.params.hidden)).toBe(true);
      expect(t.params.hidden).toBeGreaterThanOrEqual(10);
      expect(t.params.hidden).toBeLessThanOrEqual(40);
    }
  });

  it('the winner is the best of both searches, and it is tested once', () => {
    expect(r.best.score).toBe(Math.max(...[...r.grid, ...r.random].map((t) => t.score)));
    expect(r.bestTestAccuracy).toBeGreaterThan(0.25);
  });
});
