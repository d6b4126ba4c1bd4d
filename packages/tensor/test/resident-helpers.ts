/**
 * Helpers of the resident-memory tests (resident-kernels.test.ts, resident-blocks.test.ts): two wasm
 * backends (whole calls, and elementwise calls in blocks of 1500) with fallbacks that count their
 * calls, resident copies of arrays, the check that a kernel gives the same bits on them and touches
 * nothing else in the block, and block patterns.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  type Backend,
  type DType,
  NDArray,
  type ResidentBlock,
  type ResidentMemory,
  type Rng,
  createWasmBackend,
  jsBackend,
  randn,
  residentMemory,
} from '../src/index.js';
import { countingFallback } from './backend-helpers.js';
import { type FloatDType, firstDifference, garbage } from './out-helpers.js';

export const MiB = 2 ** 20;
export const BYTES: Record<DType, number> = { bool: 1, int32: 4, float32: 4, float64: 8 };
export const RUNS = { numRuns: 40, seed: 23 };

export const whole = countingFallback();
export const blocked = countingFallback();
/** A wasm backend, the calls that reached its TypeScript fallback, and its resident memory. */
export interface Subject {
  readonly be: Backend;
  readonly calls: Record<string, number>;
  readonly memory: ResidentMemory;
}
export const subject = (be: Backend, calls: Record<string, number>): Subject => ({
  be,
  calls,
  memory: residentMemory(be)!,
});
export const subjects: [string, Subject][] = [
  ['wasm', subject(createWasmBackend(whole.backend, { threads: 1 }), whole.calls)],
  // elementwise calls over more than 1500 elements run block by block (each block a resident view), and
  // im2col writes its columns a few images at a time
  ['wasm in blocks', subject(createWasmBackend(blocked.backend, { threads: 1, chunkElements: 1500 }), blocked.calls)],
];

export function typed(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, n: number): NDArray['data'] {
  if (dtype === 'float32') return new Float32Array(buffer, byteOffset, n);
  if (dtype === 'float64') return new Float64Array(buffer, byteOffset, n);
  return dtype === 'int32' ? new Int32Array(buffer, byteOffset, n) : new Uint8Array(buffer, byteOffset, n);
}

export const align64 = (n: number): number => Math.ceil(n / 64) * 64;

/** A copy of the block's bytes. */
export function blockBytes(block: ResidentBlock): Uint8Array {
  return new Uint8Array(block.buffer()!, block.byteOffset, block.bytes).slice();
}

/** The bytes of x's elements (x contiguous). */
export function elementBytes(x: NDArray): Uint8Array {
  const b = BYTES[x.dtype];
  return new Uint8Array(x.data.buffer, x.data.byteOffset + x.offset * b, x.size * b).slice();
}

/**
 * Resident copies of `arrays` (each contiguous, of its shape and dtype) in one new block, each at
 * element offset `skew` of a typed array starting on a 64-byte boundary (the `skew` elements before
 * it hold garbage, and so does the padding after).
 */
export function residentCopies(
  memory: ResidentMemory,
  arrays: readonly NDArray[],
  skew: number,
): { block: ResidentBlock; copies: NDArray[] } {
  const spans = arrays.map((x) => align64((skew + x.size) * BYTES[x.dtype]));
  const block = memory.allocate(spans.reduce((p, s) => p + s, 0));
  if (block === undefined) throw new Error('allocate refused a block for the operands');
  const buffer = block.buffer()!;
  new Uint8Array(buffer, block.byteOffset, block.bytes).fill(0xa5); // garbage around the copies
  let at = block.byteOffset;
  const copies = arrays.map((x, i) => {
    const data = typed(x.dtype, buffer, at, skew + x.size);
    data.set(jsBackend.copy(x, x.dtype).data, skew);
    at += spans[i]!;
    return new NDArray(data, [...x.shape], undefined, skew);
  });
  return { block, copies };
}

