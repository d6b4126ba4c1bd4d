// compile: recorded calls become plans whose replays give eager execution's bits; a new signature
// records again; what cannot be replayed (reads into JavaScript, random numbers, numbers that
// change per call) runs eagerly with a reason, or throws a CompileError when asked.
import {
  CompileError,
  type Tensor,
  compile,
  gather,
  noGrad,
  rand,
  randn,
  tensor,
  vmap,
  zeros,
} from '@chainrule/autograd';
import * as T from '@chainrule/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const bits = (t: Tensor): number[] => Array.from(t.value.contiguous().data as ArrayLike<number>);

/** A two-layer net's parameters, seeded, and an SGD step on them (in place, under noGrad). */
function net(dtype: 'float32' | 'float64', seed: number) {
  T.manualSeed(seed);
  const params = [
    randn([6, 5], { dtype, requiresGrad: true }),
    randn([5], { dtype, requiresGrad: true }),
    randn([5, 3], { dtype, requiresGrad: true }),
  ];
  const step = (x: Tensor, y: Tensor): Tensor => {
    for (const p of params) p.grad = null;
    const [w1, b1, w2] = params as [Tensor, Tensor, Tensor];
    const out = x.matmul(w1).add(b1).tanh().matmul(w2).sigmoid();
    const loss = out.sub(y).square().mean();
    loss.backward();
    noGrad(() => {
      for (const p of params) p.addScaledInPlace(p.grad!, -0.5);
    });
    return loss;
  };
  return { params, step };
}

function batches(dtype: 'float32' | 'float64', n: number, rows = 4): [Tensor, Tensor][] {
  T.manualSeed(99);
  return Array.from({ length: n }, () => [randn([rows, 6], { dtype }), rand([rows, 3], { dtype })]);
}

