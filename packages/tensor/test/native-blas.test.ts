/**
 * Native BLAS (Node): matmuls through a system BLAS agree with the reference kernels within a
 * stated bound, on every layout the kernel reads without a copy (transposed views, broadcast
 * batches) and the ones it copies (strided views). Where no BLAS loads, those tests report
 * themselves skipped with the reason; the switches are tested everywhere.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withNativeBlas } from '../src/backends/native/index.js';
import { expectWithinGemmBound, rawValues } from './backend-helpers.js';
import { BLAS_ONE_THREAD_WORK, type Blas, type Gemm, loadBlas, startingThreads } from '../src/backends/native/blas.js';
import { blasMatmul } from '../src/backends/native/matmul.js';
import type { SignalHold } from '../src/backends/native/signals.js';
import { type NDArray, Rng, backendInfo, createWasmBackend, full, getBackend, jsBackend, randn } from '../src/index.js';

/**
 * The library the suite runs on: `CHAINRULE_BLAS_TEST`, else the default selection (oneDNN with its
 * float64 library where it loads); then OpenBLAS and BLIS alone where they load.
 */
const first = loadBlas(process.env.CHAINRULE_BLAS_TEST, process.platform);
const libraries: Array<Blas | { reason: string }> = [first];
if (process.platform !== 'linux') libraries.push({ reason: 'OpenBLAS and BLIS alone: not Linux' });
else
  for (const name of ['libopenblas.so.0', 'libblis.so.4']) {
    const other = loadBlas(name, process.platform);
    if ('reason' in other || 'reason' in first || other.library !== first.library) libraries.push(other);
  }

/** A native product's shape, and its values within the stated bound (backend-helpers.ts). */
function expectWithinBound(a: NDArray, b: NDArray, got: NDArray): void {
  expect(got.shape).toEqual([...a.shape.slice(0, -1), b.shape[b.ndim - 1]]);
  expectWithinGemmBound(a, b, rawValues(got));
}

