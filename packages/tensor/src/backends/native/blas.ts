/**
 * A system BLAS for Node, found at run time and called through the FFI package `koffi` (an
 * optional dependency: nothing is compiled or downloaded at install). Linux: oneDNN (float32 only,
 * onednn.ts), OpenBLAS, BLIS or MKL; macOS: Accelerate. Nothing here is reached in a browser, and
 * when no library loads the caller keeps the WebAssembly kernels.
 */

import { type Gemm, gemmSignature } from './cblas.js';
import { type BlisProbe, type CpuFacts, type SetEnv, blisThreads, parseCpuinfo, prepareBlis } from './blis.js';
import {
  type Env,
  type ForeignLibrary,
  type Koffi,
  LIBC,
  type NodeRequire,
  loadKoffi,
  nodeRequire,
  processEnv,
} from './ffi.js';
import { ONEDNN_CANDIDATES, onednn } from './onednn.js';
import { type MatmulPrimitive, onednnMatmul } from './onednn-matmul.js';
import { type SignalHold, heldCalls } from './signals.js';
import { type SplitGemm, createSplitGemm } from './split.js';
import { type BlasThreads, envThreads, threadControl } from './threads.js';

export type { Gemm } from './cblas.js';
export type { BlasThreads } from './threads.js';

/**
 * m·n·k below which one gemm runs on one OpenBLAS thread. Measured here (2 cores, float32): a
 * 128×10×256 product takes 12 µs on one thread and 32 µs on two, 32×512×128 about the same either
 * way, 128×256×256 178 µs on one and 122 on two.
 */
export const BLAS_ONE_THREAD_WORK = 2 ** 22;

/** A loaded BLAS: its gemm functions and where it came from. */
export interface Blas {
  sgemm: Gemm;
  /** The float64 gemm, or null where the library has none (oneDNN): see `float64`. */
  dgemm: Gemm | null;
  /** The file name or path that was loaded, e.g. `libopenblas.so.0`. */
  library: string;
  /** The library's thread count where it can be set per call (OpenBLAS, BLIS, oneDNN's OpenMP), else null. */
  threads: BlasThreads | null;
  /** The kernel set the library runs where it says (OpenBLAS's core, BLIS's configuration, oneDNN's ISA), else null. */
  kernels: string | null;
  /**
   * Two-thread gemms (split.ts) for BLIS on two or more threads, or oneDNN on two OpenMP threads,
   * where a helper thread can run, else null (matmul.ts decides which products are cut).
   */
  split: SplitGemm | null;
  /**
   * oneDNN's matmul primitive (onednn-matmul.ts), which matmul.ts gives the A·Bᵀ products it runs
   * better than `sgemm` on two or more threads (`primitiveTakes`); null for other libraries.
   */
  primitive: MatmulPrimitive | null;
  /**
   * Where `dgemm` is null, the library float64 products go through instead (the default selection's
   * next one with a `cblas_dgemm`), or null: they stay on the fallback kernel.
   */
  float64: Blas | null;
  /**
   * The signal hold its calls need (oneDNN: signals.ts), which a run of calls can take once for
   * all of them (a compiled plan's replay: native/index.ts); null where the library needs none.
   */
  hold: SignalHold | null;
}

/** The libraries tried, in order, when `CHAINRULE_BLAS` names none. */
export const BLAS_CANDIDATES: Readonly<Record<string, readonly string[]>> = {
  linux: [
    ...ONEDNN_CANDIDATES,
    'libopenblas.so.0',
    'libopenblas.so',
    'libblis.so.4',
    'libblis.so',
    'libmkl_rt.so.2',
    'libmkl_rt.so',
  ],
  darwin: ['/System/Library/Frameworks/Accelerate.framework/Accelerate'],
  win32: ['libopenblas.dll', 'openblas.dll'],
};

/** Each library once, alone, by the name or path it was loaded as. */
const loaded = new Map<string, Blas>();

/** The default selection once per platform (a library alone, or oneDNN with its float64 library). */
const selected = new Map<string, Blas>();

/**
 * The thread count OpenBLAS starts with, by its own rule: `OPENBLAS_NUM_THREADS`, else
 * `GOTO_NUM_THREADS`, else `OMP_NUM_THREADS`, else the cores, and never more than the cores.
 */
