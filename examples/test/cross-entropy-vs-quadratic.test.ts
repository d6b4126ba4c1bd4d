import { describe, expect, it } from 'vitest';
import { crossEntropyVsQuadratic } from '../cross-entropy-vs-quadratic.js';

// Nielsen's setting as the script runs it (300 epochs of one neuron: fast).
describe('examples/cross-entropy-vs-quadratic', () => {
  const [quadratic, crossEntropy] = crossEntropyVsQuadratic();
  const a0 = 1 / (1 + Math.exp(-4)); // σ(w·1 + b) with w = b = 2

  it('starts both from the saturated output σ(4), with the textbook gradients', () => {
    expect(quadratic!.output[0]).toBeCloseTo(a0, 12);
    expect(crossEntropy!.output[0]).toBeCloseTo(a0, 12);
    // quadratic: (a − y)·σ'(z)·x = a·a(1 − a); cross-entropy: (a − y)·x = a
    expect(quadratic!.firstGradient).toBeCloseTo(a0 * a0 * (1 - a0), 12);
    expect(crossEntropy!.firstGradient).toBeCloseTo(a0, 12);
  });

  it('the quadratic cost learns slowly while saturated; cross-entropy does not', () => {
    expect(quadratic!.output[30]!).toBeGreaterThan(0.95);
    expect(crossEntropy!.output[30]!).toBeLessThan(0.3);
    // cross-entropy's output stays below the quadratic's at every epoch after the first
    for (let e = 1; e < quadratic!.output.length; e++)
      expect(crossEntropy!.output[e]!).toBeLessThan(quadratic!.output[e]!);
  });

  it('both eventually move towards the target 0', () => {
    expect(quadratic!.output[300]!).toBeLessThan(0.5);
    expect(crossEntropy!.output[300]!).toBeLessThan(0.05);
  });
});