for (const loaded of libraries) {
  const blas = 'reason' in loaded ? null : loaded;
  const matmul = blas === null ? null : blasMatmul(blas, jsBackend.matmul.bind(jsBackend));
  const name = blas === null ? `native BLAS matmul (skipped: ${(loaded as { reason: string }).reason})` : '';
  describe.skipIf(blas === null)(name || `native BLAS matmul on ${blas!.library} (${blas!.kernels} kernels)`, () => {
    it('agrees with the reference on random sizes, dtypes and layouts', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 70 }),
          fc.integer({ min: 1, max: 70 }),
          fc.integer({ min: 32, max: 90 }),
          fc.constantFrom('float32', 'float64' as const),
          fc.constantFrom('plain', 'transposeA', 'transposeB', 'strided', 'batch', 'broadcast'),
          fc.integer({ min: 0, max: 1000 }),
          (m, n, k, dtype, kind, seed) => {
            const rng = new Rng(seed);
            let a = randn([m, k], { dtype, rng });
            let b = randn([k, n], { dtype, rng });
            if (kind === 'transposeA') a = randn([k, m], { dtype, rng }).transpose();
            if (kind === 'transposeB') b = randn([n, k], { dtype, rng }).transpose();
            if (kind === 'strided') a = randn([m, 2 * k], { dtype, rng }).slice(1, 0, 2 * k, 2);
            if (kind === 'batch') {
              a = randn([3, m, k], { dtype, rng });
              b = randn([3, k, n], { dtype, rng });
            }
            if (kind === 'broadcast') {
              a = randn([2, m, k], { dtype, rng });
              b = randn([k, n], { dtype, rng }).expand([2, k, n]);
            }
            expectWithinBound(a, b, matmul!(a, b, dtype));
          },
        ),
        { numRuns: 60, seed: 7 },
      );
    });

    it('agrees with the reference on a product large enough for several threads', () => {
      const rng = new Rng(5);
      const a = randn([256, 512], { dtype: 'float32', rng });
      const b = randn([512, 520], { dtype: 'float32', rng });
      expect(256 * 512 * 520).toBeGreaterThanOrEqual(blas!.threads?.oneThreadWork ?? BLAS_ONE_THREAD_WORK);
      expectWithinBound(a, b, matmul!(a, b, 'float32'));
    });

    it.skipIf(blas?.threads === null)(
      'runs small gemms on one thread, large ones on all (BLIS on two: one per half)',
      () => {
        const koffi = createRequire(import.meta.url)('koffi') as {
          load(p: string): { func(s: string): (...args: number[]) => number };
        };
        // the library's own count, read and set through a second handle (OpenBLAS's, BLIS's or OpenMP's names)
        const has = (library: string, signature: string): boolean => {
          try {
            koffi.load(library).func(signature);
            return true;
          } catch {
            return false;
          }
        };
        const [library, get, set] = has(blas!.library, 'int64_t bli_thread_get_num_threads()')
          ? [blas!.library, 'int64_t bli_thread_get_num_threads()', 'void bli_thread_set_num_threads(int64_t)']
          : has(blas!.library, 'int openblas_get_num_threads()')
            ? [blas!.library, 'int openblas_get_num_threads()', 'void openblas_set_num_threads(int)']
            : ['libgomp.so.1', 'int omp_get_max_threads()', 'void omp_set_num_threads(int)']; // oneDNN
        const lib = koffi.load(library);
        const current = (): number => Number(lib.func(get)());
        const setThreads = (n: number): unknown => lib.func(set)(n);
        const rng = new Rng(6);
        const small = randn([64, 64], { dtype: 'float32', rng });
        const large = randn([512, 512], { dtype: 'float32', rng });
        expect(512 ** 3).toBeGreaterThanOrEqual(blas!.threads!.oneThreadWork);
        matmul!(small, small, 'float32');
        expect(current()).toBe(1);
        matmul!(large, large, 'float32');
        // BLIS on two threads runs it as two halves of one thread each (split.ts; native-split.test.ts);
        // oneDNN only products with B transposed (A·B here: on its own threads)
        const halves = blas!.split !== null && blas!.split.dialect === 'cblas' && blas!.threads!.max === 2;
        expect(current()).toBe(halves ? 1 : blas!.threads!.max);
        matmul!(small, small, 'float32');
        expect(current()).toBe(1);
        // the count is the process's: another handle setting it is seen, not assumed away
        setThreads(blas!.threads!.max);
        matmul!(small, small, 'float32');
        expect(current()).toBe(1);
      },
    );

    it('writes every element of a new result (storage not zero-filled), an array of its own', () => {
      const rng = new Rng(8);
      for (const dtype of ['float32', 'float64'] as const) {
        for (let i = 0; i < 4; i++) {
          // freed buffers of the same size come back from malloc as they were left
          const a = randn([96, 80], { dtype, rng });
          const b = randn([80, 112], { dtype, rng });
          const c = matmul!(a, b, dtype);
          expect([c.data.length, c.data.byteOffset, c.data.buffer.byteLength]).toEqual([
            96 * 112,
            0,
            96 * 112 * (dtype === 'float32' ? 4 : 8),
          ]);
          expect(Array.from(c.data).every(Number.isFinite)).toBe(true);
          expectWithinGemmBound(a, b, rawValues(c));
          // gemm with beta 0 never reads C: a result array full of NaN comes back without one
          const out = full([96, 112], Number.NaN, dtype);
          matmul!(a, b, dtype, out);
          expect(Array.from(out.data).every(Number.isFinite)).toBe(true);
          expectWithinGemmBound(a, b, rawValues(out));
        }
      }
    });

    it('leaves small products and int data to the fallback kernel, bit for bit', () => {
      const rng = new Rng(3);
      const a = randn([4, 5], { dtype: 'float32', rng });
      const b = randn([5, 6], { dtype: 'float32', rng });
      expect(Array.from(matmul!(a, b, 'float32').data)).toEqual(Array.from(jsBackend.matmul(a, b, 'float32').data));
    });

    // the default selection's library only (the suite also runs on BLIS where it loads beside it)
    if (loaded === first)
      it('is what the default selection picks where it loads, and backendInfo says what runs', () => {
        const chosen = withNativeBlas(createWasmBackend(jsBackend), {});
        expect(chosen.blas).toBe(blas!.library);
        // oneDNN, OpenBLAS and BLIS say which kernels they run (its instruction set, the core, the configuration)
        expect(chosen.blasKernels).toBe(blas!.kernels);
        if (/openblas|blis|dnnl/.test(blas!.library)) expect(blas!.kernels).toMatch(/^\w+$/);
        expect(chosen.backend.name).toBe('wasm+blas');
        // the suite itself runs with CHAINRULE_BLAS=off (vitest.aliases.ts): backendInfo says why
        const info = backendInfo();
        expect(info).toMatchObject({
          backend: getBackend().name,
          blas: null,
          blasKernels: null,
          blasFloat64: null,
          blasReason: 'CHAINRULE_BLAS=off',
        });
        // malloc's tuning is reported apart from the BLAS (native-malloc.test.ts): one of the two fields
        expect((info.malloc === null) !== (info.mallocReason === null)).toBe(true);
      });

    it('trains the same small model as the wasm kernels, within float rounding', () => {
      const wasm = createWasmBackend(jsBackend);
      const native = withNativeBlas(wasm, {}).backend;
      const rng = new Rng(11);
      const x = randn([64, 100], { dtype: 'float32', rng });
      const w1 = randn([100, 64], { dtype: 'float32', rng });
      const run = (backend: typeof wasm): number[] => {
        let w = w1;
        for (let step = 0; step < 5; step++) {
          const h = backend.matmul(x, w, 'float32');
          const g = backend.matmul(x.transpose(), h, 'float32'); // ∂(½‖xw‖²)/∂w
          w = backend.binary(
            'sub',
            w,
            backend.binary('mul', g, full([], 1e-4, 'float32').expand(g.shape), 'float32'),
            'float32',
          );
        }
        return Array.from(w.contiguous().data as Float32Array);
      };
      const a = run(wasm);
      const b = run(native);
      const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!) / (Math.abs(v) + 1e-3)), 0);
      expect(worst).toBeLessThan(1e-4);
    });
  });
}

