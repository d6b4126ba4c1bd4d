// The backward engine: accumulation, fan-out, retainGraph, grad modes, freeing, and the deep chain.
import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  type Tensor,
  enableGrad,
  isGradEnabled,
  noGrad,
  runBackward,
  tensor,
} from '@chainrule/autograd';
import { KEEP_ELEMENTS } from '../src/tensor.js';

const f64 = (v: number | number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('accumulation into .grad', () => {
  it('adds up over backward calls until zeroGrad, each time into a new tensor', () => {
    const x = f64(3);
    const y = x.mul(x); // dy/dx = 2x = 6
    y.backward(undefined, { retainGraph: true });
    const first = x.grad!;
    expect(first.item()).toBe(6);
    y.backward(undefined, { retainGraph: true });
    expect(x.grad!.item()).toBe(12); // backward twice doubles
    expect(first.item()).toBe(6); // the earlier .grad tensor is left as it was
    x.zeroGrad();
    expect(x.grad).toBe(null);
    y.backward();
    expect(x.grad!.item()).toBe(6);
  });

  it('sums the gradients of every use of a tensor (fan-out)', () => {
    const x = f64([1, -2, 0.5]);
    // y = Σ x·x + x + sin x: dy/dx = 2x + 1 + cos x
    x.mul(x).add(x).add(x.sin()).sum().backward();
    const expected = [1, -2, 0.5].map((v) => 2 * v + 1 + Math.cos(v));
    (x.grad!.toArray() as number[]).forEach((g, i) => {
      expect(g).toBeCloseTo(expected[i]!, 12);
    });
  });

  it('sums fan-in of a non-leaf used by several consumers', () => {
    const x = f64(2);
    const h = x.mul(3); // used twice below
    const y = h.mul(h).add(h.mul(4)); // y = 9x² + 12x, dy/dx = 18x + 12 = 48
    y.backward();
    expect(x.grad!.item()).toBe(48);
  });

  it('gives every leaf its own gradient storage, never an alias of another tensor', () => {
    const a = f64([1, 2]),
      b = f64([3, 4]);
    const seed = tensor([1, 1], { dtype: 'float64' });
    a.add(b).backward(seed); // add's rule passes the same gradient to both inputs
    expect(a.grad!.toArray()).toEqual([1, 1]);
    noGrad(() => a.grad!.mulInPlace(5));
    expect(b.grad!.toArray()).toEqual([1, 1]);
    expect(seed.toArray()).toEqual([1, 1]);
  });

  it('casts a gradOutput of another dtype to the output dtype', () => {
    const x = f64([1, 2]);
    x.square().backward(tensor([1, 1], { dtype: 'float32' }));
    expect(x.grad!.dtype).toBe('float64');
    expect(x.grad!.toArray()).toEqual([2, 4]);
  });

  it('accepts a number as gradOutput (filled to the output shape)', () => {
    const x = f64([1, 2]);
    x.mul(3).backward(2);
    expect(x.grad!.toArray()).toEqual([6, 6]);
  });
});

describe('retainGraph and freeing', () => {
  it('frees each node with a large saved value after a backward without retainGraph', () => {
    const x = tensor(new Array(KEEP_ELEMENTS + 1).fill(0.5), { dtype: 'float64', requiresGrad: true });
    const h = x.exp();
    const y = h.mul(2).sum();
    const nodes = [h.node!, y.node!.inputs[0]!.node!, y.node!];
    y.backward();
    for (const n of nodes) {
      expect(n.released).toBe(true);
      expect(n.freed).toBe(true);
      expect(n.inputs).toHaveLength(0);
      expect(n.output).toBe(null);
    }
  });

  it('keeps small nodes whole after a backward (for the teaching tools), but marks them used', () => {
    const x = tensor(new Array(KEEP_ELEMENTS).fill(0.5), { dtype: 'float64', requiresGrad: true });
    const h = x.exp();
    const y = h.sum();
    y.backward();
    for (const n of [h.node!, y.node!]) {
      expect(n.released).toBe(true);
      expect(n.freed).toBe(false);
    }
    expect(y.node!.inputs[0]).toBe(h);
    expect(() => y.backward()).toThrow(/second time/);
  });

  it('takes the options first, as y.backward({ retainGraph: true })', () => {
    const x = f64(1);
    const y = x.exp();
    y.backward({ retainGraph: true });
    y.backward({ retainGraph: true });
    expect(x.grad!.item()).toBeCloseTo(2 * Math.E, 12);
    expect(y.node!.released).toBe(false);
    expect(() => y.backward({ retainGraph: true }, { createGraph: true })).toThrow(/options were given twice/);
  });

  it('keeps the graph with retainGraph', () => {
    const x = f64(1);
    const y = x.exp();
    y.backward(undefined, { retainGraph: true });
    expect(y.node!.freed).toBe(false);
    expect(y.node!.inputs).toHaveLength(1);
  });

  it('refuses a second backward through a freed graph, naming the fix', () => {
    const x = f64(1);
    const y = x.exp().mul(2);
    y.backward();
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/second time.*retainGraph: true/);
    expect(x.grad!.item()).toBeCloseTo(2 * Math.E, 12); // the failed call changed nothing
  });
});

