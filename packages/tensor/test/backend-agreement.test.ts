// The WebAssembly backend against the TypeScript reference backend, through the Backend interface
// only, on random shapes, layouts and values.
//
// Tolerances (u32 = 2^-24, u64 = 2^-53 are the unit roundoffs):
// - matmul float32: the wasm kernel accumulates in float32 (the TypeScript one in float64), so
//   |wasm − js| ≤ 2·k·u32·Σp |a_ip·b_pj|  (the classical bound for recursive summation, ×2 for the
//   final rounding of the reference).
// - matmul float64: |wasm − js| ≤ 1e-12·Σp |a_ip·b_pj| (both sum in float64, in the same order:
//   in practice they agree exactly).
// - elementwise + − × ÷ max min, neg abs sqrt square relu reciprocal: bit-identical (all correctly
//   rounded in both backends). The transcendental and rounding unary ops: bit-identical too (ports
//   of the fdlibm routines V8's Math.* uses; see wasm-unary-math.test.ts).
// - reductions: backend-agreement-reduce.test.ts.
// - threads: the 2-thread backend is bit-identical to the 1-thread one.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type NDArray, jsBackend, type BinaryOp, type UnaryOp } from '../src/index.js';
import { createWasmBackend, wasmSupported } from '../src/backends/wasm/index.js';
import { countingFallback, expectBitIdentical, randomArray } from './backend-helpers.js';
import { WasmContext } from '../src/backends/wasm/context.js';
import { MIN_WORK, chunkRowsFor, wasmMatmul } from '../src/backends/wasm/matmul.js';
import { MAX_JOB_BATCH, MAX_JOB_CHUNKS } from '../src/backends/wasm/pool.js';

type FloatDType = 'float32' | 'float64';

const one = countingFallback();
const wasm1 = createWasmBackend(one.backend, { threads: 1 });
// Threads for every matmul the wasm kernels take, however small, to exercise the pool.
const wasm2 = createWasmBackend(jsBackend, { threads: 2, parallelThreshold: 1 });

function resetCalls(): void {
  for (const key of Object.keys(one.calls)) delete one.calls[key];
}

