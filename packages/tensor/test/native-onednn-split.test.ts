/**
 * oneDNN's A·Bᵀ products in two halves (split.ts with `dnnl_sgemm`, matmul.ts's rule): the same
 * bits whether the helper thread or the calling thread runs the second half, within the gemm bound,
 * and a call oneDNN refuses raises its status with C as it was. Where oneDNN does not load, or its
 * threads are not OpenMP's two or more, the suite reports itself skipped with the reason.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { type Blas, loadBlas } from '../src/backends/native/blas.js';
import type { Koffi, NodeRequire } from '../src/backends/native/ffi.js';
import { blasMatmul } from '../src/backends/native/matmul.js';
import { ONEDNN_CANDIDATES, ONEDNN_SPLIT_MIN_WORK } from '../src/backends/native/onednn.js';
import { createSplitGemm } from '../src/backends/native/split.js';
import { type NDArray, Rng, jsBackend, randn } from '../src/index.js';
import { expectWithinGemmBound } from './backend-helpers.js';

const NO_TRANS = 111;
const TRANS = 112;

/** The first oneDNN that loads alone with its halves, or why there is none. */
const found = ((): Blas | { reason: string } => {
  if (process.platform !== 'linux') return { reason: 'not Linux' };
  const reasons: string[] = [];
  for (const name of ONEDNN_CANDIDATES) {
    const b = loadBlas(name, process.platform);
    if ('reason' in b) reasons.push(b.reason);
    else if (b.split === null) reasons.push(`${name}: its threads are not OpenMP's two or more`);
    else return b;
  }
  return { reason: reasons.join('; ') };
})();
const live = 'reason' in found ? null : found;
const title = live === null ? `oneDNN halves (skipped: ${(found as { reason: string }).reason})` : 'oneDNN halves';

describe.skipIf(live === null)(title, () => {
  const require = createRequire(import.meta.url) as unknown as NodeRequire;
  const koffi = (live === null ? undefined : require('koffi')) as Koffi; // optional: absent where live is null
  // worker_threads whose Worker never comes up: the calling thread runs both halves
  const silent = ((id: string) =>
    id === 'node:worker_threads'
      ? {
          Worker: class {
            unref(): void {}
            on(): void {}
          },
        }
      : require(id)) as NodeRequire;
  silent.resolve = require.resolve;
  const cases = [
    [512, 512, 512], // rows
    [300, 700, 640], // columns, uneven halves
  ].map(([m, n, k], i) => {
    const rng = new Rng(60 + i);
    return { a: randn([m!, k!], { rng }), b: randn([n!, k!], { rng }).transpose() }; // B read transposed
  });
  const product = (mm: ReturnType<typeof blasMatmul>, a: NDArray, b: NDArray) => Array.from(mm(a, b, 'float32').data);
  const waitFor = async (ready: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 25));
  };

  it('gives the same bits before and after the helper is up, within the gemm bound', async () => {
    const alone = createSplitGemm(silent, koffi, live!.library, 'dnnl')!;
    const withoutHelper = blasMatmul({ ...live!, split: alone }, jsBackend.matmul.bind(jsBackend));
    for (const { a, b } of cases)
      expect(a.shape[0]! * b.shape[1]! * a.shape[1]!).toBeGreaterThanOrEqual(ONEDNN_SPLIT_MIN_WORK);
    const before = cases.map(({ a, b }) => product(withoutHelper, a, b));
    expect([alone.helping(), alone.helped()]).toEqual([false, 0]);
    const split = createSplitGemm(require, koffi, live!.library, 'dnnl')!;
    const matmul = blasMatmul({ ...live!, split }, jsBackend.matmul.bind(jsBackend));
    product(matmul, cases[0]!.a, cases[0]!.b); // starts the helper
    await waitFor(split.helping);
    expect(split.helping()).toBe(true);
    const helped = split.helped();
    cases.forEach(({ a, b }, i) => {
      for (let r = 0; r < 3; r++) expect(product(matmul, a, b)).toEqual(before[i]);
      expectWithinGemmBound(a, b, before[i]!);
    });
    expect(split.helped()).toBeGreaterThan(helped);
  });

  it('raises oneDNN status where it refuses a half, with C as it was', async () => {
    const split = createSplitGemm(require, koffi, live!.library, 'dnnl')!;
    const c = new Float32Array(128 * 128).fill(7);
    const a = new Float32Array(128 * 128);
    const call = { transA: NO_TRANS, transB: TRANS, m: 128, n: 128, k: 128, lda: 128, ldb: 128, ldc: 128 };
    const at = { a: split.address(a), b: split.address(a), c: split.address(c) };
    expect(split.run({ ...call, ...at }, false)).toBe(true); // starts the helper
    await waitFor(split.helping);
    c.fill(7);
    // lda below k: refused by both halves before anything is written
    expect(() => split.run({ ...call, ...at, lda: 1 }, false)).toThrow(/^oneDNN sgemm 64×128×128: invalid arguments$/);
    expect(c.every((x) => x === 7)).toBe(true);
    expect(split.helping()).toBe(true); // a refused call is not the helper's failure
    expect(split.run({ ...call, ...at }, false)).toBe(true); // nothing was left posted
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