describe('thread count per product', () => {
  it('asks for one thread below BLAS_ONE_THREAD_WORK per matrix, and for all from there on', () => {
    const asked: number[] = [];
    const gemm: Gemm = () => {};
    const threads = { max: 4, oneThreadWork: BLAS_ONE_THREAD_WORK, use: (n: number) => asked.push(n) };
    const fake: Blas = {
      sgemm: gemm,
      dgemm: gemm,
      library: 'fake',
      threads,
      kernels: null,
      split: null,
      primitive: null,
      float64: null,
      hold: null,
    };
    const mm = blasMatmul(fake, jsBackend.matmul.bind(jsBackend));
    const side = Math.ceil(Math.cbrt(BLAS_ONE_THREAD_WORK));
    const at = (m: number, dtype: 'float32' | 'float64' = 'float32') =>
      mm(full([m, side], 0, dtype), full([side, side], 0, dtype), dtype);
    at(side);
    at(Math.floor((BLAS_ONE_THREAD_WORK - 1) / (side * side)), 'float64');
    // a batch of small matrices stays on one thread, however large the batch
    mm(full([64, 40, 40], 0, 'float32'), full([40, 40], 0, 'float32').expand([64, 40, 40]), 'float32');
    expect(asked).toEqual([4, 1, 1]);
  });

  it("holds the library's signal hold once around all of a product's gemms, a batch's included", () => {
    const events: string[] = [];
    let depth = 0;
    const gemm: Gemm = () => {
      events.push(`gemm at depth ${depth}`);
    };
    const hold: SignalHold = {
      hold: () => {
        events.push(`hold at depth ${depth++}`);
      },
      release: () => {
        depth--;
      },
      during: (f) => f(),
      settle: () => {},
      openProfiler: () => false,
    };
    const fake: Blas = {
      sgemm: gemm,
      dgemm: gemm,
      library: 'fake',
      threads: null,
      kernels: null,
      split: null,
      primitive: null,
      float64: null,
      hold,
    };
    const mm = blasMatmul(fake, jsBackend.matmul.bind(jsBackend));
    mm(full([3, 40, 40], 0, 'float32'), full([40, 40], 0, 'float32').expand([3, 40, 40]), 'float32');
    expect(events).toEqual(['hold at depth 0', 'gemm at depth 1', 'gemm at depth 1', 'gemm at depth 1']);
    expect(depth).toBe(0);
    events.length = 0;
    const failing: Blas = {
      ...fake,
      sgemm: () => {
        throw new Error('refused');
      },
    };
    expect(() =>
      blasMatmul(failing, jsBackend.matmul.bind(jsBackend))(full([40, 40], 0), full([40, 40], 0), 'float32'),
    ).toThrow('refused');
    expect(depth).toBe(0); // released after a failed gemm too
  });

  it("starts from OpenBLAS's own count: OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS, OMP_NUM_THREADS, the cores", () => {
    expect(startingThreads(8, {})).toBe(8);
    expect(startingThreads(8, { OMP_NUM_THREADS: '3,2' })).toBe(3);
    expect(startingThreads(8, { GOTO_NUM_THREADS: '2', OMP_NUM_THREADS: '3' })).toBe(2);
    expect(startingThreads(8, { OPENBLAS_NUM_THREADS: '1', GOTO_NUM_THREADS: '2' })).toBe(1);
    expect(startingThreads(2, { OPENBLAS_NUM_THREADS: '16' })).toBe(2);
    expect(startingThreads(4, { OPENBLAS_NUM_THREADS: '0', OMP_NUM_THREADS: 'x' })).toBe(4);
  });

  it('loads each library once', () => {
    if ('reason' in first)
      return expect(loadBlas('/nonexistent/libnothing.so', process.platform)).toHaveProperty('reason');
    expect(loadBlas(first.library, process.platform)).toBe(loadBlas(first.library, process.platform));
    expect(loadBlas(process.env.CHAINRULE_BLAS_TEST, process.platform)).toBe(first);
    // a library with a float64 gemm is the same object alone and as the default selection
    if (first.dgemm !== null) expect(loadBlas(first.library, process.platform)).toBe(first);
  });
});

describe('switches', () => {
  it('CHAINRULE_BLAS=off keeps the backend as it is and says why', () => {
    expect(withNativeBlas(jsBackend, { CHAINRULE_BLAS: 'off' })).toEqual({
      backend: jsBackend,
      blas: null,
      blasKernels: null,
      blasFloat64: null,
      blasReason: 'CHAINRULE_BLAS=off',
    });
  });

  it('a library that does not load is a reason, not an error', () => {
    const r = loadBlas('/nonexistent/libnothing.so', process.platform);
    expect('reason' in r && r.reason).toMatch(/\/nonexistent\/libnothing\.so/);
    const chosen = withNativeBlas(jsBackend, { CHAINRULE_BLAS: '/nonexistent/libnothing.so' });
    expect(chosen.backend).toBe(jsBackend);
    expect(chosen.blasReason).toMatch(/none loaded/);
  });

  it('outside Node there is no BLAS', () => {
    expect(loadBlas(undefined, 'browser')).toHaveProperty('reason');
  });
});
