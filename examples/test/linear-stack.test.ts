import { describe, expect, it } from 'vitest';
import { linearStack } from '../linear-stack.js';

// 300 steps instead of the script's 500.
describe('examples/linear-stack', () => {
  const r = linearStack({ steps: 300 });

  it('three Linear layers without activations fail XOR', () => {
    expect(r.linear.accuracy).toBeLessThanOrEqual(0.75);
    // no linear model beats the constant 1/2 on XOR's cross-entropy: ln 2
    expect(r.linear.loss[r.linear.loss.length - 1]!).toBeGreaterThanOrEqual(Math.log(2) - 1e-9);
  });

  it('the same layers with tanh between them solve it', () => {
    expect(r.nonlinear.accuracy).toBe(1);
    expect(r.nonlinear.loss[r.nonlinear.loss.length - 1]!).toBeLessThan(0.05);
  });

  it('the linear stack is one linear layer: W₃W₂W₁x + b gives the same outputs', () => {
    expect(r.foldError).toBeLessThan(1e-12);
  });
});
