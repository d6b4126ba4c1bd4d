import { describe, expect, it } from 'vitest';
import { overfitting } from '../overfitting.js';

// A small budget (300 digits, 12 epochs); the script's defaults (1,000 digits, 40 epochs) show the full effect.
describe('examples/overfitting', () => {
  const [plain, l2, dropout, early] = overfitting({ trainSize: 300, epochs: 12, patience: 2 });
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('without regularization the training digits are learned by heart while the test accuracy stays far lower', () => {
    expect(plain!.finalTrain).toBeGreaterThanOrEqual(0.98);
    expect(plain!.finalTrain - plain!.finalTest).toBeGreaterThan(0.1);
    expect(plain!.finalTest).toBeGreaterThan(0.6); // it did learn something general
  });

  it('L2 regularization keeps the weights small', () => {
    expect(l2!.weightNorm).toBeLessThan(0.6 * plain!.weightNorm);
    expect(l2!.finalTrain).toBeLessThan(plain!.finalTrain);
  });

  it('dropout slows the fitting of the training digits', () => {
    expect(mean(dropout!.trainAccuracy)).toBeLessThan(mean(plain!.trainAccuracy));
  });

  it('early stopping keeps the weights of the best validation epoch', () => {
    const best = Math.max(...early!.valAccuracy);
    expect(early!.valAccuracy[early!.bestEpoch - 1]).toBe(best);
    expect(early!.valAccuracy.indexOf(best)).toBe(early!.bestEpoch - 1);
    if (early!.epochs < 12) expect(early!.epochs).toBe(early!.bestEpoch + 2);
    // the restored weights give exactly the test accuracy measured after that epoch
    expect(early!.finalTest).toBe(early!.testAccuracy[early!.bestEpoch - 1]);
  });
});
