import { describe, expect, it } from 'vitest';
import { l1VsL2 } from '../l1-vs-l2.js';

// 500 digits and 8 epochs instead of the script's 1,000 and 20 (same λs).
describe('examples/l1-vs-l2', () => {
  const [none, l2, l1] = l1VsL2({ trainSize: 500, epochs: 8 });

  it('each penalty shrinks the measure it penalizes', () => {
    expect(l2!.sumSquares).toBeLessThan(0.6 * none!.sumSquares);
    expect(l1!.sumAbs).toBeLessThan(0.5 * l2!.sumAbs);
  });

  it('L1 sets far more weights to (near) zero than L2', () => {
    expect(none!.sparsity).toBeLessThan(0.05);
    expect(l1!.sparsity).toBeGreaterThan(0.3);
    expect(l1!.sparsity).toBeGreaterThan(3 * l2!.sparsity);
    expect(l1!.percentiles[50]!).toBeLessThan(l2!.percentiles[50]!);
  });

  it('every run still learns the digits', () => {
    for (const r of [none, l2, l1]) expect(r!.finalTest).toBeGreaterThan(0.5);
    expect(none!.testAccuracy).toHaveLength(8);
  });
});
