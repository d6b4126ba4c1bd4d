/**
 * oneDNN's matmul primitive (onednn-matmul.ts) and matmul.ts's rule for it: the A·Bᵀ products it
 * takes run on it, within the gemm bound and with the same bits each time, strided views, batches
 * and an `out` inside a larger array included; the others (float64 ones too) stay on `dnnl_sgemm`;
 * shapes it makes no primitive for write nothing; each product runs inside the signal hold; it
 * keeps the primitives of a bounded number of shapes, the least recently used let go first. Where
 * oneDNN does not load, has no primitive (version 3) or runs on one thread, the suite reports
 * itself skipped with the reason.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Blas } from '../src/backends/native/blas.js';
import type { ForeignLibrary, Koffi } from '../src/backends/native/ffi.js';
import { blasMatmul } from '../src/backends/native/matmul.js';
import { KEPT_SHAPES, PRIMITIVE_MAX_C, onednnMatmul, primitiveTakes } from '../src/backends/native/onednn-matmul.js';
import { NDArray, Rng, jsBackend, randn } from '../src/index.js';
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

  it('writes an `out` view inside a larger array and nothing around it', () => {
    const { a, b } = abt(128, 256, 512);
    const whole = new Float32Array(2 + 128 * 256 + 3).fill(Number.NaN);
    const out = new NDArray(whole, [128, 256], undefined, 2);
    const before = primitive.runs();
    matmul(a, b, 'float32', out);
    expect(primitive.runs()).toBe(before + 1);
    expectWithinGemmBound(a, b, values(out.contiguous()));
    expect([...whole.subarray(0, 2), ...whole.subarray(2 + 128 * 256)].every(Number.isNaN)).toBe(true);
  });

  it('leaves float64 A·Bᵀ to the float64 library or the fallback kernel', () => {
    const f64 = (x: NDArray) => jsBackend.copy(x, 'float64');
    const { a, b } = abt(256, 256, 384);
    const before = primitive.runs();
    const got = matmul(f64(a), f64(b), 'float64');
    expect(primitive.runs()).toBe(before);
    expect(got.dtype).toBe('float64');
    expectWithinGemmBound(f64(a), f64(b), Array.from(got.data as Float64Array));
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

  // a primitive of its own on oneDNN's handle, its primitives counted as made, its holds as taken
  const require = createRequire(import.meta.url);
  const counted = () => {
    const lib = (require('koffi') as Koffi).load(blas.library);
    const counts = { made: 0, held: 0, holding: 0, ranHeld: 0 };
    const counting: ForeignLibrary = {
      func: (signature) => {
        const fn = lib.func(signature);
        if (signature.includes('dnnl_primitive_create'))
          return (...args) => {
            counts.made++;
            return fn(...args);
          };
        if (!signature.includes('dnnl_primitive_execute')) return fn;
        return (...args) => {
          if (counts.holding > 0) counts.ranHeld++;
          return fn(...args);
        };
      },
    };
    const hold = blas.hold!;
    const countingHold = {
      ...hold,
      hold: () => {
        counts.held++;
        counts.holding++;
        hold.hold();
      },
      release: () => {
        counts.holding--;
        hold.release();
      },
    };
    return { p: onednnMatmul(counting, blas.threads!, countingHold)!, counts };
  };

  it('runs each product inside the signal hold', () => {
    const { p, counts } = counted();
    const a = new Float32Array(64 * 64).fill(1);
    const c = new Float32Array(64 * 64);
    for (let i = 0; i < 3; i++) expect(p.abt(64, 64, 64, a, 64, a, 64, c, 64, 2)).toBe(true);
    expect(counts).toEqual({ made: 1, held: 3, holding: 0, ranHeld: 3 });
    expect(c.every((x) => x === 64)).toBe(true);
  });

  it(`keeps the primitives of at most ${KEPT_SHAPES} shapes, letting the least recently used go`, () => {
    const { p, counts } = counted();
    const n = KEPT_SHAPES + 1;
    const a = new Float32Array(n * 40).fill(1); // A (4×40) and B (up to n×40)
    const c = new Float32Array(4 * n);
    const run = (cols: number) => expect(p.abt(4, cols, 40, a, 40, a, 40, c, cols, 2)).toBe(true);
    for (let cols = 1; cols <= KEPT_SHAPES; cols++) run(cols);
    expect([counts.made, p.shapes()]).toEqual([KEPT_SHAPES, KEPT_SHAPES]);
    run(1); // used again: the most recent now
    expect(counts.made).toBe(KEPT_SHAPES);
    run(n); // one shape more: the least recently used (2 columns) goes
    expect([counts.made, p.shapes()]).toEqual([KEPT_SHAPES + 1, KEPT_SHAPES]);
    run(1);
    expect(counts.made).toBe(KEPT_SHAPES + 1); // kept
    c.fill(0);
    run(2); // let go above, made again
    expect(counts.made).toBe(KEPT_SHAPES + 2);
    expect(Array.from(c.subarray(0, 8))).toEqual(new Array(8).fill(40));
  });
});
