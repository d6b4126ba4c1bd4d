/**
 * Two-thread native gemms (backends/native/split.ts): where the halves are cut (checked against a
 * reference gemm on a simulated memory, every layout), which products are cut, and, where BLIS
 * loads, that a product has the same bits before and after the helper thread is up, when the
 * helper cannot start and after a failed call (on BLIS's `skx` kernels: the bits of the uncut
 * gemm; elsewhere within the stated bound of the reference).
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Blas, BLAS_ONE_THREAD_WORK, type Gemm, loadBlas } from '../src/backends/native/blas.js';
import { type Koffi, LIBC, type NodeRequire } from '../src/backends/native/ffi.js';
import { blasMatmul } from '../src/backends/native/matmul.js';
import { ONEDNN_SPLIT_MIN_WORK } from '../src/backends/native/onednn.js';
import {
  type GemmCall,
  SPLIT_MAX_WORK,
  SPLIT_MIN_WORK,
  type SplitDialect,
  type SplitGemm,
  createSplitGemm,
  gemmHalves,
} from '../src/backends/native/split.js';
import { type NDArray, Rng, full, jsBackend, randn } from '../src/index.js';
import { expectWithinGemmBound } from './backend-helpers.js';
import { beforeAndAfterHelper, fakeWorkers, waitFor } from './split-helpers.js';

const NO_TRANS = 111;
const TRANS = 112;

/** Row-major C ← op(A)·op(B) on `memory`, addresses counted in elements (elementBytes 1). */
function referenceGemm(memory: Float64Array, g: GemmCall): void {
  for (let i = 0; i < g.m; i++)
    for (let j = 0; j < g.n; j++) {
      let sum = 0;
      for (let p = 0; p < g.k; p++) {
        const a = memory[g.a + (g.transA === NO_TRANS ? i * g.lda + p : p * g.lda + i)]!;
        const b = memory[g.b + (g.transB === NO_TRANS ? p * g.ldb + j : j * g.ldb + p)]!;
        sum += a * b;
      }
      memory[g.c + i * g.ldc + j] = sum;
    }
}

describe('gemmHalves', () => {
  it('cuts C into two halves that together compute the whole product, on every layout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        (m, n, k, ta, tb, pad, seed) => {
          const transA = ta ? TRANS : NO_TRANS;
          const transB = tb ? TRANS : NO_TRANS;
          const lda = (ta ? m : k) + pad;
          const ldb = (tb ? k : n) + pad;
          const aSize = (ta ? k : m) * lda;
          const bSize = (tb ? n : k) * ldb;
          const whole: GemmCall = {
            transA,
            transB,
            m,
            n,
            k,
            a: 5,
            lda,
            b: 5 + aSize,
            ldb,
            c: 5 + aSize + bSize,
            ldc: n,
          };
          const memory = new Float64Array(whole.c + m * n + 5);
          const rng = new Rng(seed);
          for (let i = 0; i < whole.c; i++) memory[i] = Math.round(rng.uniform() * 16 - 8);
          const want = memory.slice();
          referenceGemm(want, whole);
          const halves = gemmHalves(whole, 1);
          if (Math.max(m, n) < 64) {
            expect(halves).toBeNull();
            return;
          }
          expect(halves).not.toBeNull();
          const [first, second] = halves!;
          const byColumns = n > m;
          expect(byColumns ? [first.n + second.n, first.m, second.m] : [first.m + second.m, first.n, second.n]).toEqual(
            byColumns ? [n, m, m] : [m, n, n],
          );
          expect((byColumns ? first.n : first.m) % 16).toBe(0);
          expect(Math.min(byColumns ? second.n : second.m, byColumns ? first.n : first.m)).toBeGreaterThanOrEqual(32);
          memory.set(want.subarray(0, whole.c));
          referenceGemm(memory, second);
          referenceGemm(memory, first);
          expect(memory).toEqual(want);
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });

  it('scales the offsets by the element size', () => {
    const whole: GemmCall = {
      transA: TRANS,
      transB: NO_TRANS,
      m: 128,
      n: 64,
      k: 10,
      a: 0,
      lda: 128,
      b: 0,
      ldb: 64,
      c: 0,
      ldc: 64,
    };
    const [, rows] = gemmHalves(whole, 8)!;
    expect(rows).toMatchObject({ m: 64, a: 64 * 8, b: 0, c: 64 * 64 * 8 });
    const [, cols] = gemmHalves({ ...whole, m: 40, n: 100, ldc: 100, transB: TRANS, ldb: 10 }, 4)!;
    expect(cols).toMatchObject({ n: 52, a: 0, b: 48 * 10 * 4, c: 48 * 4 });
  });
});

