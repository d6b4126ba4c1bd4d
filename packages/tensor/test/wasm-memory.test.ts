// The wasm memory stays bounded: elementwise calls over large arrays run block by block (with the
// bits of the whole call), a call that grew the memory past `retainBytes` leaves a fresh small memory
// behind, and a call the memory cannot grow for goes to the fallback instead of failing.
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  type NDArray,
  RangeError,
  Rng,
  arange,
  array,
  jsBackend,
  mul,
  rand,
  zeros,
} from '../src/index.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { forEachBlock } from '../src/backends/wasm/chunks.js';
import { WasmContext } from '../src/backends/wasm/context.js';
import { MAX_MEMORY_BYTES, WasmHeap, WasmMemoryFull } from '../src/backends/wasm/runtime.js';
import { wasmMatmul } from '../src/backends/wasm/matmul.js';
import { countingFallback, expectBitIdentical, withBackend } from './backend-helpers.js';

const rng = new Rng(11);
const f32 = (shape: number[]): NDArray => rand(shape, { rng }).sub(0.5).mul(8);
const f64 = (shape: number[]): NDArray => rand(shape, { rng, dtype: 'float64' }).sub(0.5).mul(8);

/** Every layout a block may cut: contiguous, broadcast rows and columns, transposed, sliced, 3-D, 1-D. */
function layouts(make: (shape: number[]) => NDArray): [string, NDArray, NDArray][] {
  const m = make([37, 61]);
  return [
    ['contiguous 2-D', m, make([37, 61])],
    ['a row broadcast', m, make([1, 61]).expand([37, 61])],
    ['a column broadcast', make([37, 1]).expand([37, 61]), m],
    ['transposed', make([61, 37]).transpose(), m],
    ['sliced', make([37, 130]).slice(1, 3, 125, 2), m],
    ['3-D with a short first axis', make([2, 9, 300]), make([9, 300]).expand([2, 9, 300])],
    ['1-D', make([2500]), make([2500])],
    ['a scalar broadcast', make([2500]), make([]).expand([2500])],
  ];
}

describe('elementwise calls in blocks', () => {
  const blocked = createWasmBackend(jsBackend, { chunkElements: 700 });
  const whole = createWasmBackend(jsBackend, { chunkElements: 2 ** 30 });

  it('forEachBlock covers every element once, in row-major order, in blocks no larger than the limit', () => {
    for (const shape of [[2500], [37, 61], [2, 9, 300], [3, 1, 1000], [1000, 3], [5, 2000], [1, 1, 7]]) {
      const seen: number[] = [];
      const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
      forEachBlock(shape, 700, ({ lead, lo, hi }) => {
        const k = lead.length;
        const start = lead.reduce((p, i, d) => p + i * strides[d]!, 0) + lo * strides[k]!;
        const count = (hi - lo) * strides[k]!;
        expect(count <= 700 || hi - lo === 1).toBe(true);
        for (let i = 0; i < count; i++) seen.push(start + i);
      });
      expect(seen).toEqual([...Array(shape.reduce((p, d) => p * d, 1)).keys()]);
    }
  });

  for (const [dtype, make] of [
    ['float32', f32],
    ['float64', f64],
  ] as const) {
    for (const [name, a, b] of layouts(make)) {
      it(`${dtype}, ${name}: the bits of the whole call, for every elementwise kernel`, () => {
        const kernels: [string, (k: Backend) => NDArray][] = [
          ['add', (k) => k.binary('add', a, b, dtype)],
          ['div', (k) => k.binary('div', a, b, dtype)],
          ['maximum', (k) => k.binary('maximum', a, b, dtype)],
          ['lt', (k) => k.compare('lt', a, b)],
          ['where', (k) => k.where(k.compare('gt', a, b), a, b, dtype)],
          ['exp', (k) => k.unary('exp', a.contiguous(), dtype)],
          ['tanh', (k) => k.unary('tanh', b.contiguous(), dtype)],
          ['sqrt', (k) => k.unary('sqrt', a.contiguous(), dtype)],
          ['clamp', (k) => k.clamp(a.contiguous(), -1, 2, dtype)],
          ['cast', (k) => k.copy(a.contiguous(), dtype === 'float32' ? 'float64' : 'float32')],
          ['sigmoid grad', (k) => k.activationGrad('sigmoid', a.contiguous(), b.contiguous())],
          ['relu grad', (k) => k.activationGrad('relu', a.contiguous(), b.contiguous())],
        ];
        for (const [, run] of kernels) {
          expectBitIdentical(run(blocked), run(whole));
          expectBitIdentical(run(blocked), run(jsBackend));
        }
      });
    }
  }

  it('writes into a given output and adds in place block by block', () => {
    const a = f32([40, 50]),
      b = f32([40, 50]);
    const out = zeros([40, 50]);
    expect(blocked.binary('mul', a, b, 'float32', out)).toBe(out);
    expectBitIdentical(out, whole.binary('mul', a, b, 'float32'));
    const out2 = zeros([40, 50]);
    blocked.unary('log1p', a.abs(), 'float32', out2);
    expectBitIdentical(out2, whole.unary('log1p', a.abs(), 'float32'));
    const y1 = a.contiguous().mul(1),
      y2 = a.contiguous().mul(1);
    blocked.addScaledInPlace(y1, b, 0.3);
    whole.addScaledInPlace(y2, b, 0.3);
    expectBitIdentical(y1, y2);
  });

  it('int32 and bool calls and small calls are not cut (they never reach wasm)', () => {
    const i = arange(0, 3000);
    expectBitIdentical(blocked.binary('add', i, i, 'int32'), jsBackend.binary('add', i, i, 'int32'));
    const s = f32([10]);
    expectBitIdentical(blocked.binary('add', s, s, 'float32'), jsBackend.binary('add', s, s, 'float32'));
  });
});

