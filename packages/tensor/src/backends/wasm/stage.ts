/**
 * The wasm memory side of every kernel call, in one place: begin a call (free the last one's
 * operands), copy operands in, copy results out. A kernel call is
 *
 *     const heap = beginCall(ctx.heap);
 *     const x = stageContiguous(heap, xs);                 // or stage() for any strided view
 *     const o = target(heap, out, n * 4, [xs]);            // where the result goes
 *     heap.exports.someKernel_f32(n, x, o);
 *     return finish(heap, false, o, n, xs.shape, out);
 *
 * An array that already lives in this memory (resident: a compiled plan's buffers, see
 * wasm/resident.ts) is read where it is, never copied, and a resident `out` that overlaps no input
 * is written in place, so `finish` has nothing to copy. None of these allocates on the JS heap
 * beyond small bookkeeping, the typed-array views and the results it must make.
 */
import type { FloatArray } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import { contiguousStrides } from '../../shape.js';
import type { WasmHeap } from './runtime.js';

/**
 * Starts a kernel call on `heap`: frees everything the previous call allocated (operands live from
 * here until the next call begins, so a call that throws leaves nothing behind) and returns `heap`.
 * A call given a resident array among its `operands` (arrays and `out`) cannot grow the memory:
 * growing would detach that array's views mid-call, so the call goes to the fallback instead.
 */
export function beginCall(heap: WasmHeap, operands: readonly (NDArray | undefined)[] = []): WasmHeap {
  heap.reset();
  const buffer = heap.buffer();
  heap.residentCall = operands.some((x) => x !== undefined && x.data.buffer === buffer);
  return heap;
}

/**
 * Whether `x`'s storage is a view of `heap`'s memory as it is now (a resident array): only an
 * operand given to this call's `beginCall` can be, so a call without one answers at once.
 */
export function isResident(heap: WasmHeap, x: NDArray): boolean {
  return heap.residentCall && x.data.buffer === heap.buffer();
}

/** Byte offset in wasm memory of element 0 of resident `x` (see isResident). */
function addressOf(x: NDArray): number {
  return x.data.byteOffset + x.offset * x.data.BYTES_PER_ELEMENT;
}

/** Whether resident views `x` and `y` share a byte of memory (false if either is not resident in one buffer). */
function overlaps(x: NDArray, y: NDArray): boolean {
  if (x.data.buffer !== y.data.buffer || x.size === 0 || y.size === 0) return false;
  const a = span(x),
    b = span(y);
  const xb = x.data.BYTES_PER_ELEMENT,
    yb = y.data.BYTES_PER_ELEMENT;
  const x0 = x.data.byteOffset + a.lo * xb,
    x1 = x.data.byteOffset + (a.hi + 1) * xb;
  const y0 = y.data.byteOffset + b.lo * yb,
    y1 = y.data.byteOffset + (b.hi + 1) * yb;
  return x0 < y1 && y0 < x1;
}

/**
 * Where a kernel writes its contiguous result of `bytes`: straight into `out` when it is a
 * contiguous resident array that overlaps none of `inputs` (the kernel may then read them while it
 * writes), else into `scratch` (a staged copy the kernel may overwrite) when given, else into a
 * new block. `finish` then copies nothing when the result is already in `out`.
 */
export function target(
  heap: WasmHeap,
  out: NDArray | undefined,
  bytes: number,
  inputs: readonly NDArray[],
  scratch?: number,
): number {
  return inPlace(heap, out, bytes, inputs) ?? scratch ?? heap.alloc(bytes);
}

/**
 * The address of `out` when a kernel may write its `bytes` of float results there in place (see
 * target): a contiguous resident float array of exactly that size, overlapping no input; else
 * undefined (the result then goes through `finish`, which converts or rejects a wrong `out`).
 */
export function inPlace(
  heap: WasmHeap,
  out: NDArray | undefined,
  bytes: number,
  inputs: readonly NDArray[],
): number | undefined {
  if (out === undefined || !out.isContiguous || !isResident(heap, out)) return undefined;
  if (!(out.data instanceof Float32Array || out.data instanceof Float64Array)) return undefined;
  if (out.size * out.data.BYTES_PER_ELEMENT !== bytes) return undefined;
  return inputs.some((x) => overlaps(x, out)) ? undefined : addressOf(out);
}

/**
 * A contiguous float array (x.isContiguous, x.size > 0) in wasm memory, to be read: its own
 * address when resident, else the byte offset of a copy in a new block of `heap` (one `set`, a
 * memcpy, the elements in row-major order).
 */
export function stageContiguous(heap: WasmHeap, x: NDArray): number {
  if (isResident(heap, x)) return addressOf(x);
  return stageCopy(heap, x);
}

