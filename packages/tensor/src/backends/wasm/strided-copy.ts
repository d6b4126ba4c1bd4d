/**
 * Same-dtype float copies of strided views (a transpose, a permutation, a strided slice) in one wasm
 * call (assembly/strided-copy.ts): the view staged (read where it is when resident), its dimensions
 * merged where their strides allow, the rows walked in wasm. A [32, 32, 32] float32 permutation of the
 * outer axes and a 512×128 transpose took 71 and 126 µs through the TypeScript loops (their per-row
 * walk dominates), 8 and 14 µs here.
 */
import type { DType } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import { MIN_SIZE } from './elementwise.js';
import type { WasmHeap } from './runtime.js';
import { beginCall, finish, isResident, stage, stageContiguous, stagedBySpan, target } from './stage.js';

/** The most dimensions the kernel walks (after merging). */
const MAX_DIMS = 4;

/**
 * `shape` and `strides` with size-1 dimensions dropped and each dimension merged into the one before
 * it where that one's stride steps over it exactly: [size, stride] pairs, outermost first.
 */
export function mergeDims(shape: readonly number[], strides: readonly number[]): [number, number][] {
  const dims: [number, number][] = [];
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = dims[dims.length - 1];
    if (last !== undefined && last[1] === strides[d]! * n) {
      last[0] *= n;
      last[1] = strides[d]!;
    } else dims.push([n, strides[d]!]);
  }
  return dims;
}

/** Bytes of scratch the wasm transposes may use (assembly/strided-copy.ts's SCRATCH_BYTES). */
const TRANSPOSE_SCRATCH_BYTES = 4096;

/** Copies the view at byte address `src` with merged `dims` (at most four) into row-major order at `dst`. */
function runCopy(heap: WasmHeap, f64: boolean, merged: readonly [number, number][], src: number, dst: number): void {
  const dims = [...merged];
  while (dims.length < MAX_DIMS) dims.unshift([1, 0]);
  const [[n0, s0], [n1, s1], [n2, s2], [n3, s3]] = dims as [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ];
  const run = f64 ? heap.exports.stridedCopy_f64 : heap.exports.stridedCopy_f32;
  // the scratch only for what uses it: a transpose into rows a multiple of 4096 bytes apart
  const tiles = s2 === 1 && s3 !== 1 && (n3 * (f64 ? 8 : 4)) % 4096 === 0;
  run(n0, n1, n2, n3, s0, s1, s2, s3, src, dst, tiles ? heap.alloc(TRANSPOSE_SCRATCH_BYTES) : 0);
}

/**
 * Any float view (x.size > 0) as a contiguous block in wasm memory, to be read: stageContiguous's
 * where it is contiguous, else staged and put in row-major order by the strided copy (a gathered
 * view is already); undefined for a view of more than four dimensions after merging. For kernels
 * that read their operands row-major (the fused cells), so that views need no trip through
 * TypeScript.
 */
export function stageDense(heap: WasmHeap, x: NDArray): number | undefined {
  if (x.isContiguous) return stageContiguous(heap, x);
  const bytes = x.dtype === 'float64' ? 8 : 4;
  const X = stage(heap, x);
  if (X.strides !== x.strides) return X.ptr + X.base * bytes; // gathered: row-major already
  const merged = mergeDims(x.shape, X.strides);
  if (merged.length > MAX_DIMS) return undefined;
  const dst = heap.alloc(x.size * bytes);
  runCopy(heap, bytes === 8, merged, X.ptr + X.base * bytes, dst);
  return dst;
}

/**
 * A contiguous copy of the float view `x` (into `out` when given), or undefined when not handled:
 * another dtype or a conversion, a contiguous or small view (a memcpy or a short loop does those),
 * more than four dimensions after merging, more than a block of elements, and a view outside wasm
 * memory that staging would gather element by element (a view of a small part of its buffer: the
 * TypeScript copy reads it once, where staging would read it and the kernel copy it again).
 */
export function wasmStridedCopy(ctx: WasmContext, x: NDArray, dtype: DType, out?: NDArray): NDArray | undefined {
  if (x.dtype !== dtype || (dtype !== 'float32' && dtype !== 'float64')) return undefined;
  if (x.isContiguous || x.size < MIN_SIZE || x.size > ctx.chunkElements) return undefined;
  const merged = mergeDims(x.shape, x.strides);
  if (merged.length > MAX_DIMS) return undefined;
  const f64 = dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [x, out]);
  if (!isResident(heap, x) && !stagedBySpan(x)) return undefined;
  const X = stage(heap, x); // in place, or by its span: the view's own strides
  const O = target(heap, out, x.size * bytes, [x]);
  runCopy(heap, f64, merged, X.ptr + X.base * bytes, O);
  return finish(heap, f64, O, x.size, x.shape, out);
}