describe('which products are cut', () => {
  const gemm: Gemm = () => {};
  /** A library that computes nothing, with `threads` and `split` (and `dgemm`, the same no-op unless null). */
  const fakeBlas = (threads: Blas['threads'], split: Blas['split'], dgemm: Gemm | null = gemm): Blas => ({
    sgemm: gemm,
    dgemm,
    library: 'fake',
    threads,
    kernels: null,
    split,
    float64: null,
    hold: null,
    primitive: null,
  });
  const record = (dialect: SplitDialect = 'cblas') => {
    const asked: number[] = [];
    const cut: number[] = [];
    const split: SplitGemm = {
      dialect,
      run: (call) => {
        cut.push(call.m * call.n * call.k);
        return true;
      },
      address: () => 0,
      helping: () => true,
      helped: () => 0,
      refusedThere: () => 0,
    };
    return { asked, cut, split };
  };
  const product = (blas: Blas, m: number, n: number, k: number) =>
    blasMatmul(blas, jsBackend.matmul.bind(jsBackend))(
      full([m, k], 0, 'float32'),
      full([k, n], 0, 'float32'),
      'float32',
    );

  it('on two threads: every product between SPLIT_MIN_WORK and SPLIT_MAX_WORK, each matrix of a batch', () => {
    const { asked, cut, split } = record();
    const threads = { max: 2, oneThreadWork: 2 ** 26, use: (n: number) => asked.push(n) };
    const blas = fakeBlas(threads, split);
    product(blas, 128, 128, 256); // 2²² exactly: whole
    product(blas, 128, 256, 256);
    product(blas, 512, 512, 512);
    product(blas, 50, 60, 2 ** 15); // 2²⁶ and more, but C too narrow to cut: whole, on BLIS's two threads
    product(blas, 1024, 1024, 256); // SPLIT_MAX_WORK: whole, on BLIS's two threads
    blasMatmul(blas, jsBackend.matmul.bind(jsBackend))(
      full([3, 128, 256], 0, 'float32'),
      full([256, 256], 0, 'float32').expand([3, 256, 256]),
      'float32',
    );
    expect(cut).toEqual([2 ** 23, 2 ** 27, 2 ** 23, 2 ** 23, 2 ** 23]);
    expect(asked).toEqual([1, 1, 1, 2, 2, 1]);
    expect(1024 * 1024 * 256).toBe(SPLIT_MAX_WORK);
  });

  it('oneDNN on two threads: products with B transposed from ONEDNN_SPLIT_MIN_WORK on, no others', () => {
    const { asked, cut, split } = record('dnnl');
    const threads = { max: 2, oneThreadWork: 2 ** 23, use: (n: number) => asked.push(n) };
    const blas = fakeBlas(threads, split, null);
    const matmul = blasMatmul(blas, jsBackend.matmul.bind(jsBackend));
    const abT = (m: number, n: number, k: number) =>
      matmul(full([m, k], 0, 'float32'), full([n, k], 0, 'float32').transpose(), 'float32');
    abT(256, 512, 512); // 2²⁶: whole, on oneDNN's two threads
    abT(512, 512, 512); // 2²⁷: halves
    abT(1024, 1024, 1024); // 2³⁰: halves
    product(blas, 512, 512, 512); // B not transposed: whole
    matmul(full([512, 512], 0, 'float32').transpose(), full([512, 512], 0, 'float32'), 'float32'); // Aᵀ·B: whole
    expect(cut).toEqual([2 ** 27, 2 ** 30]);
    expect(asked).toEqual([2, 1, 1, 2, 2]);
    expect(512 ** 3).toBe(ONEDNN_SPLIT_MIN_WORK);
    const four: Blas = { ...blas, threads: { ...threads, max: 4 } };
    blasMatmul(four, jsBackend.matmul.bind(jsBackend))(
      full([512, 512], 0, 'float32'),
      full([512, 512], 0, 'float32').transpose(),
      'float32',
    );
    expect(cut).toHaveLength(2); // on more threads, oneDNN's own
  });

  it("on more threads: only below the library's own threads, and never where one thread is asked for", () => {
    const { asked, cut, split } = record();
    const threads = { max: 4, oneThreadWork: BLAS_ONE_THREAD_WORK * 4, use: (n: number) => asked.push(n) };
    const blas = fakeBlas(threads, split);
    product(blas, 128, 256, 256);
    product(blas, 256, 256, 256);
    expect(cut).toEqual([2 ** 23]);
    expect(asked).toEqual([1, 4]);
    const one: Blas = { ...blas, threads: { ...threads, max: 1 } };
    product(one, 128, 256, 256);
    expect(cut).toHaveLength(1);
  });
});