/**
 * Runs `call` on the ordinary arrays `stored` (the reference; views of them are made by `call`),
 * then on resident copies of them into a resident `out` (garbage before; `out` is the resident copy
 * of `stored[alias]` when `alias` is given, else one more array of the reference result's shape):
 * the wasm kernel ran both times (no call of `kernel` reached the fallback), `out` itself is
 * returned, holding the reference's bytes, the memory did not grow (the block's buffer is the same)
 * and every other byte of the block (the inputs, the garbage around them) is unchanged.
 */
export function expectSameResident(
  { calls, memory }: Subject,
  kernel: string,
  stored: readonly NDArray[],
  call: (xs: NDArray[], out?: NDArray) => NDArray,
  options: { alias?: number | undefined; skew: number },
): void {
  const fallbackCalls = (): number => calls[kernel] ?? 0;
  const before0 = fallbackCalls();
  const want = call([...stored]);
  expect(fallbackCalls(), `${kernel}: the reference call reached the fallback`).toBe(before0);
  const { alias, skew } = options;
  const extra = alias === undefined ? [garbage(want.shape, want.dtype)] : [];
  const { block, copies } = residentCopies(memory, [...stored, ...extra], skew);
  try {
    const out = copies[alias ?? stored.length]!;
    const buffer = block.buffer();
    const before = blockBytes(block);
    const got = call(copies.slice(0, stored.length), out);
    expect(fallbackCalls(), `${kernel}: the resident call reached the fallback`).toBe(before0);
    expect(got === out, `${kernel}: out itself is returned`).toBe(true);
    expect(block.buffer() === buffer, `${kernel}: the memory grew`).toBe(true);
    // every byte of the block as before, but out's elements: the reference's
    const expected = before.slice();
    expected.set(elementBytes(want), out.data.byteOffset + out.offset * BYTES[out.dtype] - block.byteOffset);
    const after = blockBytes(block);
    const at = firstDifference(after, expected);
    if (at >= 0) {
      const where = copies.findIndex((x) => {
        const lo = x.data.byteOffset - block.byteOffset;
        return at >= lo && at < lo + x.data.byteLength;
      });
      const what = where === alias || where === stored.length ? 'out' : where >= 0 ? `input ${where}` : 'padding';
      throw new Error(`${kernel}: block byte ${at} (${what}) is ${after[at]}, expected ${expected[at]}`);
    }
  } finally {
    block.free();
  }
}

export const floatDtype = fc.constantFrom<FloatDType>('float32', 'float64');
export const seed = fc.integer({ min: 0, max: 10_000 });
export const skew = fc.integer({ min: 0, max: 3 });
export const check = <V>(arb: fc.Arbitrary<V>, body: (v: V) => void): void => fc.assert(fc.property(arb, body), RUNS);
/** Random values of `shape` (ordinary arrays). */
export const values = (shape: readonly number[], dtype: FloatDType, rng: Rng): NDArray =>
  randn([...shape], { rng, dtype });

/** Whether the block is gone (freed, or its heap replaced). */
export const gone = (block: ResidentBlock): boolean => block.buffer() === undefined;

/** Fills the block with a pattern of 32-bit words (from `salt`). */
export function fillPattern(block: ResidentBlock, salt: number): void {
  const words = new Uint32Array(block.buffer()!, block.byteOffset, block.bytes / 4);
  for (let i = 0; i < words.length; i++) words[i] = (Math.imul(i + 1, 2654435761) ^ salt) >>> 0;
}

/** The index of the first word of the block that is not the pattern of `salt` (on a view made now), or -1. */
export function patternBroken(block: ResidentBlock, salt: number): number {
  const words = new Uint32Array(block.buffer()!, block.byteOffset, block.bytes / 4);
  for (let i = 0; i < words.length; i++) if (words[i] !== (Math.imul(i + 1, 2654435761) ^ salt) >>> 0) return i;
  return -1;
}

/** An ordinary float32 array of `shape` with cheap values in [-2, 2). */
export function cheap(shape: readonly number[], salt = 0): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (((i * 7919 + salt * 104729) % 4001) - 2000) / 1000;
  return new NDArray(data, [...shape]);
}
