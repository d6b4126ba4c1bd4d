/**
 * oneDNN's A·Bᵀ products in two halves (split.ts with `dnnl_sgemm`, matmul.ts's rule for those its
 * matmul primitive does not take, all of them with oneDNN 3; here the primitive is left out, so
 * that the halves take the cases below too): the same bits whether the
 * helper thread or the calling thread runs the second half, within the gemm bound, and a half
 * oneDNN refuses raises its status for the whole product. Where oneDNN does not load, or its
 * threads are not two OpenMP threads, the suite reports itself skipped with the reason.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Blas } from '../src/backends/native/blas.js';
import type { Koffi, NodeRequire } from '../src/backends/native/ffi.js';
import type { blasMatmul } from '../src/backends/native/matmul.js';
import { ONEDNN_SPLIT_MIN_WORK } from '../src/backends/native/onednn.js';
import { createSplitGemm } from '../src/backends/native/split.js';
import { type NDArray, Rng, randn } from '../src/index.js';
import { expectWithinGemmBound } from './backend-helpers.js';
import { firstOnednn } from './onednn-helpers.js';
import { beforeAndAfterHelper, fakeWorkers, waitFor } from './split-helpers.js';

const NO_TRANS = 111;

/** The first oneDNN that loads alone, with its halves (its matmul primitive left out), or why there is none. */
const found = ((): Blas | { reason: string } => {
  const b = firstOnednn();
  if ('reason' in b) return b;
  return b.split !== null
    ? { ...b, primitive: null }
    : { reason: `${b.library}: its threads are not two OpenMP threads` };
})();
const live = 'reason' in found ? null : found;
const title = live === null ? `oneDNN halves (skipped: ${(found as { reason: string }).reason})` : 'oneDNN halves';

describe.skipIf(live === null)(title, () => {
  const require = createRequire(import.meta.url) as unknown as NodeRequire;
  const koffi = (live === null ? undefined : require('koffi')) as Koffi; // optional: absent where live is null
  // worker_threads whose Worker never comes up: the calling thread runs both halves
  const silent = fakeWorkers(require, 'silent');
  const cases = [
    [512, 512, 512], // rows
    [300, 700, 640], // columns, uneven halves
  ].map(([m, n, k], i) => {
    const rng = new Rng(60 + i);
    return { a: randn([m!, k!], { rng }), b: randn([n!, k!], { rng }).transpose() }; // B read transposed
  });
  const product = (mm: ReturnType<typeof blasMatmul>, a: NDArray, b: NDArray) => Array.from(mm(a, b, 'float32').data);

  it('gives the same bits before and after the helper is up, within the gemm bound', async () => {
    for (const { a, b } of cases)
      expect(a.shape[0]! * b.shape[1]! * a.shape[1]!).toBeGreaterThanOrEqual(ONEDNN_SPLIT_MIN_WORK);
    const { before, matmul, split } = await beforeAndAfterHelper(require, koffi, live!, 'dnnl', cases, product, 0);
    const helped = split.helped();
    cases.forEach(({ a, b }, i) => {
      for (let r = 0; r < 3; r++) expect(product(matmul, a, b)).toEqual(before[i]);
      expectWithinGemmBound(a, b, before[i]!);
    });
    expect(split.helped()).toBeGreaterThan(helped);
  });

  it("raises oneDNN's status for the whole product where it refuses the helper's half", async () => {
    const split = createSplitGemm(require, koffi, live!.library, 'dnnl')!;
    // 64×176×32768, cut by columns into 80 and 96: with ldb 80 only the second half is refused (the
    // first runs long enough, about 1 ms, for the helper to have taken the second)
    const [m, n, k] = [64, 176, 32768];
    const a = new Float32Array(m * k);
    const b = new Float32Array(k * n);
    const c = new Float32Array(m * n);
    const at = { a: split.address(a), b: split.address(b), c: split.address(c) };
    const call = { transA: NO_TRANS, transB: NO_TRANS, m, n, k, lda: k, ldb: n, ldc: n, ...at };
    expect(split.run(call, false)).toBe(true); // starts the helper
    await waitFor(split.helping);
    expect(split.helping()).toBe(true);
    const scratch = { ...call, c: split.address(new Float32Array(m * n)) };
    // until the helper has taken a refused half (it has to be awake when one is posted: products
    // until it has run a half, then it spins for the next)
    for (let trial = 0; trial < 20 && split.refusedThere() === 0; trial++) {
      const before = split.helped();
      for (let i = 0; i < 200 && split.helped() === before; i++) split.run(scratch, false);
      c.fill(7);
      expect(() => split.run({ ...call, ldb: 80 }, false)).toThrow(/^oneDNN sgemm 64×176×32768: invalid arguments$/);
      // the first half (columns 0–79) was written, the refused one left as it was
      for (let r = 0; r < m; r++) {
        expect(c.subarray(r * n, r * n + 80).every((x) => x === 0)).toBe(true);
        expect(c.subarray(r * n + 80, (r + 1) * n).every((x) => x === 7)).toBe(true);
      }
    }
    expect(split.refusedThere()).toBeGreaterThan(0);
    expect(split.helping()).toBe(true); // a refused half is not the helper's failure: it stays up
    c.fill(7);
    expect(split.run(call, false)).toBe(true); // nothing was left posted
    expect(c.every((x) => x === 0)).toBe(true);
  });

  it('does not cut float64 products (oneDNN has no float64 gemm)', () => {
    const split = createSplitGemm(silent, koffi, live!.library, 'dnnl')!;
    const call = {
      transA: NO_TRANS,
      transB: NO_TRANS,
      m: 128,
      n: 128,
      k: 128,
      a: 0,
      lda: 128,
      b: 0,
      ldb: 128,
      c: 0,
      ldc: 128,
    };
    expect(split.run(call, true)).toBe(false);
  });
});
