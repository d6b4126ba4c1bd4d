import { describe, expect, it } from 'vitest';
import { Rng } from '@chainrule/tensor';
import { digits } from '../lib/digits.js';
import { augmentation, augmentDigits } from '../augmentation.js';

// A short version (300 digits, 8 epochs, one seed); the script's defaults (1,000 digits, 30 epochs,
// seeds 0–2) give the numbers in the nn README.
describe('examples/augmentation', () => {
  it('augments digit batches as new [B, 784] images, seeded', () => {
    const { train } = digits({ train: 4 });
    const a = augmentDigits('affine', train.images, new Rng(1));
    expect(a.shape).toEqual([4, 784]);
    expect(a.toArray()).toEqual(augmentDigits('affine', train.images, new Rng(1)).toArray());
    expect(a.toArray()).not.toEqual(train.images.toArray());
    expect(augmentDigits('none', train.images, new Rng(1))).toBe(train.images);
  });

  it('trains every setting and reports a test accuracy per seed', () => {
    const results = augmentation({ trainSize: 300, epochs: 8, seeds: [0], kinds: ['none', 'affine'] });
    expect(results.map((r) => r.kind)).toEqual(['none', 'affine']);
    for (const r of results) {
      expect(r.testAccuracy).toHaveLength(1);
      expect(r.mean).toBeGreaterThan(0.6); // both learn: far above the 10% of guessing
    }
  });
});
