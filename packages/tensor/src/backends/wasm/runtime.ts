import { MAX_PAGES, MEMORY_FLAGS_OFFSET, PLAIN_MEMORY_FLAGS, SHARED_MEMORY_FLAGS } from './kernels-meta.generated.js';
import { KERNELS_FUSED } from './variant.js';
import type { KernelExports } from './kernel-exports.js';
import { type WasmMemory, type WasmModule, requireWasm, wasmApi } from './wasm-api.js';

// Only the build this runtime runs is loaded: each lives in its own module (about 140 KB of
// base64), imported here when the package loads, so a bundler that splits chunks ships the other
// one as a file that is never fetched.
const { KERNELS_BASE64 } = KERNELS_FUSED
  ? await import('./kernels-relaxed.generated.js')
  : await import('./kernels-simd.generated.js');

const PAGE = 65536;

/**
 * Bytes at the start of memory reserved for the thread pool's control words and per-chunk done
 * flags (see pool.ts; the kernels have no static data).
 */
export const CONTROL_BYTES = 16384;

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The kernels' binary, importing a shared memory or a plain one: the stored build imports a shared
 * memory, and the plain binary differs from it only in the import's limits flags (one byte,
 * checked by the build script), which this sets.
 */
function kernelBinary(shared: boolean): Uint8Array {
  const bytes = decodeBase64(KERNELS_BASE64);
  if (bytes[MEMORY_FLAGS_OFFSET] !== SHARED_MEMORY_FLAGS) {
    throw new Error('chainrule wasm backend: the kernels binary does not hold its memory flags where expected');
  }
  if (!shared) bytes[MEMORY_FLAGS_OFFSET] = PLAIN_MEMORY_FLAGS;
  return bytes;
}