describe('memory that comes back', () => {
  it('a call that needs more than retainBytes leaves a fresh small memory behind; smaller calls keep theirs', () => {
    const ctx = new WasmContext({ threads: 1, retainBytes: 4 * 2 ** 20 });
    const first = ctx.heap;
    const small = f32([64, 64]);
    expect(wasmMatmul(ctx, small, small, 'float32')).toBeDefined();
    ctx.release();
    expect(ctx.heap).toBe(first); // within retainBytes: kept
    const big = f32([600, 600]); // operands and result over 4 MiB
    const got = wasmMatmul(ctx, big, big, 'float32')!;
    expect(ctx.heap.oversized).toBe(true);
    expect(ctx.heap.bytes).toBeGreaterThan(4 * 2 ** 20);
    ctx.release();
    expect(ctx.heap).not.toBe(first);
    expect(ctx.heap.oversized).toBe(false);
    expect(ctx.heap.bytes).toBeLessThan(4 * 2 ** 20);
    expectBitIdentical(wasmMatmul(ctx, big, big, 'float32')!, got); // the fresh memory computes the same bits
  });

  it('a threaded matmul that grew the shared memory stops its workers and drops it; the next one starts anew', () => {
    const ctx = new WasmContext({ threads: 2, parallelThreshold: 1, retainBytes: 2 * 2 ** 20 });
    if (ctx.threads < 2) return; // no shared memory or one core here: nothing is threaded
    const one = new WasmContext({ threads: 1 });
    const a = f32([500, 400]),
      b = f32([400, 300]);
    const want = wasmMatmul(one, a, b, 'float32')!;
    const pool = ctx.pool;
    const shared = ctx.sharedHeap;
    expectBitIdentical(wasmMatmul(ctx, a, b, 'float32')!, want);
    expect(shared.oversized).toBe(true);
    ctx.release();
    expect(ctx.sharedHeap).not.toBe(shared);
    expect(ctx.pool).not.toBe(pool);
    expect(pool?.healthy).toBe(false); // closed for good
    expectBitIdentical(wasmMatmul(ctx, a, b, 'float32')!, want);
  });

  it('after a call, an oversized memory is dropped once the event loop turns, not before', async () => {
    const ctx = new WasmContext({ threads: 1, retainBytes: 2 * 2 ** 20 });
    const first = ctx.heap;
    const x = f64([700, 700]); // 3.7 MiB
    const want = wasmMatmul(ctx, x, x, 'float64')!;
    ctx.settle();
    expect(ctx.heap).toBe(first); // synchronous code keeps reusing it
    expectBitIdentical(wasmMatmul(ctx, x, x, 'float64')!, want);
    ctx.settle();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ctx.heap).not.toBe(first);
    expect(ctx.heap.oversized).toBe(false);
    // through the backend: the same bits with a small retainBytes
    const wasm = createWasmBackend(jsBackend, { threads: 1, retainBytes: 2 * 2 ** 20 });
    const s = withBackend(wasm, () => x.sum(1));
    expectBitIdentical(
      s,
      withBackend(createWasmBackend(jsBackend, { threads: 1 }), () => x.sum(1)),
    );
  });

  it('growth stops at retainBytes unless a call needs more', () => {
    const heap = new WasmHeap(false, 0, 2 * 2 ** 20);
    heap.alloc(1.5 * 2 ** 20);
    expect(heap.bytes).toBeLessThanOrEqual(2 * 2 ** 20); // doubling capped at retainBytes
    expect(heap.oversized).toBe(false);
    heap.alloc(1 * 2 ** 20);
    expect(heap.oversized).toBe(true);
  });

  it('a memory that cannot grow is a WasmMemoryFull, and the backend hands the call to its fallback', () => {
    expect(() => new WasmHeap(false, 0).alloc(MAX_MEMORY_BYTES + 1)).toThrow(WasmMemoryFull);
    expect(() => new WasmHeap(false, 0, undefined, 2 ** 21).alloc(2 ** 21)).toThrow(WasmMemoryFull);
    const { backend, calls } = countingFallback();
    const wasm = createWasmBackend(backend, { threads: 1, maxBytes: 2 ** 20, chunkElements: 2 ** 18 });
    const x = f32([1024, 512]); // 2 MiB: more than one call may stage
    const y = f32([512, 256]);
    expectBitIdentical(wasm.reduce('sum', x, [1], 'float32'), jsBackend.reduce('sum', x, [1], 'float32'));
    expect(calls.reduce).toBe(1);
    const p = wasm.matmul(x, y, 'float32');
    expect(calls.matmul).toBe(1);
    expectBitIdentical(p, jsBackend.matmul(x, y, 'float32'));
    // two blocks of 2^18 float32 (1 MiB each: three do not fit): each block goes to the fallback
    expectBitIdentical(wasm.binary('add', x, x, 'float32'), jsBackend.binary('add', x, x, 'float32'));
    expect(calls.binary).toBe(2);
    // what fits still runs in wasm
    const small = f32([64, 64]);
    wasm.binary('add', small, small, 'float32');
    expect(calls.binary).toBe(2);
    // unblocked calls too: every elementwise kernel falls back cleanly
    const whole = createWasmBackend(backend, { threads: 1, maxBytes: 2 ** 20, chunkElements: 2 ** 30 });
    const c = x.contiguous();
    expectBitIdentical(whole.binary('mul', x, x, 'float32'), jsBackend.binary('mul', x, x, 'float32'));
    expectBitIdentical(whole.unary('exp', c, 'float32'), jsBackend.unary('exp', c, 'float32'));
    expectBitIdentical(whole.compare('lt', x, x), jsBackend.compare('lt', x, x));
    expectBitIdentical(whole.clamp(c, 0, 1, 'float32'), jsBackend.clamp(c, 0, 1, 'float32'));
    expectBitIdentical(whole.copy(c, 'float64'), jsBackend.copy(c, 'float64'));
    expectBitIdentical(whole.activationGrad('tanh', c, c), jsBackend.activationGrad('tanh', c, c));
    const y1 = c.mul(1),
      y2 = c.mul(1);
    whole.addScaledInPlace(y1, c, 2);
    jsBackend.addScaledInPlace(y2, c, 2);
    expectBitIdentical(y1, y2);
  });

  it('an elementwise result too large for any array is a typed RangeError naming the op and the bytes', () => {
    const x = array([1]).expand([1e6, 1e6]);
    for (const run of [() => mul(x, 2), () => x.add(x), () => x.exp()]) {
      let err: unknown;
      try {
        run();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).toMatch(/^(mul|add|exp): 1000000000000 float32 elements \(4000000000000 bytes/);
    }
  });
});
