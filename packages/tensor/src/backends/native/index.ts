/**
 * Native BLAS for Node: where a system BLAS loads, matmuls of a backend go through it (see
 * blas.ts and matmul.ts); `CHAINRULE_BLAS=off` keeps the WebAssembly kernels, `CHAINRULE_BLAS=<path>`
 * names the library. In Node on Linux, glibc's malloc is tuned for tensor buffers once per process
 * (malloc.ts; `CHAINRULE_MALLOC=off` prevents it). `backendInfo()` says what runs and what was set.
 */
import { type Backend, getBackend } from '../../backend.js';
import { type ResidentMemory, attachResidentMemory, residentMemory } from '../../resident.js';
import { composeBackend } from '../compose.js';
import { float64Library, loadBlas } from './blas.js';
import { runtimePlatform } from './ffi.js';
import { mallocOutcome } from './malloc.js';
import { blasMatmul } from './matmul.js';
import type { SignalHold } from './signals.js';

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

/** A backend with or without a native BLAS, and what happened. */
export interface WithBlas extends BlasFound {
  backend: Backend;
}

/**
 * `backend` with its matmul on a native BLAS when one loads (per `env.CHAINRULE_BLAS`), else
 * `backend` itself, with the library or the reason there is none. Changes no global state when
 * called; its matmuls set the thread count of the library each runs on, per product (see matmul.ts).
 */
export function withNativeBlas(backend: Backend, env: Readonly<Record<string, string | undefined>>): WithBlas {
  const setting = env.CHAINRULE_BLAS;
  if (setting === 'off' || setting === '0') return { backend, ...NO_BLAS, blasReason: 'CHAINRULE_BLAS=off' };
  const spec = setting === undefined || setting === '' || setting === 'on' ? undefined : setting;
  const blas = loadBlas(spec, runtimePlatform());
  if ('reason' in blas) return { backend, ...NO_BLAS, blasReason: blas.reason };
  const matmul = blasMatmul(blas, backend.matmul.bind(backend));
  return {
    backend: attachResidentMemory(
      composeBackend({ name: `${backend.name}+blas`, matmul }, backend),
      heldDuringRuns(residentMemory(backend), blas.hold),
    ),
    blas: blas.library,
    blasKernels: blas.kernels,
    blasFloat64: float64Library(blas)?.library ?? null,
    blasReason: null,
  };
}

/**
 * `memory` with its runs (`withoutGrowth`: a compiled plan's replay) as one run of `hold`: the
 * signals, once blocked by the run's first oneDNN call, stay blocked to its end, so that the calls
 * after it cost no system calls of their own, and a run without one costs none (signals.ts).
 */
function heldDuringRuns(memory: ResidentMemory | undefined, hold: SignalHold | null): ResidentMemory | undefined {
  if (memory === undefined || hold === null) return memory;
  return {
    allocate: (bytes) => memory.allocate(bytes),
    withoutGrowth: (f) => hold.during(() => memory.withoutGrowth(f)),
  };
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
