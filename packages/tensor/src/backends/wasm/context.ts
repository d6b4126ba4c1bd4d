import { maxThreads } from './pool.js';
import { WasmHeap, align, kernelModule, sharedMemorySupported } from './runtime.js';
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
}

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
  /** The calling thread's memory, for every kernel call that is not split across threads. */
  readonly heap: WasmHeap;
  /** Threads (the calling one included) large matmuls are split across. */
  readonly threads: number;
  readonly parallelThreshold: number;
  /** Byte offset of thread 0's gemm scratch (in either heap); thread t's is at scratch + t·SCRATCH_STRIDE. */
  readonly scratch: number;
  readonly scratchStride = SCRATCH_STRIDE;

  constructor(options: WasmBackendOptions = {}) {
    const wanted = Math.max(1, Math.floor(options.threads ?? maxThreads()));
    const shared = wanted > 1 && sharedMemorySupported();
    const threads = shared ? Math.min(wanted, maxThreads()) : 1;
    this.heap = new WasmHeap(false, SCRATCH_STRIDE);
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
    if (this.shared === undefined) this.shared = new WasmHeap(true, this.threads * SCRATCH_STRIDE);
    return this.shared;
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