export function startingThreads(procs: number, env: Readonly<Record<string, string | undefined>>): number {
  return envThreads(['OPENBLAS_NUM_THREADS', 'GOTO_NUM_THREADS', 'OMP_NUM_THREADS'], procs, env);
}

/** OpenBLAS's per-product thread count, or null in other libraries. */
function openblasThreads(lib: ForeignLibrary, env: Env): BlasThreads | null {
  try {
    const get = lib.func('int openblas_get_num_threads()');
    const set = lib.func('void openblas_set_num_threads(int)');
    const procs = Number(lib.func('int openblas_get_num_procs()')());
    return procs >= 1 ? threadControl(get, set, startingThreads(procs, env), BLAS_ONE_THREAD_WORK) : null;
  } catch {
    return null;
  }
}

/** OpenBLAS's core (`Haswell`, `SkylakeX`...), or null in other libraries. */
function openblasCore(lib: ForeignLibrary): string | null {
  try {
    const core = lib.func('const char *openblas_get_corename()')();
    return typeof core === 'string' ? core : null;
  } catch {
    return null;
  }
}

/** This CPU's vendor and flags where Linux says (/proc/cpuinfo), else null. */
function cpuFacts(require: (id: string) => unknown): CpuFacts | null {
  try {
    const fs = require('node:fs') as { readFileSync(path: string, encoding: 'utf8'): string };
    return parseCpuinfo(fs.readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * What a fresh Node process picks when it loads `library` and starts BLIS (see `BlisProbe`): the
 * process's environment without `NODE_OPTIONS`, `BLIS_ARCH_TYPE` as asked. Null where it fails.
 */
function blisProbe(require: NodeRequire, library: string): BlisProbe {
  return (archType) => {
    const proc = (globalThis as { process?: { execPath?: string } }).process;
    try {
      const { spawnSync } = require('node:child_process') as {
        spawnSync(
          cmd: string,
          args: string[],
          options: { env: Env; encoding: 'utf8'; timeout: number },
        ): { status: number | null; stdout: string };
      };
      const script =
        `const l = require(${JSON.stringify(require.resolve('koffi'))}).load(${JSON.stringify(library)});` +
        "l.func('void bli_init()')(); const id = l.func('int bli_arch_query_id()')();" +
        "process.stdout.write(String(l.func('const char *bli_arch_string(int)')(id)));";
      const env: Env = { ...processEnv(), NODE_OPTIONS: undefined, BLIS_ARCH_TYPE: archType };
      for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
      const r = spawnSync(proc?.execPath ?? 'node', ['-e', script], { env, encoding: 'utf8', timeout: 20_000 });
      return r.status === 0 ? r.stdout : null;
    } catch {
      return null;
    }
  };
}

/**
 * Sets a variable where C's getenv sees it (libc's setenv: Node's worker threads keep process.env
 * apart), loading libc on first use; process.env where libc does not load.
 */
function libcSetEnv(koffi: Koffi): SetEnv {
  let setter: SetEnv | undefined;
  const load = (): SetEnv => {
    try {
      const libc = koffi.load(LIBC);
      const set = libc.func('int setenv(const char *, const char *, int)');
      const unset = libc.func('int unsetenv(const char *)');
      return (name, value) => void (value === undefined ? unset(name) : set(name, value, 1));
    } catch {
      const env = processEnv();
      return (name, value) => {
        if (value === undefined) delete env[name];
        else env[name] = value;
      };
    }
  };
  return (name, value) => {
    setter ??= load();
    setter(name, value);
  };
}

/**
 * Loads a BLAS: `spec` is a path, or undefined to try `BLAS_CANDIDATES` for this platform.
 * Returns the BLAS, or the reason there is none (no Node, no koffi, no library). A library named
 * by `spec` runs alone; the default selection gives a library without a float64 gemm (oneDNN) the
 * next candidate that has one for those products.
 */
export function loadBlas(spec: string | undefined, platform: string): Blas | { reason: string } {
  const require = nodeRequire();
  if (require === null) return { reason: 'not in Node' };
  const koffi = loadKoffi(require);
  if ('reason' in koffi) return koffi;
  if (spec !== undefined) {
    const alone = loadCached(require, koffi, spec);
    return 'reason' in alone ? { reason: `none loaded (${alone.reason})` } : alone;
  }
  const known = selected.get(platform);
  if (known !== undefined) return known;
  const candidates = BLAS_CANDIDATES[platform] ?? [];
  const failures: string[] = [];
  for (const [i, library] of candidates.entries()) {
    const blas = loadCached(require, koffi, library);
    if ('reason' in blas) {
      failures.push(blas.reason);
      continue;
    }
    const chosen =
      blas.dgemm !== null
        ? blas
        : { ...blas, float64: heldBy(firstWithDgemm(require, koffi, candidates.slice(i + 1)), blas.hold) };
    selected.set(platform, chosen);
    return chosen;
  }
  return {
    reason: failures.length === 0 ? `no BLAS is known for ${platform}` : `none loaded (${failures.join('; ')})`,
  };
}

/**
 * `blas` with its calls inside `hold` (oneDNN's, for the library beside it: an OpenMP build shares
 * libgomp's threads with oneDNN, and may start new ones for them, which take the calling thread's
 * mask), or `blas` itself where either is null.
 */
function heldBy(blas: Blas | null, hold: SignalHold | null): Blas | null {
  if (blas === null || hold === null) return blas;
  const { sgemm, dgemm } = blas;
  return { ...blas, sgemm: heldCalls(hold, sgemm), dgemm: dgemm === null ? null : heldCalls(hold, dgemm), hold };
}

/** `library` alone, loaded once; the reason where it does not load. */
function loadCached(require: NodeRequire, koffi: Koffi, library: string): Blas | { reason: string } {
  const known = loaded.get(library);
  if (known !== undefined) return known;
  try {
    const blas = loadLibrary(require, koffi, library);
    loaded.set(library, blas);
    return blas;
  } catch (e) {
    return { reason: `${library}: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** The first of `candidates` (oneDNN's other names left out) that loads with a float64 gemm, or null. */
function firstWithDgemm(require: NodeRequire, koffi: Koffi, candidates: readonly string[]): Blas | null {
  for (const library of candidates) {
    if (ONEDNN_CANDIDATES.includes(library)) continue;
    const blas = loadCached(require, koffi, library);
    if (!('reason' in blas) && blas.dgemm !== null) return blas;
  }
  return null;
}

/** One library as a `Blas` (oneDNN's `dnnl_sgemm`, else cblas); throws where it does not load or lacks them. */
function loadLibrary(require: NodeRequire, koffi: Koffi, library: string): Blas {
  const lib = koffi.load(library);
  const env = processEnv();
  const procs = (require('node:os') as { availableParallelism(): number }).availableParallelism();
  const dnnl = onednn(lib, koffi, procs, env);
  if (dnnl !== null) {
    // its matmul primitive where its OpenMP threads are two or more (null in version 3:
    // onednn-matmul.ts); halves only where they are two (matmul.ts), on more its own threads
    const { threads, hold } = dnnl;
    const primitive = threads !== null && threads.max >= 2 ? onednnMatmul(lib, threads, hold) : null;
    const split = threads?.max === 2 ? createSplitGemm(require, koffi, library, 'dnnl') : null;
    return { ...dnnl, dgemm: null, library, split, float64: null, primitive };
  }
  const sgemm = lib.func(gemmSignature('s', 'array')) as Gemm;
  const dgemm = lib.func(gemmSignature('d', 'array')) as Gemm;
  const blis = prepareBlis(lib, () => cpuFacts(require), env, blisProbe(require, library), libcSetEnv(koffi));
  const threads = openblasThreads(lib, env) ?? blisThreads(lib, procs, env);
  return {
    sgemm,
    dgemm,
    library,
    threads,
    kernels: openblasCore(lib) ?? blis,
    // BLIS only: OpenBLAS's own threads, which stay up between calls, did better in training (split.ts)
    split: blis !== null && threads !== null && threads.max >= 2 ? createSplitGemm(require, koffi, library) : null,
    float64: null,
    hold: null,
    primitive: null,
  };
}

/**
 * The library `blas`'s float64 products go through: itself where it has a float64 gemm, else its
 * `float64` library; null where they stay on the fallback kernel.
 */
export function float64Library(blas: Blas): Blas | null {
  return blas.dgemm !== null ? blas : blas.float64;
}
