/**
 * Native BLAS for Node: where a system BLAS loads, matmuls of a backend go through it (see
 * blas.ts and matmul.ts); `CHAINRULE_BLAS=off` keeps the WebAssembly kernels, `CHAINRULE_BLAS=<path>`
 * names the library. In Node on Linux, glibc's malloc is tuned for tensor buffers once per process
 * (malloc.ts; `CHAINRULE_MALLOC=off` prevents it). `backendInfo()` says what runs and what was set.
 */
import type { Backend } from '../../backend.js';
import { type ResidentMemory, attachResidentMemory, residentMemory } from '../../resident.js';
import { composeBackend } from '../compose.js';
import { float64Library, loadBlas } from './blas.js';
import { runtimePlatform } from './ffi.js';
import { type BlasFound, NO_BLAS } from './info.js';
import { blasMatmul } from './matmul.js';
import type { SignalHold } from './signals.js';

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
