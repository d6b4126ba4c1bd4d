/**
 * A compiled plan on the wasm backend keeps its intermediates, workspaces and argument copies in
 * the backend's resident memory (its kernels read and write them there, no copies): replays give
 * eager execution's bits, also after the memory grew between replays (the plan makes its views
 * again) or the backend replaced its memory (the plan takes a new block); a plan forgotten gives its
 * block back; the sequence layers' workspaces are scratch (neither kept as constants nor restored);
 * constants (the zeros a slice's gradient is placed into) move into the block with their contents.
 */
import { type Tensor, compile, full, fusedLstmSequence, randn, zeros } from '@chainrule/autograd';
import * as T from '@chainrule/tensor';
import { afterEach, describe, expect, it } from 'vitest';

const bytesOf = (t: Tensor): number[] => Array.from(new Uint8Array(t.value.contiguous().data.slice().buffer));
const previous = T.getBackend();
afterEach(() => T.setBackend(previous));

/** A fresh wasm backend (its own memory) made the current one. */
function useWasm(options: T.WasmBackendOptions = {}): T.ResidentMemory {
  const be = T.createWasmBackend(T.jsBackend, { threads: 1, ...options });
  T.setBackend(be);
  return T.residentMemory(be)!;
}

/** A training-like step: loss of tanh(x·w)·x, its gradient into w (float32, sizes that take the wasm kernels). */
function model(seed: number) {
  const w = randn([48, 48], { rng: new T.Rng(seed) }).requiresGrad_(true);
  const step = (x: Tensor): Tensor => {
    w.grad = null;
    const loss = x.matmul(w).tanh().mul(x).sum();
    loss.backward();
    return loss;
  };
  return { w, step };
}

/** Runs `step` compiled and eagerly (on twin models) on each input: same loss and gradient bits. */
function expectEagerBits(inputs: readonly Tensor[], between?: (i: number) => void) {
  const eager = model(1),
    compiled = model(1);
  const f = compile(compiled.step);
  inputs.forEach((x, i) => {
    between?.(i);
    expect(bytesOf(f(x))).toEqual(bytesOf(eager.step(x)));
    expect(bytesOf(compiled.w.grad!)).toEqual(bytesOf(eager.w.grad!));
  });
  return f;
}

const inputs = (n: number) => Array.from({ length: n }, (_, i) => randn([32, 48], { rng: new T.Rng(10 + i) }));