describe('noGrad and enableGrad', () => {
  it('records nothing under noGrad, and enableGrad turns recording back on inside it', () => {
    const x = f64(2);
    const y = noGrad(() => x.mul(3));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBe(null);
    const z = noGrad(() => enableGrad(() => x.mul(3)));
    expect(z.requiresGrad).toBe(true);
    expect(z.node!.op).toBe('mul');
    expect(isGradEnabled()).toBe(true);
  });

  it('restores the mode when the callback throws', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(() =>
        enableGrad(() => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(isGradEnabled()).toBe(false);
    });
  });

  it('gives results that need no grad when no input requires grad', () => {
    const a = f64([1, 2], false);
    expect(a.mul(2).requiresGrad).toBe(false);
  });
});

describe('non-float results', () => {
  it('never require grad (a cast to int32 of a tensor that requires grad)', () => {
    const x = f64([1.5, 2.5]);
    const i = x.cast('int32');
    expect(i.requiresGrad).toBe(false);
    expect(i.node).toBe(null);
    expect(i.toArray()).toEqual([1, 2]);
  });
});

describe('createGraph: gradients of gradients', () => {
  it("differentiates x.grad again: f = x³, f' = 3x², f'' = 6x", () => {
    const x = f64(2);
    x.pow(3).backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.item()).toBe(12);
    expect(g.requiresGrad).toBe(true);
    x.zeroGrad();
    g.backward();
    expect(x.grad!.item()).toBe(12); // 6x at x = 2
  });
});

describe('targets (what the functional transforms use)', () => {
  it(
    'returns gradients for the targets, leaves .grad alone, ' +
      'and runs only the part of the graph that leads to them',
    () => {
      const x = f64(2),
        w = f64(5);
      const a = x.mul(3); // leads to x
      const b = w.exp(); // leads only to w
      const y = a.add(b);
      const ran: string[] = [];
      const [gx, gw] = runBackward([y], [tensor(1, { dtype: 'float64' })], {
        targets: [x, a],
        trace: (s) => ran.push(s.node.op),
      });
      expect(gx!.item()).toBe(3);
      expect(gw!.item()).toBe(1); // a non-leaf target: ∂y/∂a
      expect(ran.sort()).toEqual(['add', 'mul']); // exp (w's branch) never ran
      expect(x.grad).toBe(null);
      expect(w.grad).toBe(null);
    },
  );

  it('gives null for a target the output does not depend on', () => {
    const x = f64(1),
      z = f64(2);
    const [g] = runBackward([x.mul(2)], [tensor(1, { dtype: 'float64' })], { targets: [z] });
    expect(g).toBe(null);
  });
});

describe('a deep chain', () => {
  it('backpropagates through 1,000,000 ops without overflowing the stack, exactly', () => {
    // y_{k+1} = y_k·w + b with w = 1, b = 1, y_0 = 0: y_k = k, so after n steps
    // ∂y/∂b = n, ∂y/∂w = Σ_{k<n} y_k = n(n-1)/2, ∂y/∂y_0 = wⁿ = 1 (all exact in float64)
    const n = 500_000; // two ops per step
    const w = f64(1),
      b = f64(1),
      y0 = f64(0);
    let y = y0;
    for (let k = 0; k < n; k++) y = y.mul(w).add(b);
    y.backward();
    expect(y.item()).toBe(n);
    expect(b.grad!.item()).toBe(n);
    expect(w.grad!.item()).toBe((n * (n - 1)) / 2);
    expect(y0.grad!.item()).toBe(1);
  }, 60_000);
});
