import { maxThreads } from './pool.js';
import { MAX_MEMORY_BYTES, WasmHeap, align, kernelModule, sharedMemorySupported } from './runtime.js';
import { type GemmPool, startThreadPool } from './web-pool.js';

/** Options of `createWasmBackend`. */
export interface WasmBackendOptions {
  /**
   * Threads (the calling one included) for large matmuls. Defaults to the number of cores in Node
   * and in cross-origin isolated pages (at most 8 there), and 1 elsewhere. Results are
   * bit-identical for any value.
   */
  readonly threads?: number;
  /** Matmuls with at least this many multiply-adds (batch·m·n·k) use the threads. Default 2^22 (about 160³). */
  readonly parallelThreshold?: number;
  /**
   * Bytes of wasm memory kept for good (default 64 MiB). A call that needs more (a reduction or a
   * matmul of large operands) grows the memory for itself; that memory is dropped as soon as the
   * event loop turns (synchronous code running many such calls in a row reuses it until then), so
   * large transient operands never pin the process at its peak.
   */
  readonly retainBytes?: number;
  /**
   * Elementwise calls (arithmetic, unary, comparisons, where, clamp, conversions, fused training
   * kernels) over more elements than this run in row-major blocks of at most about this many
   * (default 2^21), each staged in turn, so they need at most a few blocks of wasm memory.
   * The results are the same bits: every element is computed alone.
   */
  readonly chunkElements?: number;
  /**
   * The most bytes of wasm memory one call may use (default and at most 4 GiB, what a 32-bit wasm
   * memory can address). A call that needs more is computed by the fallback backend instead.
   */
  readonly maxBytes?: number;
}

/** Default of `retainBytes`. */
export const RETAIN_BYTES = 64 * 2 ** 20;

/** Default of `chunkElements`. */
export const CHUNK_ELEMENTS = 2 ** 21;

/** Per-thread scratch for the gemm kernels: the packed A block (64×256 f64) and an edge tile, rounded up. */
export const SCRATCH_STRIDE = 160 * 1024;

/**
 * Everything the wasm kernels of one backend share: memory, thread pool and settings. Two heaps:
 * `heap`, a plain (unshared) memory for every call that runs on the calling thread alone, and
 * `sharedHeap`, a shared memory the worker threads also see, created with the pool and used only
 * by matmuls large enough to be split. Copies in and out of shared memory are 1.5–3x slower in V8
 * (its typed-array copies into a SharedArrayBuffer cannot use a plain memcpy), so small calls
 * stay off it.
 */
export class WasmContext {
  /** The calling thread's memory, for every kernel call that is not split across threads (replaced by `release`). */
  heap: WasmHeap;
  /** Threads (the calling one included) large matmuls are split across. */
  readonly threads: number;
  readonly parallelThreshold: number;
  /** Byte offset of thread 0's gemm scratch (in either heap); thread t's is at scratch + t·SCRATCH_STRIDE. */
  readonly scratch: number;
  readonly scratchStride = SCRATCH_STRIDE;
  readonly retainBytes: number;
  readonly chunkElements: number;
  readonly maxBytes: number;

  constructor(options: WasmBackendOptions = {}) {
    const wanted = Math.max(1, Math.floor(options.threads ?? maxThreads()));
    const shared = wanted > 1 && sharedMemorySupported();
    const threads = shared ? Math.min(wanted, maxThreads()) : 1;
    this.retainBytes = options.retainBytes ?? RETAIN_BYTES;
    this.chunkElements = Math.max(1, Math.floor(options.chunkElements ?? CHUNK_ELEMENTS));
    this.maxBytes = options.maxBytes ?? MAX_MEMORY_BYTES;
    this.heap = new WasmHeap(false, SCRATCH_STRIDE, this.retainBytes, this.maxBytes);
    this.scratch = align(this.heap.fixedStart, 64);
    const ex = this.heap.exports;
    if (Math.max(ex.gemmScratchBytes_f32(), ex.gemmScratchBytes_f64()) + 64 > SCRATCH_STRIDE) {
      throw new Error('chainrule wasm backend: gemm scratch larger than reserved');
    }
    this.threads = threads;
    this.parallelThreshold = options.parallelThreshold ?? 2 ** 22;
  }

  private shared: WasmHeap | undefined;
  private started: GemmPool | undefined;

  /** The shared memory of the threaded matmuls (created on first use; only when threads > 1). */
  get sharedHeap(): WasmHeap {
    if (this.shared === undefined)
      this.shared = new WasmHeap(true, this.threads * SCRATCH_STRIDE, this.retainBytes, this.maxBytes);
    return this.shared;
  }

  private releaseTimer: unknown;

  /**
   * After a kernel call: if a memory grew past `retainBytes`, schedules `release` for when the
   * event loop turns (a timer that never keeps a Node process alive), once.
   */
  settle(): void {
    if (this.releaseTimer !== undefined || !(this.heap.oversized || this.shared?.oversized === true)) return;
    const timers = globalThis as {
      setTimeout?: (f: () => void, ms: number) => { unref?: () => void } | number;
    };
    if (timers.setTimeout === undefined) {
      this.release();
      return;
    }
    const timer = timers.setTimeout(() => {
      this.releaseTimer = undefined;
      this.release();
    }, 0);
    if (typeof timer === 'object') timer.unref?.();
    this.releaseTimer = timer;
  }

  /**
   * Drops a memory that grew past `retainBytes`: the plain heap is replaced by a fresh one, the
   * shared heap and its worker threads are stopped (the next large matmul starts them again). The
   * old memory is then garbage, and the engine returns it to the system when it collects it.
   * Runs between kernel calls only (see `settle`).
   */
  release(): void {
    if (this.heap.oversized) this.heap = new WasmHeap(false, SCRATCH_STRIDE, this.retainBytes, this.maxBytes);
    if (this.shared?.oversized === true) {
      this.started?.close();
      this.started = undefined;
      this.shared = undefined;
    }
  }

  /**
   * The worker pool (Node worker_threads or Web Workers) on `sharedHeap`, started on first use
   * (so merely creating the backend costs no threads).
   */
  get pool(): GemmPool | undefined {
    if (this.threads > 1 && this.started === undefined)
      this.started = startThreadPool(this.sharedHeap, this.threads, kernelModule(true));
    return this.started;
  }
}
