/**
 * Native BLAS for Node: where a system BLAS loads, matmuls of a backend go through it (see
 * blas.ts and matmul.ts); `CHAINRULE_BLAS=off` keeps the WebAssembly kernels, `CHAINRULE_BLAS=<path>`
 * names the library. `backendInfo()` says what runs.
 */
import { type Backend, getBackend } from '../../backend.js';
import { attachResidentMemory, residentMemory } from '../../resident.js';
import { composeBackend } from '../compose.js';
import { type Koffi, loadBlas, nodeRequire } from './blas.js';
import { mallocTuningBlocked, tuneMalloc } from './malloc.js';
import { blasMatmul } from './matmul.js';

/** What runs the kernels, as `backendInfo()` reports it. */
export interface BackendInfo {
  /** The backend's name: `wasm-simd`, `js`, or one of them with `+blas`. */
  backend: string;
  /** The BLAS library matmuls go through, or null. */
  blas: string | null;
  /** The kernels the library runs where it says (OpenBLAS's core, e.g. `Haswell`; BLIS's configuration), else null. */
  blasKernels: string | null;
  /** Why there is no BLAS (`CHAINRULE_BLAS=off`, not Node, no library found...), or null. */
  blasReason: string | null;
  /** How glibc's malloc was tuned for tensor buffers (see `tuneNodeMalloc`), or null. */
  malloc: string | null;
  /** Why malloc was left alone (`CHAINRULE_MALLOC=off`, not Linux, no koffi...), or null. */
  mallocReason: string | null;
}

/** What the default backend's selection found: the library, its kernels, or why there is none. */
export interface BlasFound {
  blas: string | null;
  blasKernels: string | null;
  blasReason: string | null;
}

let blasInfo: BlasFound = { blas: null, blasKernels: null, blasReason: 'not tried' };
let mallocInfo: { malloc: string | null; mallocReason: string | null } = { malloc: null, mallocReason: 'not tried' };

/**
 * In Node on Linux with glibc and koffi, raises malloc's mmap and trim thresholds so that freed
 * tensor buffers are reused rather than mapped anew (malloc.ts says why and what it costs), unless
 * `env.CHAINRULE_MALLOC` is `off` or the environment sets the thresholds itself. For the whole
 * process, once (index.ts, at import); `backendInfo()` reports the outcome.
 */
export function tuneNodeMalloc(env: Readonly<Record<string, string | undefined>>): void {
  const require = nodeRequire();
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform ?? 'browser';
  const blocked = require === null ? 'not in Node' : mallocTuningBlocked(env, platform);
  if (blocked !== null || require === null) {
    mallocInfo = { malloc: null, mallocReason: blocked };
    return;
  }
  let koffi: Koffi;
  try {
    koffi = require('koffi') as Koffi;
  } catch {
    mallocInfo = { malloc: null, mallocReason: 'the optional dependency koffi is not installed' };
    return;
  }
  const done = tuneMalloc(() => koffi.load('libc.so.6'));
  mallocInfo =
    'tuned' in done ? { malloc: done.tuned, mallocReason: null } : { malloc: null, mallocReason: done.reason };
}

/** A backend with or without a native BLAS, and what happened. */
export interface WithBlas extends BlasFound {
  backend: Backend;
}

/**
 * `backend` with its matmul on a native BLAS when one loads (per `env.CHAINRULE_BLAS`), else
 * `backend` itself, with the library or the reason there is none. Changes no global state when
 * called; its matmuls set OpenBLAS's thread count (the process's) per product (see matmul.ts).
 */
export function withNativeBlas(backend: Backend, env: Readonly<Record<string, string | undefined>>): WithBlas {
  const setting = env.CHAINRULE_BLAS;
  if (setting === 'off' || setting === '0')
    return { backend, blas: null, blasKernels: null, blasReason: 'CHAINRULE_BLAS=off' };
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform ?? 'browser';
  const blas = loadBlas(setting === undefined || setting === '' || setting === 'on' ? undefined : setting, platform);
  if ('reason' in blas) return { backend, blas: null, blasKernels: null, blasReason: blas.reason };
  const matmul = blasMatmul(blas, backend.matmul.bind(backend));
  return {
    backend: attachResidentMemory(
      composeBackend({ name: `${backend.name}+blas`, matmul }, backend),
      residentMemory(backend),
    ),
    blas: blas.library,
    blasKernels: blas.kernels,
    blasReason: null,
  };
}

/** Records what the default backend's selection found (index.ts, once). */
export function recordBlas(found: BlasFound): void {
  blasInfo = { blas: found.blas, blasKernels: found.blasKernels, blasReason: found.blasReason };
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
 * // { backend: 'wasm+blas', blas: 'libopenblas.so.0', blasKernels: 'Haswell', blasReason: null,
 * //   malloc: 'glibc 2.36: mmap threshold 32 MiB, trim threshold 64 MiB', mallocReason: null }
 * ```
 */
export function backendInfo(): BackendInfo {
  const name = getBackend().name;
  const { blas, blasKernels, blasReason } = blasInfo;
  return name.endsWith('+blas')
    ? { backend: name, blas, blasKernels, blasReason, ...mallocInfo }
    : {
        backend: name,
        blas: null,
        blasKernels: null,
        blasReason: blasReason ?? 'another backend was set',
        ...mallocInfo,
      };
}