describe('wasm backend', () => {
  it('is supported here (Node 20 has SIMD128)', () => {
    expect(wasmSupported()).toBe(true);
  });

  it('does not keep the process alive once its worker threads have run', () => {
    const src = (rel: string): string => JSON.stringify(fileURLToPath(new URL(rel, import.meta.url)));
    const code = `
      import { NDArray, jsBackend } from ${src('../src/index.ts')};
      import { createWasmBackend } from ${src('../src/backends/wasm/index.ts')};
      const w = createWasmBackend(jsBackend, { threads: 2, parallelThreshold: 1 });
      const a = new NDArray(new Float32Array(256 * 256).fill(1), [256, 256]);
      console.log(w.matmul(a, a, 'float32').data[0]);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0); // a hang would be killed by the timeout (status null)
    expect(r.stdout.trim()).toBe('256');
  });

  it('gets chunks computed by the worker thread, bit-identical to one thread', async () => {
    // The worker starts asynchronously: repeat a large product until it has taken chunks, so this
    // checks a product the worker really helped with, not one the calling thread did alone.
    const ctx = new WasmContext({ threads: 2, parallelThreshold: 1 });
    const single = new WasmContext({ threads: 1 });
    const a = randomArray([96, 300], 'float32', 11),
      b = randomArray([300, 200], 'float32', 12).transpose().contiguous().transpose();
    const want = wasmMatmul(single, a, b, 'float32')!;
    let helped = false;
    for (let i = 0; i < 200 && !helped; i++) {
      const before = ctx.pool!.workerChunks;
      expectBitIdentical(wasmMatmul(ctx, a, b, 'float32')!, want);
      helped = ctx.pool!.workerChunks > before;
      if (!helped) await new Promise((r) => setTimeout(r, 10));
    }
    expect(helped).toBe(true);
  });

  it('cuts a split product into about 8 chunks per thread, never more than one job can flag', () => {
    expect(Math.ceil(256 / chunkRowsFor(256, 1, 2))).toBe(16);
    expect(chunkRowsFor(6, 1, 2)).toBe(4); // at least one register tile of rows
    expect(Math.ceil(1000 / chunkRowsFor(1000, 50, 2))).toBe(1); // enough batch entries: one chunk each
    for (const [m, batch, threads] of [
      [100_000, 1, 1000],
      [4096, 3, 512],
      [64, 300, 4096],
    ] as const) {
      const perBatch = Math.ceil(m / chunkRowsFor(m, batch, threads));
      expect(Math.min(batch, MAX_JOB_BATCH) * perBatch).toBeLessThanOrEqual(MAX_JOB_CHUNKS);
    }
  });

  it('hands every chunk of a split product to the copy-out exactly once, over several jobs', async () => {
    // More batch entries than one job describes: the product runs as consecutive jobs, each chunk
    // copied into the result as it finishes; every element must arrive, bit-identical. Repeated
    // until the worker has computed some of the chunks (it starts asynchronously).
    const ctx = new WasmContext({ threads: 2, parallelThreshold: 1 });
    const single = new WasmContext({ threads: 1 });
    const batch = MAX_JOB_BATCH + 17;
    const a = randomArray([batch, 9, 13], 'float64', 21),
      b = randomArray([batch, 13, 6], 'float64', 22);
    const want = wasmMatmul(single, a, b, 'float64')!;
    const pool = ctx.pool!;
    const run = pool.run.bind(pool);
    let helped = false;
    for (let attempt = 0; attempt < 200 && !helped; attempt++) {
      const runs: number[][] = [];
      pool.run = (job, onChunk) => {
        const seen: number[] = [];
        run(job, (chunk) => {
          seen.push(chunk);
          onChunk?.(chunk);
        });
        runs.push(seen.sort((x, y) => x - y));
      };
      const before = pool.workerChunks;
      let got: NDArray;
      try {
        got = wasmMatmul(ctx, a, b, 'float64')!;
      } finally {
        pool.run = run;
      }
      expect(got.shape).toEqual([batch, 9, 6]);
      expectBitIdentical(got, want);
      expect(runs.map((r) => r.length)).toEqual([MAX_JOB_BATCH, 17]); // one chunk per batch entry here
      for (const r of runs) expect(r).toEqual([...Array(r.length).keys()]); // 0, 1, ..., each once
      helped = pool.workerChunks > before;
      if (!helped) await new Promise((r) => setTimeout(r, 10));
    }
    expect(helped).toBe(true);
  });

  describe('matmul', () => {
    /** Operand (rows × cols, within a batch) as a plain, transposed or strided (every other column) view. */
    function operand(
      batch: readonly number[],
      rows: number,
      cols: number,
      layout: number,
      dtype: FloatDType,
      seed: number,
    ): NDArray {
      if (layout === 1) return randomArray([...batch, cols, rows], dtype, seed).transpose(-1, -2);
      if (layout === 2) return randomArray([...batch, rows, 2 * cols], dtype, seed).slice(-1, 0, undefined, 2);
      if (layout === 3) return randomArray([...batch, rows, cols], dtype, seed).slice(-2, undefined, undefined, -1);
      return randomArray([...batch, rows, cols], dtype, seed);
    }

    function absProduct(a: NDArray, b: NDArray): NDArray {
      const abs = (x: NDArray): NDArray => jsBackend.unary('abs', x, x.dtype);
      return jsBackend.matmul(abs(a), abs(b), 'float64');
    }

    function checkMatmul(a: NDArray, b: NDArray, dtype: FloatDType): void {
      const k = a.shape[a.ndim - 1]!;
      const want = jsBackend.matmul(a, b, dtype);
      const got1 = wasm1.matmul(a, b, dtype);
      const got2 = wasm2.matmul(a, b, dtype);
      expect(got1.shape).toEqual(want.shape);
      expect(got1.dtype).toBe(dtype);
      // Results must not depend on the number of threads.
      expectBitIdentical(got2, got1);
      const bound = absProduct(a, b).data;
      const scale = dtype === 'float32' ? 2 * k * 2 ** -24 : 1e-12;
      const w = want.data,
        g = got1.data;
      for (let i = 0; i < w.length; i++) {
        const err = Math.abs(g[i]! - w[i]!);
        if (!(err <= scale * bound[i]!)) {
          throw new Error(`element ${i}: wasm ${g[i]} vs js ${w[i]} (|Δ| ${err} > ${scale * bound[i]!})`);
        }
      }
    }

    for (const dtype of ['float32', 'float64'] as const) {
      it(`agrees with the js backend on random batched, transposed and strided operands (${dtype})`, () => {
        fc.assert(
          fc.property(
            fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
            fc.integer({ min: 1, max: 70 }),
            fc.integer({ min: 1, max: 70 }),
            fc.integer({ min: 1, max: 70 }),
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: 0, max: 3 }),
            fc.boolean(),
            fc.nat(),
            (batch, m, k, n, la, lb, broadcastB, seed) => {
              const a = operand(batch, m, k, la, dtype, seed);
              let b = operand(broadcastB ? batch.map(() => 1) : batch, k, n, lb, dtype, seed + 1);
              if (broadcastB) b = b.expand([...batch, k, n]);
              resetCalls();
              checkMatmul(a, b, dtype);
              const work = batch.reduce((p, d) => p * d, 1) * m * n * k;
              if (work >= MIN_WORK) expect(one.calls.matmul ?? 0).toBe(0); // the wasm kernel ran
            },
          ),
          { numRuns: 60 },
        );
      });

      it(`agrees on sizes crossing the cache blocks, split across threads (${dtype})`, () => {
        checkMatmul(randomArray([133, 300], dtype, 1), randomArray([300, 77], dtype, 2), dtype);
        checkMatmul(randomArray([2, 70, 260], dtype, 3), randomArray([2, 61, 260], dtype, 4).transpose(-1, -2), dtype);
        checkMatmul(randomArray([520, 9], dtype, 5).transpose(), randomArray([520, 66], dtype, 6), dtype);
        // few rows, many columns, batched with a broadcast B
        checkMatmul(
          randomArray([2, 30, 140], dtype, 9),
          randomArray([140, 270], dtype, 10).expand([2, 140, 270]),
          dtype,
        );
      });
    }

    it('propagates NaN and Infinity like the js backend', () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const a = randomArray([20, 40], dtype, 7);
        const b = randomArray([40, 30], dtype, 8);
        a.data.fill(0, 0, 40); // row 0 is all zeros, yet 0·NaN is NaN
        b.data[5 * 30 + 3] = NaN;
        b.data[6 * 30 + 4] = Infinity;
        const want = jsBackend.matmul(a, b, dtype);
        const got = wasm1.matmul(a, b, dtype);
        expect(Number.isNaN(got.data[3]!)).toBe(true);
        expect(Number.isNaN(got.data[4]!)).toBe(true);
        for (let i = 0; i < want.size; i++) {
          expect(Number.isFinite(got.data[i]!)).toBe(Number.isFinite(want.data[i]!));
          expect(Number.isNaN(got.data[i]!)).toBe(Number.isNaN(want.data[i]!));
        }
        expectBitIdentical(wasm2.matmul(a, b, dtype), got);
      }
    });
  });

  describe('elementwise', () => {
    const binaryOps: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
    // sin and cos are in wasm-unary-math.test.ts (engines with glibc-derived sin/cos keep them in TypeScript)
    const unaryOps: UnaryOp[] = [
      'neg',
      'abs',
      'sqrt',
      'square',
      'relu',
      'reciprocal',
      'exp',
      'log',
      'log1p',
      'expm1',
      'tanh',
      'sigmoid',
      'softplus',
      'erf',
      'sign',
      'floor',
      'ceil',
      'round',
    ];

    for (const dtype of ['float32', 'float64'] as const) {
      it(`binary ops are bit-identical with broadcasting (${dtype})`, () => {
        fc.assert(
          fc.property(
            fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }),
            fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
            fc.constantFrom(...binaryOps),
            fc.boolean(),
            fc.nat(),
            (shape, bcast, op, swap, seed) => {
              // b broadcasts along the dims picked by `bcast` (size 1 there, then expanded).
              const a = randomArray(shape, dtype, seed);
              const bShape = shape.map((d, i) => (bcast[i] ? 1 : d));
              let b = randomArray(bShape, dtype, seed + 1).expand(shape);
              if (op === 'div')
                b = jsBackend.binary(
                  'maximum',
                  jsBackend.unary('abs', b, dtype),
                  jsBackend.binary('add', b, b, dtype),
                  dtype,
                );
              const [x, y] = swap ? [b, a] : [a, b];
              expectBitIdentical(wasm1.binary(op, x, y, dtype), jsBackend.binary(op, x, y, dtype));
            },
          ),
          { numRuns: 120 },
        );
      });

      it(`contiguous, scalar-broadcast and row-broadcast fast paths run in wasm (${dtype})`, () => {
        const a = randomArray([64, 33], dtype, 11);
        const cases: [NDArray, NDArray][] = [
          [a, randomArray([64, 33], dtype, 12)],
          [a, randomArray([], dtype, 13).expand([64, 33])],
          [randomArray([1], dtype, 14).expand([64, 33]), a],
          [a, randomArray([33], dtype, 15).expand([64, 33])], // bias add
          [a, randomArray([64, 1], dtype, 16).expand([64, 33])],
          [randomArray([3, 1, 40], dtype, 17).expand([3, 7, 40]), randomArray([7, 1], dtype, 18).expand([3, 7, 40])],
        ];
        for (const [x, y] of cases) {
          for (const op of binaryOps) {
            resetCalls();
            expectBitIdentical(wasm1.binary(op, x, y, dtype), jsBackend.binary(op, x, y, dtype));
            expect(one.calls.binary ?? 0).toBe(0);
          }
        }
      });

      it(`binary ops write into \`out\` (${dtype})`, () => {
        const a = randomArray([40, 30], dtype, 21),
          b = randomArray([30], dtype, 22).expand([40, 30]);
        const out = randomArray([40, 30], dtype, 23);
        const res = wasm1.binary('add', a, b, dtype, out);
        expect(res).toBe(out);
        expectBitIdentical(out, jsBackend.binary('add', a, b, dtype));
        // in place: out aliases an input
        const c = randomArray([40, 30], dtype, 24);
        const want = jsBackend.binary('mul', c, b, dtype);
        wasm1.binary('mul', c, b, dtype, c);
        expectBitIdentical(c, want);
      });

      it(`unary ops are bit-identical, specials included (${dtype})`, () => {
        const x = randomArray([37, 29], dtype, 31);
        x.data.set([0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30, 3.5, -3.5], 0);
        for (const op of unaryOps) {
          resetCalls();
          const input = op === 'sqrt' ? jsBackend.unary('abs', x, dtype) : x;
          expectBitIdentical(wasm1.unary(op, input, dtype), jsBackend.unary(op, input, dtype));
          expect(one.calls.unary ?? 0).toBe(0);
        }
        // a non-contiguous view falls back, correctly
        const t = x.transpose();
        expectBitIdentical(wasm1.unary('relu', t, dtype), jsBackend.unary('relu', t, dtype));
      });
    }

    it('leaves other dtypes and ops to the fallback', () => {
      const a = randomArray([40, 30], 'float32', 41),
        b = randomArray([40, 30], 'float64', 42);
      resetCalls();
      expectBitIdentical(wasm1.binary('add', a, b, 'float64'), jsBackend.binary('add', a, b, 'float64'));
      expectBitIdentical(wasm1.binary('pow', a, a, 'float32'), jsBackend.binary('pow', a, a, 'float32'));
      expect(one.calls.binary ?? 0).toBe(2);
      expectBitIdentical(wasm1.unary('exp', a, 'float64'), jsBackend.unary('exp', a, 'float64'));
      expect(one.calls.unary ?? 0).toBe(1);
    });
  });
});