const blis = process.platform === 'linux' ? loadBlas('libblis.so.4', process.platform) : { reason: 'not Linux' };
const live = 'reason' in blis ? null : blis.split === null ? null : blis;
const why = 'reason' in blis ? blis.reason : 'BLIS runs on one thread here (BLIS_NUM_THREADS or one core)';
/**
 * Kernel sets on which a half takes the whole product's code path, so the halves give the bits of
 * the uncut gemm (others, e.g. `haswell` and `zen3`, switch to small-matrix kernels for a half).
 */
const SAME_PATH = new Set(['skx', 'generic']); // the kernel sets the docs name

describe.skipIf(live === null)(live === null ? `BLIS in two halves (skipped: ${why})` : 'BLIS in two halves', () => {
  const require = createRequire(import.meta.url) as unknown as NodeRequire;
  const koffi = (live === null ? undefined : require('koffi')) as Koffi; // optional: absent where live is null
  const exact = SAME_PATH.has(live?.kernels ?? '');
  /** The whole product on one BLIS thread, uncut. */
  const whole = (a: NDArray, b: NDArray): number[] => {
    const blas = live!;
    blas.threads!.use(1);
    const [m, k] = a.shape as [number, number];
    const n = b.shape[1]!;
    const f64 = a.dtype === 'float64';
    const c = f64 ? new Float64Array(m * n) : new Float32Array(m * n);
    const A = a.contiguous().data as Float32Array | Float64Array;
    const B = b.contiguous().data as Float32Array | Float64Array;
    (f64 ? blas.dgemm! : blas.sgemm)(101, NO_TRANS, NO_TRANS, m, n, k, 1, A, k, B, n, 0, c, n);
    return Array.from(c);
  };
  const shapes: Array<[number, number, number, 'float32' | 'float64']> = [
    [160, 130, 300, 'float32'], // rows
    [70, 300, 250, 'float32'], // columns
    [512, 512, 512, 'float32'],
    [200, 300, 100, 'float64'],
  ];
  const cases = shapes.map(([m, n, k, dtype], i) => {
    const rng = new Rng(40 + i);
    return { a: randn([m, k], { dtype, rng }), b: randn([k, n], { dtype, rng }) };
  });
  const product = (mm: ReturnType<typeof blasMatmul>, a: NDArray, b: NDArray) => Array.from(mm(a, b, a.dtype).data);
  // worker_threads whose Worker throws, and one whose Worker never comes up
  const broken = fakeWorkers(require, 'broken');
  const silent = fakeWorkers(require, 'silent');

  it(`gives the same bits before and after the helper is up${exact ? ', those of the uncut gemm' : ''}`, async () => {
    for (const { a, b } of cases) expect(a.shape[0]! * b.shape[1]! * a.shape[1]!).toBeGreaterThan(SPLIT_MIN_WORK);
    const { before, matmul, split } = await beforeAndAfterHelper(require, koffi, live!, 'cblas', cases, product, 2);
    const helped = split.helped();
    cases.forEach(({ a, b }, i) => {
      for (let r = 0; r < 3; r++) expect(product(matmul, a, b)).toEqual(before[i]);
      // transposed views, read in place: the same cut of C
      const at = a.transpose().contiguous().transpose();
      const bt = b.transpose().contiguous().transpose();
      const viaViews = product(matmul, at, bt);
      if (exact) {
        expect(before[i]).toEqual(whole(a, b));
        expect(viaViews).toEqual(before[i]);
      } else {
        expectWithinGemmBound(a, b, before[i]!);
        expectWithinGemmBound(a, b, viaViews);
      }
    });
    // the helper ran halves (the spin between products keeps it awake), not only the calling thread
    expect(split.helped()).toBeGreaterThan(helped);
  });

  it('cuts each matrix of a batch', async () => {
    const split = createSplitGemm(require, koffi, live!.library)!;
    const matmul = blasMatmul({ ...live!, split }, jsBackend.matmul.bind(jsBackend));
    const rng = new Rng(12);
    const a = randn([3, 128, 200], { dtype: 'float32', rng });
    const b = randn([200, 256], { dtype: 'float32', rng });
    const first = product(matmul, a, b.expand([3, 200, 256]));
    await waitFor(split.helping);
    expect(product(matmul, a, b.expand([3, 200, 256]))).toEqual(first);
    for (let i = 0; i < 3; i++) {
      const got = first.slice(i * 128 * 256, (i + 1) * 128 * 256);
      const ai = a.slice(0, i, i + 1).reshape([128, 200]);
      if (exact) expect(got).toEqual(whole(ai, b));
      else expectWithinGemmBound(ai, b, got);
    }
  });

  it('runs both halves on the calling thread where the helper cannot start or never comes up', () => {
    const reference = createSplitGemm(require, koffi, live!.library)!;
    const cut = blasMatmul({ ...live!, split: reference }, jsBackend.matmul.bind(jsBackend));
    for (const req of [broken, silent]) {
      const split = createSplitGemm(req, koffi, live!.library)!;
      const matmul = blasMatmul({ ...live!, split }, jsBackend.matmul.bind(jsBackend));
      for (const { a, b } of cases) expect(product(matmul, a, b)).toEqual(product(cut, a, b));
      expect([split.helping(), split.helped()]).toEqual([false, 0]);
    }
  });

  it('leaves nothing posted when the calling half throws: the next product is right', async () => {
    let fail = false;
    // koffi as the package loads it, but the calling thread's gemm throws while `fail` is set
    const failing: Koffi = {
      struct: (members) => koffi.struct(members),
      decode: (value, type) => koffi.decode(value, type),
      load(path) {
        const lib = koffi.load(path);
        return {
          func(signature) {
            const f = lib.func(signature);
            return (...args) => {
              if (fail && signature.includes('gemm')) throw new Error('gemm failed');
              return f(...args);
            };
          },
        };
      },
    };
    const split = createSplitGemm(require, failing, live!.library)!;
    const matmul = blasMatmul({ ...live!, split }, jsBackend.matmul.bind(jsBackend));
    const { a, b } = cases[2]!;
    const want = product(matmul, a, b);
    await waitFor(split.helping);
    fail = true;
    expect(() => matmul(a, b, 'float32')).toThrow('gemm failed');
    fail = false;
    expect(product(matmul, a, b)).toEqual(want);
    expect(split.helping()).toBe(true);
  });

  it('is null where the library does not load or has no cblas', () => {
    expect(createSplitGemm(require, koffi, '/nonexistent/libnothing.so')).toBeNull();
    expect(createSplitGemm(require, koffi, LIBC)).toBeNull();
  });
});
