/**
 * oneDNN's matmul primitive (onednn-matmul.ts) and matmul.ts's rule for it: the A·Bᵀ products it
 * takes run on it, within the gemm bound and with the same bits each time, strided views and
 * batches included; the others stay on `dnnl_sgemm`; shapes it makes no primitive for write
 * nothing; it keeps a bounded number of shapes. Where oneDNN does not load, has no primitive
 * (version 3) or runs on one thread, the suite reports itself skipped with the reason.
 */
import { describe, expect, it } from 'vitest';
import type { Blas } from '../src/backends/native/blas.js';
import { blasMatmul } from '../src/backends/native/matmul.js';
import { KEPT_SHAPES, PRIMITIVE_MAX_C, primitiveTakes } from '../src/backends/native/onednn-matmul.js';
import { type NDArray, Rng, jsBackend, randn } from '../src/index.js';
import { expectWithinGemmBound } from './backend-helpers.js';
import { firstOnednn } from './onednn-helpers.js';

/** The first oneDNN that loads, with its primitive and two or more threads, or why there is none. */
const found = ((): Blas | { reason: string } => {
  const b = firstOnednn();
  if ('reason' in b) return b;
  if (b.primitive === null) return { reason: `${b.library}: no matmul primitive (oneDNN 3)` };
  if ((b.threads?.max ?? 1) < 2) return { reason: `${b.library}: one thread` };
  return b;
})();
const live = 'reason' in found ? null : found;
const title =
  live === null
    ? `oneDNN matmul primitive (skipped: ${(found as { reason: string }).reason})`
    : 'oneDNN matmul primitive';

describe('primitiveTakes', () => {
  it('takes A·Bᵀ where k is at least C’s longer side and C is at most 1024²', () => {
    expect(primitiveTakes(512, 512, 512)).toBe(true);
    expect(primitiveTakes(128, 256, 784)).toBe(true);
    expect(primitiveTakes(128, 256, 255)).toBe(false);
    expect(primitiveTakes(1024, 512, 256)).toBe(false);
    expect(primitiveTakes(1024, 1024, 1024)).toBe(true);
    expect(PRIMITIVE_MAX_C).toBe(1024 * 1024);
    expect(primitiveTakes(1024, 1025, 2048)).toBe(false);
  });
});

describe.skipIf(live === null)(title, () => {
  const blas = live!;
  const primitive = blas.primitive!;
  const matmul = blasMatmul(blas, jsBackend.matmul.bind(jsBackend));
  const values = (x: NDArray) => Array.from(x.data as Float32Array);
  const rng = new Rng(71);
  /** A·Bᵀ with B an n×k matrix read transposed. */
  const abt = (m: number, n: number, k: number) => ({
    a: randn([m, k], { rng }),
    b: randn([n, k], { rng }).transpose(),
  });

  it('runs the A·Bᵀ products it takes on the primitive, within the gemm bound, the same bits each time', () => {
    const cases = [abt(256, 256, 384), abt(128, 256, 784), abt(96, 200, 600)];
    // strided views: A's rows and B's rows (Bᵀ's columns) from wider matrices (lda, ldb above k)
    const wideA = randn([128, 800], { rng });
    const wideB = randn([256, 900], { rng });
    cases.push({ a: wideA.slice(1, 0, 784), b: wideB.slice(1, 0, 784).transpose() });
    for (const { a, b } of cases) {
      const [m, k] = a.shape as [number, number];
      expect(primitiveTakes(m, b.shape[1]!, k)).toBe(true);
      expect(m * b.shape[1]! * k).toBeGreaterThanOrEqual(blas.threads!.oneThreadWork); // two threads
      const before = primitive.runs();
      const first = values(matmul(a, b, 'float32'));
      expect(primitive.runs()).toBe(before + 1);
      expectWithinGemmBound(a, b, first);
      for (let r = 0; r < 3; r++) expect(values(matmul(a, b, 'float32'))).toEqual(first);
    }
  });

  it('runs each matrix of a batch on it, into an `out` view', () => {
    const a = randn([3, 128, 512], { rng });
    const b = randn([3, 256, 512], { rng }).transpose(1, 2);
    const out = randn([3, 128, 256], { rng });
    const before = primitive.runs();
    matmul(a, b, 'float32', out);
    expect(primitive.runs()).toBe(before + 3);
    for (let i = 0; i < 3; i++) {
      const [ai, bi, oi] = [a, b, out].map((x) => x.slice(0, i, i + 1).squeeze(0)) as [NDArray, NDArray, NDArray];
      expectWithinGemmBound(ai, bi, values(oi.contiguous()));
    }
  });

  it('leaves A·B, Aᵀ·B, one-thread products and those with k below C’s longer side to sgemm', () => {
    const before = primitive.runs();
    const square = randn([512, 512], { rng });
    matmul(square, square, 'float32'); // A·B
    matmul(square.transpose(), square, 'float32'); // Aᵀ·B
    const small = abt(64, 128, 128); // 2²⁰ multiply-adds: one thread
    matmul(small.a, small.b, 'float32');
    const wide = abt(512, 256, 128);
    const got = values(matmul(wide.a, wide.b, 'float32'));
    expect(primitive.runs()).toBe(before);
    expectWithinGemmBound(wide.a, wide.b, got);
  });

  it('writes nothing and says false for an empty product or strides that overlap', () => {
    const a = new Float32Array(64).fill(1);
    const c = new Float32Array(64).fill(7);
    expect(primitive.abt(0, 8, 8, a, 8, a, 8, c, 8, 2)).toBe(false);
    expect(primitive.abt(8, 8, 8, a, 8, a, 8, c, 4, 2)).toBe(false); // ldc below n
    expect(primitive.abt(8, 8, 8, a, 4, a, 8, c, 8, 2)).toBe(false); // lda below k
    expect(c.every((x) => x === 7)).toBe(true);
    expect(primitive.abt(8, 8, 8, a, 8, a, 8, c, 8, 2)).toBe(true);
    expect(c.every((x) => x === 8)).toBe(true);
  });

  it(`keeps the primitives of at most ${KEPT_SHAPES} shapes, remaking one it let go`, () => {
    const a = new Float32Array(40 * 40).fill(1);
    const c = new Float32Array(40 * 40);
    for (let n = 1; n <= KEPT_SHAPES + 8; n++) expect(primitive.abt(4, n, 40, a, 40, a, 40, c, n, 2)).toBe(true);
    expect(primitive.shapes()).toBe(KEPT_SHAPES);
    c.fill(0);
    expect(primitive.abt(4, 1, 40, a, 40, a, 40, c, 1, 2)).toBe(true); // let go above, made again
    expect(Array.from(c.subarray(0, 4))).toEqual([40, 40, 40, 40]);
  });
});
