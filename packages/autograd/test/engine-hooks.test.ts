// Hooks on leaves and non-leaves, replacement gradients, retainGrad, and a backward started
// from inside another one.
import { describe, expect, it } from 'vitest';
import { AutogradError, type Tensor, runBackward, tensor } from '@chainrule/autograd';

const f64 = (v: number | number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('hooks', () => {
  it('a leaf hook sees the total gradient once, and may replace it', () => {
    const x = f64([1, 2]);
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(g.toArray() as number[]);
      return g.mul(10);
    });
    x.mul(3).add(x).sum().backward(); // d/dx = 3 + 1 = 4
    expect(seen).toEqual([[4, 4]]);
    expect(x.grad!.toArray()).toEqual([40, 40]);
  });

  it('a non-leaf hook changes the gradient that flows on to the leaves', () => {
    const x = f64(2);
    const h = x.mul(3);
    let seen = NaN;
    h.registerHook((g) => {
      seen = g.item();
      return g.mul(0.5);
    });
    h.mul(h).backward(); // dy/dh = 2h = 12; halved, then times dh/dx = 3
    expect(seen).toBe(12);
    expect(x.grad!.item()).toBe(18);
  });

  it('a hook that returns nothing leaves the gradient as it is; the remover takes it off', () => {
    const x = f64(1);
    let calls = 0;
    const remove = x.registerHook(() => {
      calls++;
    });
    x.mul(2).backward();
    expect(x.grad!.item()).toBe(2);
    remove();
    x.mul(2).backward();
    expect(calls).toBe(1);
  });

  it('a hook returning a gradient of the wrong shape is an error naming the shapes', () => {
    const x = f64([1, 2]);
    x.registerHook(() => tensor([1, 2, 3], { dtype: 'float64' }));
    expect(() => x.mul(2).sum().backward()).toThrow(/hook .*shape \[3\], expected float64 of shape \[2\]/);
    expect(x.grad).toBe(null);
  });

  it('cannot be registered on a tensor that needs no grad', () => {
    expect(() => f64(1, false).registerHook(() => undefined)).toThrow(AutogradError);
  });

  it('may itself run a backward pass through nodes the outer pass is still working on', () => {
    const x = f64(3);
    const h = x.mul(x); // 9, used twice
    const a = h.mul(2);
    const b = h.mul(3);
    let inner = NaN;
    a.registerHook((g) => {
      // h's node already holds part of the outer gradient (from b) when this runs
      const [gx] = runBackward([h], [tensor(1, { dtype: 'float64' })], { targets: [x], retainGraph: true });
      inner = gx!.item(); // dh/dx = 2x = 6
      return g;
    });
    a.add(b).backward();
    expect(inner).toBe(6);
    expect(x.grad!.item()).toBe(30); // d(5x²)/dx = 10x
  });
});

describe('retainGrad', () => {
  it('keeps a non-leaf gradient in .grad; others stay null', () => {
    const x = f64(2);
    const h = x.mul(3).retainGrad();
    const k = h.add(1);
    const y = k.square(); // dy/dk = 2k = 14, dy/dh = 14
    y.backward(undefined, { retainGraph: true });
    expect(h.grad!.item()).toBe(14);
    expect(k.grad).toBe(null);
    y.backward();
    expect(h.grad!.item()).toBe(28); // accumulates like a leaf
  });

  it('is refused on a tensor that needs no grad', () => {
    expect(() => f64(1, false).retainGrad()).toThrow(AutogradError);
  });
});
