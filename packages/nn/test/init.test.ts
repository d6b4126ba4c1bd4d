import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { Parameter, init } from '@chainrule/nn';

const values = (t: Tensor) => [t.value.toArray()].flat(Infinity as 1) as number[];
const stats = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return {
    mean: m,
    std: Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length),
    maxAbs: Math.max(...v.map(Math.abs)),
  };
};
const param = (shape: number[], dtype: T.DType = 'float32') => new Parameter(T.zeros(shape, dtype));

describe('init', () => {
  it('fans count the receptive field', () => {
    expect(init.fans([30, 784])).toEqual([784, 30]);
    expect(init.fans([16, 3, 5, 5])).toEqual([75, 400]);
    expect(() => init.fans([5])).toThrow(/at least 2 axes/);
  });

  it('zeros, ones and constant fill; they work on parameters (under noGrad) and return the tensor', () => {
    const p = param([2, 3]);
    expect(init.constant(p, 2.5)).toBe(p);
    expect(values(p)).toEqual([2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
    init.ones(p);
    expect(values(p).every((v) => v === 1)).toBe(true);
    init.zeros(p);
    expect(values(p).every((v) => v === 0)).toBe(true);
    expect(p.requiresGrad).toBe(true);
  });

  it('uniform and normal have the requested moments and are seeded', () => {
    const u = values(init.uniform(param([200, 100], 'float64'), -2, 4, { rng: new Rng(1) }));
    const su = stats(u);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(4);
    expect(Math.abs(su.mean - 1)).toBeLessThan(0.05); // sd of the mean: √3/√20000 = 0.012
    expect(Math.abs(su.std - Math.sqrt(3))).toBeLessThan(0.03);
    const n = stats(values(init.normal(param([200, 100], 'float64'), 3, 0.5, { rng: new Rng(2) })));
    expect(Math.abs(n.mean - 3)).toBeLessThan(0.02);
    expect(Math.abs(n.std - 0.5)).toBeLessThan(0.01);
    expect(values(init.normal(param([10]), 0, 1, { rng: new Rng(7) }))).toEqual(
      values(init.normal(param([10]), 0, 1, { rng: new Rng(7) })),
    );
  });

  it('xavier (Glorot) uses √(6/(fanIn+fanOut)) and √(2/(fanIn+fanOut))', () => {
    const a = Math.sqrt(6 / (300 + 100));
    const u = stats(values(init.xavierUniform(param([100, 300]), { rng: new Rng(3) })));
    expect(u.maxAbs).toBeLessThanOrEqual(a);
    expect(u.maxAbs).toBeGreaterThan(0.99 * a);
    expect(Math.abs(u.std / (a / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
    const g = stats(values(init.xavierNormal(param([100, 300]), { gain: 2, rng: new Rng(4) })));
    expect(Math.abs(g.std / (2 * Math.sqrt(2 / 400)) - 1)).toBeLessThan(0.02);
  });

  it('kaiming (He) uses gain/√fan with fanIn or fanOut', () => {
    const n = stats(values(init.kaimingNormal(param([100, 400]), { nonlinearity: 'relu', rng: new Rng(5) })));
    expect(Math.abs(n.std / Math.sqrt(2 / 400) - 1)).toBeLessThan(0.02);
    const out = stats(
      values(init.kaimingNormal(param([100, 400]), { nonlinearity: 'relu', mode: 'fanOut', rng: new Rng(5) })),
    );
    expect(Math.abs(out.std / Math.sqrt(2 / 100) - 1)).toBeLessThan(0.02);
    const u = stats(values(init.kaimingUniform(param([50, 400]), { a: Math.sqrt(5), rng: new Rng(6) })));
    expect(u.maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(400));
    expect(u.maxAbs).toBeGreaterThan(0.99 / Math.sqrt(400));
  });

  it('calculateGain follows PyTorch', () => {
    expect(init.calculateGain('relu')).toBe(Math.SQRT2);
    expect(init.calculateGain('tanh')).toBe(5 / 3);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('leakyRelu', 0.2)).toBe(Math.sqrt(2 / 1.04));
  });
});
