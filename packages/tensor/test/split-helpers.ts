/**
 * What the split.ts tests share: a `require` whose worker_threads cannot start a helper, a wait for
 * the helper to come up, and the products before and after it is up.
 */
import { expect } from 'vitest';
import type { Blas } from '../src/backends/native/blas.js';
import type { Koffi, NodeRequire } from '../src/backends/native/ffi.js';
import { blasMatmul } from '../src/backends/native/matmul.js';
import { type SplitDialect, type SplitGemm, createSplitGemm } from '../src/backends/native/split.js';
import { type NDArray, jsBackend } from '../src/index.js';

/**
 * `require` with worker_threads replaced: `broken`'s Worker throws when made, `silent`'s is made but
 * never runs (so the helper never comes up and the calling thread runs every half).
 */
export function fakeWorkers(require: NodeRequire, kind: 'broken' | 'silent'): NodeRequire {
  const Worker =
    kind === 'broken'
      ? class {
          constructor() {
            throw new Error('no threads here');
          }
        }
      : class {
          unref(): void {}
          on(): void {}
        };
  const fake = ((id: string) => (id === 'node:worker_threads' ? { Worker } : require(id))) as NodeRequire;
  fake.resolve = require.resolve;
  return fake;
}

/** Resolves once `ready()` holds, or after about 5 s. */
export async function waitFor(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 25));
}

/** A matmul's result as plain numbers. */
type Product = (mm: ReturnType<typeof blasMatmul>, a: NDArray, b: NDArray) => number[];

/**
 * Both sides of a split test on `blas`'s library: each case's product with halves whose helper never
 * comes up (the calling thread runs every half), then a matmul whose helper is up (started by the
 * product of case `warm`, and checked to have come up).
 */
export async function beforeAndAfterHelper(
  require: NodeRequire,
  koffi: Koffi,
  blas: Blas,
  dialect: SplitDialect,
  cases: readonly { a: NDArray; b: NDArray }[],
  product: Product,
  warm: number,
): Promise<{ before: number[][]; matmul: ReturnType<typeof blasMatmul>; split: SplitGemm }> {
  const fallback = jsBackend.matmul.bind(jsBackend);
  const alone = createSplitGemm(fakeWorkers(require, 'silent'), koffi, blas.library, dialect)!;
  const withoutHelper = blasMatmul({ ...blas, split: alone }, fallback);
  const before = cases.map(({ a, b }) => product(withoutHelper, a, b));
  expect([alone.helping(), alone.helped()]).toEqual([false, 0]);
  const split = createSplitGemm(require, koffi, blas.library, dialect)!;
  const matmul = blasMatmul({ ...blas, split }, fallback);
  product(matmul, cases[warm]!.a, cases[warm]!.b); // starts the helper
  await waitFor(split.helping);
  expect(split.helping()).toBe(true);
  return { before, matmul, split };
}