describe('compile', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`replays a training step with eager execution's bits (${dtype})`, () => {
      const eager = net(dtype, 1);
      const compiled = net(dtype, 1);
      const step = compile(compiled.step);
      for (const [x, y] of batches(dtype, 8)) expect(bits(step(x, y))).toEqual(bits(eager.step(x, y)));
      expect(step.stats).toEqual({ recorded: 2, replayed: 6, eager: 0 });
      compiled.params.forEach((p, i) => {
        expect(bits(p)).toEqual(bits(eager.params[i]!));
        expect(bits(p.grad!)).toEqual(bits(eager.params[i]!.grad!));
      });
    });
  }

  it('knows its memory before it runs, by role', () => {
    const { step } = net('float32', 1);
    const f = compile(step);
    const [x, y] = batches('float32', 1)[0]!;
    f(x, y);
    f(x, y);
    const plan = f.plan(x, y)!;
    const m = plan.memory();
    expect(plan.kernels).toBeGreaterThan(10);
    expect(m.inputs).toBe((4 * 6 + 4 * 3) * 4); // the plan's copies of x and y
    expect(m.state).toBeGreaterThanOrEqual((30 + 5 + 15) * 4); // the parameters, read and written in place
    expect(m.intermediates).toBeGreaterThan(0);
    expect(m.total).toBe(m.intermediates + m.inputs + m.constants + m.state);
    f(x, y); // a replay allocates nothing new in the plan
    expect(f.plan(x, y)!.memory()).toEqual(m);
  });

  it('records again for a new signature and keeps both plans', () => {
    const eager = net('float64', 2);
    const compiled = net('float64', 2);
    const f = compile(compiled.step);
    const small = batches('float64', 4, 2),
      large = batches('float64', 4, 7);
    for (let i = 0; i < 4; i++) {
      for (const [x, y] of [small[i]!, large[i]!]) expect(bits(f(x, y))).toEqual(bits(eager.step(x, y)));
    }
    expect(f.plan(...small[0]!)).toBeDefined();
    expect(f.plan(...large[0]!)).toBeDefined();
    expect(f.stats).toEqual({ recorded: 4, replayed: 4, eager: 0 });
  });

  it('binds .grad again after a replay, even when it was cleared in between', () => {
    const eager = net('float32', 3);
    const compiled = net('float32', 3);
    const f = compile(compiled.step);
    for (const [x, y] of batches('float32', 5)) {
      for (const p of compiled.params) p.grad = null;
      f(x, y);
      eager.step(x, y);
      compiled.params.forEach((p, i) => {
        expect(bits(p.grad!)).toEqual(bits(eager.params[i]!.grad!));
      });
    }
  });

  it('returns fresh results without a graph, in the structure the function returns', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const f = compile((x: Tensor) => {
      const y = x.mul(w);
      return { y, s: y.sum() };
    });
    const results = [1, 2, 3, 4].map((k) => f(tensor([k, k, k])));
    expect(results.map((r) => r.s.item())).toEqual([6, 12, 18, 24]);
    expect(results[0]!.y.toArray()).toEqual([1, 2, 3]); // not overwritten by later calls
    expect(results[3]!.y.requiresGrad).toBe(false);
    const g = compile((a: Tensor, b: Tensor) => [a.add(b), a.mul(b)]);
    for (let i = 0; i < 3; i++) expect(g(tensor([2]), tensor([i])).map((t) => t.item())).toEqual([2 + i, 2 * i]);
  });

  it('runs eagerly, with the reason, when a value is read into JavaScript; throws when asked to', () => {
    const f = compile(function scaled(x: Tensor) {
      return x.mul(x.sum().item());
    });
    for (let k = 1; k <= 4; k++) expect(f(tensor([k, k])).toArray()).toEqual([2 * k * k, 2 * k * k]);
    expect(f.eagerReason(tensor([1, 1]))).toMatch(/item\(\)/);
    expect(f.stats.replayed).toBe(0);
    const strict = compile(
      function scaled(x: Tensor) {
        return x.mul(x.sum().item());
      },
      { fallback: false },
    );
    expect(() => strict(tensor([1, 1]))).toThrow(CompileError);
    expect(() => strict(tensor([1, 1]))).toThrow(/compile\(scaled\).*item\(\)/);
  });

  it('runs eagerly when it draws random numbers (each call draws new ones)', () => {
    const f = compile((x: Tensor) => x.add(rand([3])));
    const x = tensor([0, 0, 0]);
    const outs = [0, 1, 2, 3].map(() => bits(f(x)));
    expect(new Set(outs.map(String)).size).toBe(4);
    expect(f.eagerReason(x)).toMatch(/random numbers/);
  });

  it('runs eagerly when a number computed in JavaScript changes per call, naming the kernel', () => {
    let k = 0;
    const f = compile((x: Tensor) => x.mul(++k));
    for (let i = 1; i <= 6; i++) expect(f(tensor([1, 2])).toArray()).toEqual([i, 2 * i]);
    expect(f.eagerReason(tensor([1, 2]))).toMatch(/kernel \d+ \(binary\)/);
    const strict = compile((x: Tensor) => x.mul(++k), { fallback: false, maxRecordings: 2 });
    strict(tensor([1]));
    expect(() => strict(tensor([1]))).toThrow(CompileError);
  });

  it('repeats host updates, in order, before the host kernels that read what they keep', () => {
    const counter = { n: 0 };
    const f = compile((x: Tensor) => {
      T.hostUpdate('count', (c: { n: number }) => void c.n++, counter);
      const scale = T.hostKernel('scale', () => T.array([counter.n], 'float64'));
      return x.mul(new (x.constructor as typeof Tensor)(scale));
    });
    for (let i = 1; i <= 6; i++) expect(f(tensor([1, 2], { dtype: 'float64' })).toArray()).toEqual([i, 2 * i]);
    expect(counter.n).toBe(6);
    expect(f.stats.replayed).toBe(4);
  });

  it('replays host kernels (oneHot, advanced indexing) on the new values', () => {
    const f = compile((labels: Tensor, x: Tensor) => {
      const hot = new (x.constructor as typeof Tensor)(T.oneHot(labels.value, 4, 'float64'));
      return x
        .at(tensor([2, 0], { dtype: 'int32' }))
        .sum()
        .add(
          hot
            .sum(0)
            .mul(tensor([1, 10, 100, 1000], { dtype: 'float64' }))
            .sum(),
        );
    });
    for (let i = 0; i < 5; i++) {
      const labels = tensor([i % 4, (i + 1) % 4, (i + 1) % 4], { dtype: 'int32' });
      const x = tensor(
        [
          [i, 1],
          [2, 3],
          [10 * i, 5],
        ],
        { dtype: 'float64' },
      );
      const expected = 10 * i + 5 + i + 1 + 10 ** (i % 4) + 2 * 10 ** ((i + 1) % 4);
      expect(f(labels, x).item()).toBe(expected);
    }
    expect(f.stats.replayed).toBe(3);
  });

  it('checks indices on replay: an out-of-range label is a RangeError, not garbage', () => {
    const w = randn([3, 4], { requiresGrad: true });
    const f = compile((x: Tensor, labels: Tensor) => {
      const loss = gather(x.matmul(w).logSoftmax(1), 1, labels.reshape(2, 1)).neg().mean();
      loss.backward();
      return loss;
    });
    const x = randn([2, 3]);
    // .grad accumulates: the first call stores it, the later ones add to it (so calls 2 and 3 agree)
    for (let i = 0; i < 4; i++) f(x, tensor([1, 2], { dtype: 'int32' }));
    expect(f.stats).toEqual({ recorded: 3, replayed: 1, eager: 0 });
    expect(() => f(x, tensor([1, 4], { dtype: 'int32' }))).toThrow(
      /gather: index 4 is out of range for axis 1 of size 4/,
    );
    expect(() => gather(x, 1, tensor([[5]], { dtype: 'int32' }))).toThrow(T.RangeError);
  });

  it('leaves the backend and the listeners as they were when the function throws while recorded', () => {
    const backend = T.getBackend();
    const f = compile((x: Tensor) => x.matmul(tensor([[1, 2, 3]])));
    expect(() => f(tensor([[1, 2]]))).toThrow(T.ShapeError);
    expect(T.getBackend()).toBe(backend);
    // the scalar path is back (no recording): 0-d results live in shared 16-float chunks again
    expect(tensor(2).mul(3).value.data.length).toBe(16);
    expect(T.setHostComputeListener(null)).toBeNull();
  });

  it('puts back storage made outside the kernels that the call writes in place', () => {
    const f = compile((x: Tensor) => {
      const acc = zeros([3]);
      acc.addInPlace(x);
      return acc.mul(2);
    });
    for (let i = 0; i < 5; i++) expect(f(tensor([i, 1, 2])).toArray()).toEqual([2 * i, 2, 4]);
    expect(f.stats.replayed).toBe(3);
  });

  it('runs eagerly when JavaScript moves a view or reads an index, a prod gradient or an argument needing grad', () => {
    const w = randn([6, 2], { dtype: 'float64' });
    let k = 0;
    const moving = compile((x: Tensor) => x.mul(w.at(k++ % 6)));
    const x = tensor([1, 1], { dtype: 'float64' });
    for (let i = 0; i < 6; i++) expect(bits(moving(x))).toEqual(bits(w.at(i)));
    expect(moving.eagerReason(x)).toMatch(/view moved/);
    const indexed = compile((x: Tensor, i: Tensor) => w.at(i).mul(x));
    for (let i = 0; i < 4; i++) expect(bits(indexed(x, tensor(i, { dtype: 'int32' })))).toEqual(bits(w.at(i)));
    expect(indexed.eagerReason(x, tensor(0, { dtype: 'int32' }))).toMatch(/0-d int tensor used as an index/);
    const p = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const prodGrad = compile((s: Tensor) => {
      p.grad = null;
      p.mul(s).prod().backward();
      return p.grad!;
    });
    for (const v of [1, 2, 0, 3])
      expect(prodGrad(tensor(v, { dtype: 'float64' })).toArray()).toEqual(
        v === 0 ? [0, 0, 0] : [6 * v ** 3, 3 * v ** 3, 2 * v ** 3],
      );
    expect(prodGrad.eagerReason(tensor(1, { dtype: 'float64' }))).toMatch(/prod gradient/);
    // an argument that requires grad runs eagerly, even where its signature has a plan, so its
    // gradient reaches the caller's tensor, not the plan's copy
    const withGrad = compile((a: Tensor) => {
      const y = a.square().sum();
      if (a.requiresGrad) y.backward();
      return y;
    });
    for (let i = 0; i < 3; i++) withGrad(tensor([1, 2]));
    expect(withGrad.stats.replayed).toBe(1);
    const a = tensor([1, 2], { requiresGrad: true });
    withGrad(a);
    expect(a.grad!.toArray()).toEqual([2, 4]);
    expect(withGrad.stats.eager).toBe(1);
    const strict = compile((b: Tensor) => b.sum(), { fallback: false });
    expect(() => strict(a)).toThrow(/argument 1 requires grad/);
  });

  it('tells -0 from 0 in the numbers of a signature', () => {
    const f = compile((x: Tensor, s: number) => x.mul(s));
    for (let i = 0; i < 3; i++) {
      expect(Object.is(f(tensor([1]), 0).item(), 0)).toBe(true);
      expect(Object.is(f(tensor([1]), -0).item(), -0)).toBe(true);
    }
  });

  it('keeps carried state right when another signature runs in between or .grad is cleared outside', () => {
    const make = () => randn([3, 2], { dtype: 'float64', requiresGrad: true });
    T.manualSeed(21);
    const pe = make();
    T.manualSeed(21);
    const pc = make();
    const body = (p: Tensor) => (x: Tensor) => {
      const loss = x.matmul(p).sum(); // .grad accumulates from call to call: carried state
      loss.backward();
      return loss;
    };
    const eager = body(pe),
      f = compile(body(pc));
    const small = randn([1, 3], { dtype: 'float64' }),
      large = randn([4, 3], { dtype: 'float64' });
    const order = [large, large, large, large, small, large, large, small, small, small, small, large];
    order.forEach((x, i) => {
      if (i === 9) {
        pe.grad = null; // cleared outside the compiled function
        pc.grad = null;
      }
      eager(x);
      f(x);
      expect(bits(pc.grad!)).toEqual(bits(pe.grad!));
    });
    expect(f.stats.replayed).toBeGreaterThan(0);
  });

  it('adds to a .grad the caller stopped clearing, as eager execution does', () => {
    const make = () => tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const pe = make(),
      pc = make();
    const body = (p: Tensor) => (x: Tensor) => {
      const loss = x.mul(p).sum();
      loss.backward();
      return loss;
    };
    const eager = body(pe),
      f = compile(body(pc));
    for (let i = 0; i < 8; i++) {
      if (i < 4) {
        pe.grad = null; // cleared by the caller for the first calls only
        pc.grad = null;
      }
      const x = tensor([i, 1, 2], { dtype: 'float64' });
      eager(x);
      f(x);
      expect(bits(pc.grad!), `call ${i}`).toEqual(bits(pe.grad!));
    }
    expect(f.stats.replayed).toBeGreaterThan(0);
  });

  it('runs the function itself inside vmap and inside another compiled function', () => {
    const inner = compile((x: Tensor) => x.exp().sum());
    const batched = vmap((x: Tensor) => inner(x));
    const xs = randn([3, 4], { dtype: 'float64' });
    expect(bits(batched(xs))).toEqual(bits(xs.exp().sum(1)));
    const outer = compile((x: Tensor) => inner(x).mul(2));
    for (let i = 0; i < 3; i++) expect(bits(outer(xs))).toEqual(bits(xs.exp().sum().mul(2)));
    expect(inner.stats.recorded).toBe(0);
  });

  it('agrees with eager execution on random broadcasting programs (property)', () => {
    const dims = fc.integer({ min: 1, max: 5 });
    fc.assert(
      fc.property(dims, dims, fc.boolean(), fc.integer({ min: 0, max: 1000 }), (m, n, rowBias, seed) => {
        T.manualSeed(seed);
        const w = randn([n, n], { dtype: 'float64', requiresGrad: true });
        const b = randn(rowBias ? [n] : [m, 1], { dtype: 'float64', requiresGrad: true });
        const body = (x: Tensor): Tensor[] => {
          w.grad = null;
          b.grad = null;
          const y = x.matmul(w).add(b).relu().mul(x).transpose(0, 1).reshape([-1]).reshape([n, m]).logsumexp(1).sum();
          y.backward();
          return [y, w.grad!, b.grad!];
        };
        const f = compile(body);
        // the two recordings see the same batch: nothing computed from it may pass for a constant
        const first = randn([m, n], { dtype: 'float64' });
        for (let i = 0; i < 4; i++) {
          const x = i < 2 ? first : randn([m, n], { dtype: 'float64' });
          const got = f(x).map(bits);
          const want = body(x).map(bits);
          expect(got).toEqual(want);
        }
        expect(f.stats.replayed).toBe(2);
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});