/** Like stageContiguous, but always a copy (that a kernel may overwrite). */
export function stageCopy(heap: WasmHeap, x: NDArray): number {
  const n = x.size;
  if (x.dtype === 'float64') {
    const ptr = heap.alloc(n * 8);
    heap.viewF64().set((x.data as Float64Array).subarray(x.offset, x.offset + n), ptr / 8);
    return ptr;
  }
  const ptr = heap.alloc(n * 4);
  heap.viewF32().set((x.data as Float32Array).subarray(x.offset, x.offset + n), ptr / 4);
  return ptr;
}

/** A copy of the `n` floats (float64 if `f64`, else float32) at byte offset `ptr` of `heap`. */
export function readFloats(heap: WasmHeap, f64: boolean, ptr: number, n: number): FloatArray {
  if (f64) return heap.viewF64().slice(ptr / 8, ptr / 8 + n);
  return heap.viewF32().slice(ptr / 4, ptr / 4 + n);
}

/**
 * The result of a call: the `size` floats at byte offset `ptr` copied into `out` (contiguous, of
 * the result's dtype) when given, else into a new array of `shape`.
 */
export function finish(
  heap: WasmHeap,
  f64: boolean,
  ptr: number,
  size: number,
  shape: readonly number[],
  out: NDArray | undefined,
): NDArray {
  if (out === undefined) return new NDArray(readFloats(heap, f64, ptr, size), [...shape]);
  if (isResident(heap, out) && addressOf(out) === ptr) return out; // written in place (see target)
  const bytes = f64 ? 8 : 4;
  const view: FloatArray = f64 ? heap.viewF64() : heap.viewF32();
  (out.data as FloatArray).set(view.subarray(ptr / bytes, ptr / bytes + size), out.offset);
  return out;
}

/** An operand copied into wasm memory: element (i0, i1, ...) is at `ptr + (base + Σ i_d·strides[d])·bytes`. */
export interface Staged {
  /** Byte offset of the copied block. */
  readonly ptr: number;
  /** Element index, within the block, of the view's element (0, 0, ...). */
  readonly base: number;
  /** Element strides (those of the view, or contiguous ones if it was compacted). */
  readonly strides: readonly number[];
}

/** The first and last element the view touches in its buffer (negative strides included). */
export function span(x: NDArray): { lo: number; hi: number } {
  let lo = x.offset,
    hi = x.offset;
  for (let d = 0; d < x.ndim; d++) {
    const ext = (x.shape[d]! - 1) * x.strides[d]!;
    if (ext < 0) lo += ext;
    else hi += ext;
  }
  return { lo, hi };
}

/**
 * Whether `stage` copies a non-resident `x` in by its span (one memcpy of the buffer it covers: the
 * span is not much larger than the view, as for dense views, transposes and broadcasts) rather than
 * element by element.
 */
export function stagedBySpan(x: NDArray): boolean {
  const { lo, hi } = span(x);
  return spanWorthCopying(hi - lo + 1, x.size);
}

/** Whether a span of n elements is not much larger than the view of `size` it holds. */
const spanWorthCopying = (n: number, size: number): boolean => n <= 2 * size + 1024;

/**
 * A float view in wasm memory, to be read: where it is when resident, else copied in with as little
 * work as possible: by its span when `stagedBySpan`, otherwise an element-by-element gather into a
 * contiguous block. Must be called with x.size > 0.
 */
export function stage(heap: WasmHeap, x: NDArray): Staged {
  if (isResident(heap, x)) return { ptr: x.data.byteOffset, base: x.offset, strides: x.strides };
  const f64 = x.dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const data = x.data as FloatArray;
  const { lo, hi } = span(x);
  const n = hi - lo + 1;
  if (spanWorthCopying(n, x.size)) {
    const ptr = heap.alloc(n * bytes);
    const view = f64 ? heap.viewF64() : heap.viewF32();
    view.set(data.subarray(lo, hi + 1), ptr / bytes);
    return { ptr, base: x.offset - lo, strides: x.strides };
  }
  const ptr = heap.alloc(x.size * bytes);
  const view = f64 ? heap.viewF64() : heap.viewF32();
  gather(x, view, ptr / bytes);
  return { ptr, base: 0, strides: contiguousStrides(x.shape) };
}

/** Writes the elements of `x` in row-major order into `out` from index `at`. */
function gather(x: NDArray, out: FloatArray, at: number): void {
  const nd = x.ndim;
  const shape = x.shape,
    strides = x.strides,
    data = x.data;
  if (nd === 0) {
    out[at] = data[x.offset]!;
    return;
  }
  const inner = shape[nd - 1]!,
    is = strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let off = x.offset,
    o = at;
  for (;;) {
    for (let j = 0, p = off; j < inner; j++, p += is) out[o++] = data[p]!;
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
