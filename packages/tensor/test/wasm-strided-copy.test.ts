// The wasm backend's copy of strided float views (assembly/strided-copy.ts): any permutation,
// transpose (in 4×4 or 2×2 tiles, with edges), strided or reversed slice and broadcast, float32 and
// float64, from ordinary and resident storage, into a new array or a given `out`: the same bits as
// the TypeScript backend's copy, computed in wasm (no call reaches its fallback) wherever the view
// merges into at most four dimensions, and handed to the fallback beyond that.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Backend, NDArray, type ResidentBlock, jsBackend, residentMemory } from '../src/index.js';
import { createWasmBackend, wasmSupported } from '../src/backends/wasm/index.js';
import { mergeDims } from '../src/backends/wasm/strided-copy.js';
import { countingFallback, expectBitIdentical } from './backend-helpers.js';
import { spikyValues } from './helpers.js';

type FloatDType = 'float32' | 'float64';

const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1e-45, 3.4e38, 5e-324];

/** The resident blocks the arrays below live in, by array, given back by `freeBlocks` after each case. */
const blocks = new Map<NDArray, ResidentBlock>();
const freeBlocks = (): void => {
  for (const b of blocks.values()) b.free();
  blocks.clear();
};

/**
 * `x` on its block's current buffer: allocating another block may grow the memory, which detaches
 * the views made before (the contents stay where they are). Plain arrays come back as they are.
 */
function rebound(x: NDArray): NDArray {
  const block = blocks.get(x);
  if (block === undefined) return x;
  const Ctor = x.dtype === 'float32' ? Float32Array : Float64Array;
  return new NDArray(new Ctor(block.buffer() as ArrayBuffer, block.byteOffset, x.size), x.shape);
}

/** A contiguous array of `shape` (values from `seed`, a tenth special), in resident memory when asked. */
function array(backend: Backend, dtype: FloatDType, shape: number[], seed: number, resident = false): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
  const block = resident ? residentMemory(backend)?.allocate(n * Ctor.BYTES_PER_ELEMENT) : undefined;
  if (resident) expect(block).toBeDefined(); // (a block missing would move the call to the fallback)
  const data = block === undefined ? new Ctor(n) : new Ctor(block.buffer() as ArrayBuffer, block.byteOffset, n);
  data.set(spikyValues(n, seed, 100, SPECIALS));
  const x = new NDArray(data, shape);
  if (block !== undefined) blocks.set(x, block);
  return x;
}

/** A view of `x` made by `steps` (permute, transpose, flip, stride, broadcast), from fast-check's choices. */
function viewOf(x: NDArray, steps: readonly number[]): NDArray {
  let v = x;
  for (const s of steps) {
    const axis = s % v.ndim;
    if (s % 5 === 0) v = v.permute([...v.shape.keys()].reverse());
    else if (s % 5 === 1 && v.ndim >= 2) v = v.transpose();
    else if (s % 5 === 2) v = v.slice(axis, undefined, undefined, -1);
    else if (s % 5 === 3 && v.shape[axis]! >= 4) v = v.slice(axis, 1, undefined, 2);
    else if (s % 5 === 4) v = v.unsqueeze(0).expand([2, ...v.shape]);
  }
  return v;
}

describe.skipIf(!wasmSupported())('wasm copy of strided float views', () => {
  const fallback = countingFallback();
  const wasm = createWasmBackend(fallback.backend, { threads: 1 });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: any view equals the TypeScript copy bit for bit (in wasm up to four merged dimensions)`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 13 }), { minLength: 1, maxLength: 4 }),
          fc.array(fc.nat(99), { minLength: 1, maxLength: 4 }),
          fc.boolean(),
          fc.nat(1000),
          (shape, steps, resident, seed) => {
            const x = array(wasm, dtype, [...shape, 40], seed, resident);
            const v = viewOf(x, steps);
            const before = fallback.calls.copy ?? 0;
            const got = wasm.copy(v, dtype);
            expectBitIdentical(got, jsBackend.copy(v, dtype));
            // (a call that reads resident storage may not grow the memory for a new result: it may
            // go to the fallback, as may a view of more than a block of elements)
            const merged = mergeDims(v.shape, v.strides).length;
            const spanned = v.data.length <= 2 * v.size + 1024; // (a view of most of its buffer is staged whole)
            const inWasm = !v.isContiguous && v.size >= 512 && v.size <= 2 ** 21 && merged <= 4 && !resident && spanned;
            if (inWasm) expect(fallback.calls.copy ?? 0).toBe(before);
            freeBlocks();
          },
        ),
        { numRuns: 150 },
      );
    });

    it(`${dtype}: transposes of every size around the tiles, into a given out (plain and resident)`, () => {
      // (output rows of 4096 and 8192 bytes: the tiles go through the kernel's scratch)
      const perPage = dtype === 'float32' ? 1024 : 512;
      for (const [rows, cols] of [
        [37, 23],
        [64, 64],
        [128, 513],
        [5, 300],
        [perPage, 37],
        [2 * perPage, 70],
      ] as const) {
        for (const resident of [false, true]) {
          const made = array(wasm, dtype, [rows, cols], rows + cols, resident);
          const out = array(wasm, dtype, [cols, rows], 1, resident);
          const x = rebound(made); // (out's block may have grown the memory)
          const before = fallback.calls.copy ?? 0;
          expect(wasm.copy(x.transpose(), dtype, out)).toBe(out);
          expectBitIdentical(out, jsBackend.copy(x.transpose(), dtype));
          expect(fallback.calls.copy ?? 0).toBe(before);
          freeBlocks();
        }
      }
    });
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: transposes walked backwards, broadcast inner dimensions, views gathered rather than staged`, () => {
      const x = array(wasm, dtype, [48, 40], 11);
      const before = fallback.calls.copy ?? 0;
      // a negative stride in the tiles' columns and in their rows; an inner stride of 0
      for (const v of [
        x.slice(0, undefined, undefined, -1).transpose(),
        x.slice(1, undefined, undefined, -1).transpose(),
        x.slice(1, 0, 1).expand([48, 40]),
      ]) {
        expectBitIdentical(wasm.copy(v, dtype), jsBackend.copy(v, dtype));
      }
      expect(fallback.calls.copy ?? 0).toBe(before);
      // every 7th element of a plain array: staging would gather it element by element, so the
      // TypeScript copy takes it (the same bits)
      const sparse = array(wasm, dtype, [7 * 1024], 12).slice(0, undefined, undefined, 7);
      expectBitIdentical(wasm.copy(sparse, dtype), jsBackend.copy(sparse, dtype));
      expect(fallback.calls.copy ?? 0).toBe(before + 1);
    });
  }

  it('merges dimensions where the strides allow, and hands views of more than four to the fallback', () => {
    expect(mergeDims([4, 1, 8, 16], [128, 5, 16, 1])).toEqual([[512, 1]]);
    expect(mergeDims([8, 16], [1, 8])).toEqual([
      [8, 1],
      [16, 8],
    ]);
    // five dimensions that no stride joins (every other one reversed)
    const x = array(wasm, 'float32', [3, 4, 5, 6, 7], 3);
    const v = x.permute([4, 3, 2, 1, 0]).slice(2, undefined, undefined, -1);
    expect(mergeDims(v.shape, v.strides).length).toBe(5);
    const before = fallback.calls.copy ?? 0;
    expectBitIdentical(wasm.copy(v, 'float32'), jsBackend.copy(v, 'float32'));
    expect(fallback.calls.copy ?? 0).toBe(before + 1);
  });
});
