// The worked examples of the lecture notes (/work/shared/seeds), with the expected values derived
// by hand from the chain rule.
import { describe, expect, it } from 'vitest';
import { tensor } from '@chainrule/autograd';

const scalar = (v: number, requiresGrad = true) => tensor(v, { dtype: 'float64', requiresGrad });

describe('f(x, y, z) = (x + y)·z at x = -2, y = 5, z = -4', () => {
  it('gives q = 3, f = -12, df/dx = z = -4, df/dy = z = -4, df/dz = q = 3', () => {
    const x = scalar(-2),
      y = scalar(5),
      z = scalar(-4);
    const q = x.add(y).retainGrad();
    const f = q.mul(z);
    f.backward();
    expect(q.item()).toBe(3);
    expect(f.item()).toBe(-12);
    expect(q.grad!.item()).toBe(-4); // df/dq = z
    expect(x.grad!.item()).toBe(-4); // df/dx = df/dq · dq/dx = z · 1
    expect(y.grad!.item()).toBe(-4);
    expect(z.grad!.item()).toBe(3); // df/dz = q
  });
});

describe('f = (wx·x + wy·y)·wq + wz·z at (x, y, z) = (-3, 7, -5)', () => {
  // The notes give no weights; these are ours. By hand: q = wx·x + wy·y,
  // ∂f/∂wx = wq·x, ∂f/∂wy = wq·y, ∂f/∂wq = q, ∂f/∂wz = z.
  const cases = [
    { wx: 2, wy: -1, wq: 3, wz: 0.5 },
    { wx: -0.25, wy: 1.5, wq: -2, wz: 4 },
  ];
  for (const w of cases) {
    it(`with weights ${JSON.stringify(w)}`, () => {
      const [x, y, z] = [-3, 7, -5];
      const wx = scalar(w.wx),
        wy = scalar(w.wy),
        wq = scalar(w.wq),
        wz = scalar(w.wz);
      const X = scalar(x, false),
        Y = scalar(y, false),
        Z = scalar(z, false);
      const f = wx.mul(X).add(wy.mul(Y)).mul(wq).add(wz.mul(Z));
      f.backward();
      const q = w.wx * x + w.wy * y;
      expect(f.item()).toBe(q * w.wq + w.wz * z);
      expect(wx.grad!.item()).toBe(w.wq * x);
      expect(wy.grad!.item()).toBe(w.wq * y);
      expect(wq.grad!.item()).toBe(q);
      expect(wz.grad!.item()).toBe(z);
      expect(X.grad).toBe(null); // inputs that need no grad get none
    });
  }
});