describe('compiled plans in resident wasm memory', () => {
  it('keep their intermediates there and replay eager bits; none on the TypeScript backend', () => {
    useWasm();
    const xs = inputs(5);
    const f = expectEagerBits(xs);
    expect(f.stats.replayed).toBe(3);
    const memory = f.plan(xs[0]!)!.memory();
    expect(memory.resident).toBeGreaterThanOrEqual(32 * 48 * 4 * 3); // x, x·w, tanh(x·w) at least
    expect(memory.resident).toBeLessThanOrEqual(memory.total);
    T.setBackend(T.jsBackend);
    const g = expectEagerBits(xs);
    expect(g.plan(xs[0]!)!.memory().resident).toBe(0);
  });

  it('make their views again after the memory grew between replays', () => {
    const memory = useWasm();
    const probe = memory.allocate(64)!;
    const before = probe.buffer();
    const big = T.ones([3 << 20], 'float32');
    expectEagerBits(inputs(6), (i) => {
      if (i === 3) T.add(big, big); // 36 MiB of operands and result: the memory grows
    });
    expect(probe.buffer()).toBeDefined();
    expect(probe.buffer()).not.toBe(before); // it did grow (views made before are detached)
  });

  it('take a new block after the backend replaced its memory', async () => {
    const memory = useWasm({ retainBytes: 4 << 20 });
    const probe = memory.allocate(64)!;
    const xs = inputs(6);
    const eager = model(1),
      compiled = model(1);
    const f = compile(compiled.step);
    for (const [i, x] of xs.entries()) {
      if (i === 3) {
        T.add(T.ones([2 << 20], 'float32'), T.ones([2 << 20], 'float32')); // grows past 4 MiB
        await new Promise((r) => setTimeout(r, 5)); // the backend drops that memory when the loop turns
        expect(probe.buffer()).toBeUndefined();
      }
      expect(bytesOf(f(x))).toEqual(bytesOf(eager.step(x)));
      expect(bytesOf(compiled.w.grad!)).toEqual(bytesOf(eager.w.grad!));
    }
    expect(f.stats.replayed).toBe(4);
    expect(memory.allocate(64)!.buffer()).toBeDefined();
  });

  it('bind fresh gradients after the memory grew, with `.grad` cleared by the caller between calls', () => {
    useWasm();
    // small enough that the backward's elementwise kernels run as one fused loop
    const twin = () => randn([16, 16], { rng: new T.Rng(4) }).requiresGrad_(true);
    const [we, wc] = [twin(), twin()];
    const step = (w: Tensor) => (x: Tensor) => {
      const loss = x.mul(w).tanh().sum();
      loss.backward();
      return loss;
    };
    const f = compile(step(wc));
    const big = T.ones([3 << 20], 'float32');
    for (let i = 0; i < 7; i++) {
      const x = randn([16, 16], { rng: new T.Rng(30 + i) });
      we.grad = null;
      wc.grad = null;
      if (i === 4) T.add(big, big); // the memory grows: the plan makes its steps again
      expect(bytesOf(f(x))).toEqual(bytesOf(step(we)(x)));
      expect(bytesOf(wc.grad!), `call ${i}`).toEqual(bytesOf(we.grad!));
    }
    expect(f.stats.replayed).toBe(5);
  });

  it('give their block back when forgotten', () => {
    const memory = useWasm();
    const first = memory.allocate(64)!;
    const lowest = first.byteOffset;
    first.free();
    const f = expectEagerBits(inputs(3));
    const during = memory.allocate(64)!;
    expect(during.byteOffset).toBeGreaterThan(lowest); // the plan's block is at the lowest offset
    during.free();
    f.reset();
    expect(memory.allocate(64)!.byteOffset).toBe(lowest);
  });

  it('keep an LSTM layer workspace as scratch: not a constant, never restored, eager bits', () => {
    useWasm();
    const [steps, batch, hidden] = [6, 16, 32]; // past the wasm kernels' 512 elements
    const weights = () => ({
      w: randn([4 * hidden, hidden], { rng: new T.Rng(3) })
        .mul(0.3)
        .requiresGrad_(true),
      h0: T.zeros([batch, hidden], 'float32'),
    });
    const layer = (p: ReturnType<typeof weights>) => (x: Tensor) => {
      p.w.grad = null;
      const h0 = new (x.constructor as typeof Tensor)(p.h0);
      const [h, c] = fusedLstmSequence(x, p.w, null, h0, h0);
      const loss = h.mul(h).sum().add(c.sum());
      loss.backward();
      return loss;
    };
    const eager = weights(),
      compiled = weights();
    const f = compile(layer(compiled));
    const xs = Array.from({ length: 4 }, (_, i) => randn([steps, batch, 4 * hidden], { rng: new T.Rng(20 + i) }));
    for (const x of xs) {
      expect(bytesOf(f(x))).toEqual(bytesOf(layer(eager)(x)));
      expect(bytesOf(compiled.w.grad!)).toEqual(bytesOf(eager.w.grad!));
    }
    const memory = f.plan(xs[0]!)!.memory();
    const workspace = steps * 7 * batch * hidden * 4;
    // kept and restored, the workspace alone would count twice (its storage and its snapshot)
    expect(memory.constants).toBeLessThan(2 * workspace);
    expect(memory.resident).toBeGreaterThan(workspace);
  });

  it('move constants into the block with their contents, across growth and a new block', async () => {
    const memory = useWasm({ retainBytes: 4 << 20 });
    const probe = memory.allocate(64)!;
    const n = 64;
    const twin = () => randn([n, n], { rng: new T.Rng(6) }).requiresGrad_(true);
    const [we, wc] = [twin(), twin()];
    // the slice's backward places its gradient into zeros [n, n] (a constant the assign writes); the
    // scale is a constant no kernel writes, copied into each new block (a new memory is zero-filled)
    const step = (w: Tensor) => (x: Tensor) => {
      w.grad = null;
      const loss = x
        .mul(full([n, n], 0.75))
        .matmul(w)
        .slice(0, 0, 4)
        .tanh()
        .sum();
      loss.backward();
      return loss;
    };
    const f = compile(step(wc));
    for (let i = 0; i < 7; i++) {
      if (i === 3) T.add(T.ones([3 << 20], 'float32'), T.ones([3 << 20], 'float32')); // grows past 4 MiB
      if (i === 5) {
        await new Promise((r) => setTimeout(r, 5)); // the backend drops that memory when the loop turns
        expect(probe.buffer()).toBeUndefined();
      }
      const x = randn([n, n], { rng: new T.Rng(40 + i) });
      expect(bytesOf(f(x))).toEqual(bytesOf(step(we)(x)));
      expect(bytesOf(wc.grad!), `call ${i}`).toEqual(bytesOf(we.grad!));
    }
    expect(f.stats.replayed).toBe(5);
    // x's copy, the scale, x·0.75, (x·0.75)·w and the zeros [n, n] at least (w's gradient is bound
    // to w.grad: not in the block)
    const plan = f.plan(randn([n, n]))!.memory();
    expect(plan.constants).toBeGreaterThanOrEqual(2 * n * n * 4);
    expect(plan.resident).toBeGreaterThanOrEqual(5 * n * n * 4);
  });

  it('put a constant a kernel writes back in the block at each replay', () => {
    useWasm();
    const n = 64;
    // zeros made inside the call (a constant), added to in place: a replay must start it from zeros again
    const step = (x: Tensor): Tensor => {
      const acc = zeros([n, n]);
      acc.addInPlace(x);
      return acc.tanh().sum();
    };
    const f = compile(step);
    for (let i = 0; i < 6; i++) {
      const x = randn([n, n], { rng: new T.Rng(60 + i) });
      expect(bytesOf(f(x)), `call ${i}`).toEqual(bytesOf(step(x)));
    }
    expect(f.stats.replayed).toBe(4);
    // x's copy, tanh(acc) and acc itself
    expect(f.plan(randn([n, n]))!.memory().resident).toBeGreaterThanOrEqual(3 * n * n * 4);
  });
});