/** Whether this runtime can share wasm memory between threads. */
export function sharedMemorySupported(): boolean {
  const wasm = wasmApi();
  if (typeof SharedArrayBuffer === 'undefined' || wasm === undefined) return false;
  try {
    new wasm.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

let compiled: { shared?: WasmModule; plain?: WasmModule } = {};

/** The compiled kernels module (compiled once, synchronously). */
export function kernelModule(shared: boolean): WasmModule {
  const key = shared ? 'shared' : 'plain';
  let m = compiled[key];
  if (m === undefined) {
    m = new (requireWasm().Module)(kernelBinary(shared));
    compiled = { ...compiled, [key]: m };
  }
  return m;
}

/** The kernels' bytes (for validation and asynchronous compilation). */
export function kernelBytes(shared: boolean): Uint8Array {
  return kernelBinary(shared);
}

/** The most bytes a 32-bit wasm memory can hold (MAX_PAGES pages). */
export const MAX_MEMORY_BYTES = MAX_PAGES * PAGE;

/**
 * A wasm memory that cannot grow to what a kernel call needs (past MAX_MEMORY_BYTES, or refused by
 * the engine). Internal: the backend catches it and hands the call to its fallback.
 */
export class WasmMemoryFull extends Error {
  override readonly name = 'WasmMemoryFull';
  constructor(readonly bytes: number) {
    super(`chainrule wasm backend: cannot grow the wasm memory to ${bytes} bytes`);
  }
}

/**
 * One wasm instance and its linear memory, with a bump allocator for the operands of one kernel
 * call (`reset` frees everything after the fixed area). Views are refreshed after the memory grows
 * (a non-shared memory's buffer is replaced on growth). The memory grows at least twofold while it
 * stays within `retainBytes`, and to exactly what a call needs beyond (a wasm memory never shrinks:
 * the owner replaces a heap that went past `retainBytes`, see `oversized` and WasmContext.release).
 */
export class WasmHeap {
  readonly memory: WasmMemory;
  readonly exports: KernelExports;
  readonly shared: boolean;
  /** Set once the memory has grown past `retainBytes`. */
  oversized = false;
  /** The most bytes one call has taken above the pinned blocks (see `alloc`, wasm/resident.ts). */
  peak = 0;
  /** While set, an `alloc` that would grow the memory (detaching its views) throws WasmMemoryFull. */
  growthLocked = false;
  /** Set by `beginCall` for a call with a resident operand: it cannot grow the memory either. */
  residentCall = false;
  /** Byte offset where the fixed area ends (the first byte a pinned block may take). */
  readonly fixedEnd: number;
  private top: number;
  private base: number;
  private buffer_: ArrayBuffer | SharedArrayBuffer;
  private f32: Float32Array;
  private f64: Float64Array;
  private u8: Uint8Array;

  /** `fixedBytes` are reserved after the control words, for the whole life of the heap (see fixedStart). */
  constructor(
    shared: boolean,
    fixedBytes: number,
    readonly retainBytes = Number.POSITIVE_INFINITY,
    readonly maxBytes = MAX_MEMORY_BYTES,
  ) {
    this.shared = shared;
    const initialBytes = CONTROL_BYTES + fixedBytes + 16 * PAGE;
    const initial = Math.ceil(initialBytes / PAGE);
    const wasm = requireWasm();
    this.memory = new wasm.Memory(
      shared ? { initial, maximum: MAX_PAGES, shared: true } : { initial, maximum: MAX_PAGES },
    );
    const instance = new wasm.Instance(kernelModule(shared), { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.fixedEnd = align(CONTROL_BYTES + fixedBytes, 64);
    this.base = this.fixedEnd;
    this.top = this.base;
    this.buffer_ = this.memory.buffer;
    this.f32 = new Float32Array(this.buffer_);
    this.f64 = new Float64Array(this.buffer_);
    this.u8 = new Uint8Array(this.buffer_);
  }

  /** Byte offset where the fixed area (after the control words) starts. */
  get fixedStart(): number {
    return CONTROL_BYTES;
  }

  /** The memory's size in bytes now. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Reserves `bytes` (64-byte aligned), growing the memory if needed. Returns the byte offset.
   * @throws WasmMemoryFull when the memory cannot grow that far (past `maxBytes`, or refused by the engine).
   */
  alloc(bytes: number): number {
    const p = this.top;
    const end = align(p + bytes, 64);
    if (end > this.memory.buffer.byteLength) this.grow(end);
    this.top = end;
    if (end - this.base > this.peak) this.peak = end - this.base;
    return p;
  }

  /**
   * Moves the start of the per-call area to `base` (the end of the blocks pinned for good, see
   * wasm/resident.ts) and grows the memory so that `headroom` bytes fit beyond it. Between kernel
   * calls only: it frees the previous call's operands.
   * @throws WasmMemoryFull when the memory cannot grow that far
   */
  setBase(base: number, headroom: number): void {
    this.residentCall = false;
    const end = align(base + headroom, 64);
    if (end > this.memory.buffer.byteLength) this.grow(end);
    this.base = base;
    this.top = base;
  }

  private grow(end: number): void {
    if (this.growthLocked || this.residentCall || !(end <= this.maxBytes && end <= MAX_MEMORY_BYTES))
      throw new WasmMemoryFull(end);
    const have = this.memory.buffer.byteLength / PAGE;
    const need = Math.ceil(end / PAGE) - have;
    // Grow generously (at least double) so repeated calls don't grow step by step, but not past
    // retainBytes unless the call itself needs more.
    const retain = Math.floor(this.retainBytes / PAGE);
    const doubled = Math.min(have, MAX_PAGES - have);
    const pages = have + need <= retain ? Math.max(need, Math.min(doubled, retain - have)) : Math.max(need, doubled);
    try {
      this.memory.grow(pages);
    } catch (e) {
      if (e instanceof RangeError) throw new WasmMemoryFull(end);
      throw e;
    }
    if (this.memory.buffer.byteLength > this.retainBytes) this.oversized = true;
  }

  /**
   * Frees every allocation made since construction (the operands of the previous kernel call:
   * see `beginCall` in stage.ts).
   */
  reset(): void {
    this.top = this.base;
    this.residentCall = false;
  }

  /** The memory's buffer now (replaced when a plain memory grows). */
  buffer(): ArrayBuffer | SharedArrayBuffer {
    this.refresh();
    return this.buffer_;
  }

  /** A float32 view of the whole memory (valid until the next alloc). */
  viewF32(): Float32Array {
    this.refresh();
    return this.f32;
  }

  /** A float64 view of the whole memory (valid until the next alloc). */
  viewF64(): Float64Array {
    this.refresh();
    return this.f64;
  }

  /** A byte view of the whole memory (valid until the next alloc). */
  viewU8(): Uint8Array {
    this.refresh();
    return this.u8;
  }

  /** An Int32Array over the control words at the start of memory (stable: shared memory never moves). */
  controlWords(): Int32Array {
    return new Int32Array(this.memory.buffer, 0, CONTROL_BYTES / 4);
  }

  private refresh(): void {
    if (this.buffer_ !== this.memory.buffer || this.f32.length * 4 !== this.memory.buffer.byteLength) {
      this.buffer_ = this.memory.buffer;
      this.f32 = new Float32Array(this.buffer_);
      this.f64 = new Float64Array(this.buffer_);
      this.u8 = new Uint8Array(this.buffer_);
    }
  }
}

export function align(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}
