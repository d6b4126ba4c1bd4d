/**
 * oneDNN as the native library (onednn.ts): its float32 gemm agrees with the reference within the
 * stated bound (native-blas.test.ts runs the layouts on it too, where it is the default selection),
 * its float64 products go to the default selection's next library or stay on the fallback, bit for
 * bit, and a call it refuses raises an error naming the status, with C as it was. Where oneDNN
 * does not load, the suite reports itself skipped with the reason.
 */
import { describe, expect, it } from 'vitest';
import { type Blas, loadBlas } from '../src/backends/native/blas.js';
import { NO_TRANS, ROW_MAJOR, TRANS } from '../src/backends/native/cblas.js';
import { withNativeBlas } from '../src/backends/native/index.js';
import { blasMatmul } from '../src/backends/native/matmul.js';
import { ONEDNN_CANDIDATES, ONEDNN_ONE_THREAD_WORK } from '../src/backends/native/onednn.js';
import { Rng, createWasmBackend, jsBackend, randn } from '../src/index.js';
import { expectBitIdentical, expectWithinGemmBound, rawValues } from './backend-helpers.js';
import { firstOnednn } from './onednn-helpers.js';

/** The first oneDNN that loads alone, or why none does. */
const found = firstOnednn();
const dnnl = 'reason' in found ? null : found;
/** The default selection where it is oneDNN with a float64 library, else why the test of that case is skipped. */
const chosen = loadBlas(undefined, process.platform);
const withNext =
  'reason' in chosen
    ? `no default selection: ${chosen.reason}`
    : !ONEDNN_CANDIDATES.includes(chosen.library)
      ? `the default selection is ${chosen.library}`
      : chosen.float64 === null
        ? 'no library with a float64 gemm loads beside oneDNN'
        : null;
const title = dnnl === null ? `oneDNN (skipped: ${(found as { reason: string }).reason})` : `oneDNN ${dnnl.library}`;

describe.skipIf(dnnl === null)(title, () => {
  it('is a float32 library with its kernels named', () => {
    expect(dnnl!.dgemm).toBeNull();
    expect(dnnl!.float64).toBeNull(); // alone: float64 products stay on the fallback
    expect(dnnl!.kernels).toMatch(/^(sse41|avx|avx2\w*|avx512_\w+|isa_0x[0-9a-f]+)$/);
  });

  it.skipIf(dnnl?.threads === null)(
    `sets OpenMP's thread count per product${dnnl?.threads === null ? ' (skipped: not an OpenMP build)' : ''}`,
    () => {
      expect(dnnl!.threads!.oneThreadWork).toBe(ONEDNN_ONE_THREAD_WORK);
      // (native-blas.test.ts checks the count a small and a large product leave behind)
    },
  );

  it('multiplies every transpose combination within the stated bound', () => {
    const matmul = blasMatmul(dnnl!, jsBackend.matmul.bind(jsBackend));
    const rng = new Rng(21);
    for (const [m, n, k] of [
      [33, 70, 41],
      [128, 30, 784],
      [200, 150, 120],
    ] as const) {
      const plain = [randn([m, k], { rng }), randn([k, n], { rng })] as const;
      const a = [plain[0], randn([k, m], { rng }).transpose()];
      const b = [plain[1], randn([n, k], { rng }).transpose()];
      for (const x of a) for (const y of b) expectWithinGemmBound(x, y, rawValues(matmul(x, y, 'float32')));
    }
  });

  it('alone, leaves float64 products to the fallback kernel, bit for bit', () => {
    const matmul = blasMatmul(dnnl!, jsBackend.matmul.bind(jsBackend));
    const rng = new Rng(22);
    const a = randn([64, 80], { dtype: 'float64', rng });
    const b = randn([80, 48], { dtype: 'float64', rng });
    expectBitIdentical(matmul(a, b, 'float64'), jsBackend.matmul(a, b, 'float64'));
  });

  it.skipIf(withNext !== null)(
    `in the default selection, hands float64 products to the next library with a float64 gemm${
      withNext === null ? '' : ` (skipped: ${withNext})`
    }`,
    () => {
      const blas = chosen as Blas;
      const next = blas.float64!;
      expect(next.dgemm).not.toBeNull();
      expect(withNativeBlas(createWasmBackend(jsBackend), {}).blasFloat64).toBe(next.library);
      // the float64 product is that library's: the same bits as calling it alone
      const rng = new Rng(23);
      const a = randn([96, 64], { dtype: 'float64', rng });
      const b = randn([64, 72], { dtype: 'float64', rng });
      const viaDefault = blasMatmul(blas, jsBackend.matmul.bind(jsBackend))(a, b, 'float64');
      expectBitIdentical(viaDefault, blasMatmul(next, jsBackend.matmul.bind(jsBackend))(a, b, 'float64'));
    },
  );

  it('gives the same bits on every call of the same product', () => {
    const matmul = blasMatmul(dnnl!, jsBackend.matmul.bind(jsBackend));
    const rng = new Rng(24);
    const a = randn([256, 512], { rng });
    const b = randn([512, 520], { rng }); // above ONEDNN_ONE_THREAD_WORK: on all threads
    expect(256 * 512 * 520).toBeGreaterThanOrEqual(ONEDNN_ONE_THREAD_WORK);
    const first = matmul(a, b, 'float32');
    for (let i = 0; i < 3; i++) expectBitIdentical(matmul(a, b, 'float32'), first);
  });

  it('raises an error naming the status of a call it refuses, and leaves C as it was', () => {
    const a = new Float32Array(16).fill(1);
    const c = new Float32Array(16).fill(7);
    // lda 1 < k 4: oneDNN's invalid arguments
    expect(() => dnnl!.sgemm(ROW_MAJOR, NO_TRANS, TRANS, 4, 4, 4, 1, a, 1, a, 4, 0, c, 4)).toThrow(
      /oneDNN sgemm 4×4×4: invalid arguments/,
    );
    expect(Array.from(c)).toEqual(new Array(16).fill(7));
    expect(() => dnnl!.sgemm(102, NO_TRANS, NO_TRANS, 4, 4, 4, 1, a, 4, a, 4, 0, c, 4)).toThrow(/row-major/);
  });
});
