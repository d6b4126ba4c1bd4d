import { describe, expect, it } from 'vitest';
import { learningCurve } from '../learning-curve.js';

// three sizes instead of the script's six
describe('examples/learning-curve', () => {
  const [small, middle, large] = learningCurve([250, 1000, 4000]);

  it('fits a small training set almost perfectly and generalizes worst from it', () => {
    expect(small!.trainAccuracy).toBeGreaterThan(0.98);
    expect(small!.trainAccuracy - small!.testAccuracy).toBeGreaterThan(0.1);
  });

  it('narrows the gap between training and test accuracy, and raises test accuracy, as the data grows', () => {
    const gap = (p: typeof small) => p!.trainAccuracy - p!.testAccuracy;
    expect(gap(middle)).toBeLessThan(gap(small));
    expect(gap(large)).toBeLessThan(gap(middle));
    expect(middle!.testAccuracy).toBeGreaterThan(small!.testAccuracy);
    expect(large!.testAccuracy).toBeGreaterThan(middle!.testAccuracy);
  });
});
