import { describe, expect, it } from 'vitest';
import { vanishingGradients } from '../vanishing-gradients.js';

// The script's own sizes (10 layers of 32, one backward pass each): fast enough to test as is.
describe('examples/vanishing-gradients', () => {
  const profiles = vanishingGradients();
  const get = (activation: string, init: string) =>
    profiles.find((p) => p.activation === activation && p.init === init)!;
  const ratio = (norms: number[]): number => norms[0]! / norms[norms.length - 1]!;

  it('measures one gradient norm per layer for the six networks', () => {
    expect(profiles).toHaveLength(6);
    for (const p of profiles) {
      expect(p.norms).toHaveLength(10);
      for (const v of p.norms) expect(Number.isFinite(v) && v > 0).toBe(true);
    }
  });

  it('sigmoid gradients vanish towards the input, even with Xavier', () => {
    expect(ratio(get('sigmoid', 'small').norms)).toBeLessThan(1e-10);
    expect(ratio(get('sigmoid', 'matched').norms)).toBeLessThan(1e-3);
    // and fall at every layer going back
    const xavier = get('sigmoid', 'matched').norms;
    for (let l = 1; l < xavier.length; l++) expect(xavier[l - 1]!).toBeLessThan(xavier[l]!);
  });

  it('ReLU with He keeps every layer within a small factor; small weights vanish, N(0, 1) explodes', () => {
    const he = get('relu', 'matched').norms;
    expect(Math.max(...he) / Math.min(...he)).toBeLessThan(10);
    expect(Math.max(...get('relu', 'small').norms)).toBeLessThan(1e-6 * Math.min(...he));
    expect(Math.min(...get('relu', 'large').norms)).toBeGreaterThan(1e6 * Math.max(...he));
  });
});
