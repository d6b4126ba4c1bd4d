/**
 * What runs the kernels, as `backendInfo()` reports it: the BLAS the default backend's selection
 * found (index.ts records it) and how malloc was tuned (malloc.ts). Kept apart from the rest of the
 * native layer, which only Node loads (a bundler ships that as a chunk a page never fetches).
 */
import { getBackend } from '../../backend.js';

/** What runs the kernels, as `backendInfo()` reports it. */
export interface BackendInfo {
  /** The backend's name: `wasm-simd`, `js`, or one of them with `+blas`. */
  backend: string;
  /** The library float32 matmuls go through (float64 ones: `blasFloat64`), or null. */
  blas: string | null;
  /**
   * The kernels the library runs where it says (OpenBLAS's core, e.g. `Haswell`; BLIS's configuration;
   * oneDNN's instruction set), else null.
   */
  blasKernels: string | null;
  /**
   * The library float64 matmuls go through: `blas` itself, except with oneDNN (no float64 gemm),
   * whose float64 products go to the next library the default selection finds; null where they run
   * on the backend's own kernels.
   */
  blasFloat64: string | null;
  /** Why there is no BLAS (`CHAINRULE_BLAS=off`, not Node, no library found...), or null. */
  blasReason: string | null;
  /** How glibc's malloc was tuned for tensor buffers, for the whole process (native/malloc.ts), or null. */
  malloc: string | null;
  /** Why malloc was left alone (`CHAINRULE_MALLOC=off`, not Linux, no koffi, no glibc...), or null. */
  mallocReason: string | null;
}

/** What the default backend's selection found: the library, its kernels, or why there is none. */
export interface BlasFound {
  blas: string | null;
  blasKernels: string | null;
  blasFloat64: string | null;
  blasReason: string | null;
}

/** `BlasFound`'s fields where no library runs (the reason apart). */
export const NO_BLAS = { blas: null, blasKernels: null, blasFloat64: null } as const;

let blasInfo: BlasFound = { ...NO_BLAS, blasReason: 'not tried' };

/** What the malloc tuning did: a description, or the reason malloc was left alone (malloc.ts). */
export type MallocTuning = { tuned: string } | { reason: string };

/** The outcome for the whole process, kept where every copy of this package in the thread finds it. */
const OUTCOME = Symbol.for('@chainrule/tensor malloc tuning');

/** The malloc tuning's outcome in this thread, or undefined before it ran; `record` keeps one (once). */
export function mallocOutcome(record?: () => MallocTuning): MallocTuning | undefined {
  const holder = globalThis as { [OUTCOME]?: MallocTuning };
  if (record !== undefined) holder[OUTCOME] ??= record();
  return holder[OUTCOME];
}

/** Records what the default backend's selection found (index.ts, once). */
export function recordBlas(found: BlasFound): void {
  blasInfo = {
    blas: found.blas,
    blasKernels: found.blasKernels,
    blasFloat64: found.blasFloat64,
    blasReason: found.blasReason,
  };
}

/** The BLAS part of `backendInfo()`. */
export function blasStatus(): BlasFound {
  return blasInfo;
}

/**
 * What runs the kernels now: the backend's name, the BLAS library matmuls go through (or why
 * none does), and how malloc was tuned for tensor buffers (or why it was not).
 * @example
 * ```ts
 * import { backendInfo } from '@chainrule/tensor';
 * console.log(backendInfo());
 * // { backend: 'wasm+blas', blas: 'libdnnl.so.2', blasKernels: 'avx512_core_bf16',
 * //   blasFloat64: 'libopenblas.so.0', blasReason: null,
 * //   malloc: 'glibc 2.36: mmap threshold 32 MiB, trim threshold 64 MiB', mallocReason: null }
 * ```
 */
export function backendInfo(): BackendInfo {
  const name = getBackend().name;
  const { blas, blasKernels, blasFloat64, blasReason } = blasInfo;
  const tuning = mallocOutcome() ?? { reason: 'not tried' };
  const mallocInfo =
    'tuned' in tuning ? { malloc: tuning.tuned, mallocReason: null } : { malloc: null, mallocReason: tuning.reason };
  return name.endsWith('+blas')
    ? { backend: name, blas, blasKernels, blasFloat64, blasReason, ...mallocInfo }
    : {
        backend: name,
        blas: null,
        blasKernels: null,
        blasFloat64: null,
        blasReason: blasReason ?? 'another backend was set',
        ...mallocInfo,
      };
}

/** The signal holds of this thread (native/signals.ts), each settled before a thread starts. */
const settlers: (() => void)[] = [];

/** Registers a hold's `settle` (native/signals.ts: one per hold, so per thread). */
export function beforeThreadStart(settle: () => void): void {
  settlers.push(settle);
}

/**
 * Puts back the calling thread's signal mask where a oneDNN product left it blocked (it lingers up to
 * a millisecond, or to the end of the current task: see the tensor README). A thread started while it
 * lingers inherits it for good (its own signals, SIGPROF included, stay blocked), so call this before
 * `new Worker(...)` right after a product; chainrule's own thread pool does. A no-op where nothing
 * lingers, in a browser, or without oneDNN.
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * import { matmul, ones, settleSignals } from '@chainrule/tensor';
 * matmul(ones([64, 64]), ones([64, 64]));
 * settleSignals();
 * const worker = new Worker('postMessage(1)', { eval: true });
 * ```
 */
export function settleSignals(): void {
  for (const settle of settlers) settle();
}
