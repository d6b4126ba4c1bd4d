import { describe, expect, it } from 'vitest';
import { compareSearches } from '../hyperband.js';

// A small budget: 300 digits, at most 3 epochs a trial, a 2 × 2 grid, 3 random draws, 6 halving configurations.
describe('examples/hyperband', () => {
  const rows = compareSearches({
    trainSize: 300,
    maxEpochs: 3,
    lrs: [0.001, 0.5],
    hiddens: [10, 20],
    randomTrials: 3,
    halvingConfigs: 6,
  });
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));

  it('counts the epochs each search spent', () => {
    expect(byName['grid search']!.epochsUsed).toBe(4 * 3);
    expect(byName['random search']!.epochsUsed).toBe(3 * 3);
    expect(byName['successive halving']!.epochsUsed).toBe(6 * 1 + 2 * 3);
    expect(byName["the halving's 6, full budget"]!.epochsUsed).toBe(6 * 3);
    // η = 3, budgets 1 and 3: brackets of 3 configurations (1 epoch, then 1 of them for 3) and 2 (3 epochs)
    expect(byName.Hyperband!.epochsUsed).toBe(3 + 3 + 2 * 3);
    expect(byName.Hyperband!.configs).toBe(5);
  });

  it('every search finds a learning rate that learns, not 0.001', () => {
    for (const r of rows) {
      expect(r.best.lr).toBeGreaterThan(0.002);
      expect(r.valAccuracy).toBeGreaterThan(0.5);
      expect(r.testAccuracy).toBeGreaterThan(0.4);
    }
  });
});
