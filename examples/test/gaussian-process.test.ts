import { describe, expect, it } from 'vitest';
import { gradcheck, grad, tensor } from '@chainrule/autograd';
import { fit, nllCholesky, nllSolve, predict, sampleData } from '../gaussian-process.js';

describe('examples/gaussian-process', () => {
  const { x, y } = sampleData();

  it('the NLL through cholesky equals the NLL through solve and slogdet, value and gradient', () => {
    for (const p of [
      [0, 0, -1],
      [0.5, -0.3, -2],
      [-0.4, 0.2, -0.5],
    ]) {
      const params = tensor(p, { dtype: 'float64' });
      expect(nllCholesky(x, y, params).item()).toBeCloseTo(nllSolve(x, y, params).item(), 10);
      const a = grad((q) => nllCholesky(x, y, q))(params).toArray() as number[];
      const b = grad((q) => nllSolve(x, y, q))(params).toArray() as number[];
      for (const [i, v] of a.entries()) expect(v).toBeCloseTo(b[i]!, 9);
    }
  });

  it('its gradient passes gradcheck', () => {
    const params = tensor([0.2, -0.1, -1.5], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((p) => nllCholesky(x, y, p!), [params]).ok).toBe(true);
  });

  it('gradient descent lowers the NLL, learns the noise level and predicts sin', () => {
    const { params, losses } = fit(x, y);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! - 10);
    const noise = Math.exp((params.toArray() as number[])[2]!);
    expect(noise).toBeGreaterThan(0.05);
    expect(noise).toBeLessThan(0.2); // the data's noise is 0.1
    const at = [-2, 0, 1.5];
    const mean = predict(x, y, params, tensor(at, { dtype: 'float64' })).toArray() as number[];
    for (const [i, v] of mean.entries()) expect(Math.abs(v - Math.sin(at[i]!))).toBeLessThan(0.15);
  });
});
