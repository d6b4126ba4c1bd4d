/**
 * A system BLAS for Node, found at run time and called through the FFI package `koffi` (an
 * optional dependency: nothing is compiled or downloaded at install). Linux: OpenBLAS, BLIS or
 * MKL; macOS: Accelerate. Nothing here is reached in a browser, and when no library loads the
 * caller keeps the WebAssembly kernels.
 */

/** C's `cblas_?gemm` as called here: row-major, C ← A·B with A and B each transposed or not. */
export type Gemm = (
  order: number,
  transA: number,
  transB: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array | Float64Array,
  lda: number,
  b: Float32Array | Float64Array,
  ldb: number,
  beta: number,
  c: Float32Array | Float64Array,
  ldc: number,
) => void;

/**
 * OpenBLAS's thread count, set per call: `max` is the count it started with (`OPENBLAS_NUM_THREADS`
 * or the cores: see `startingThreads`), `use(n)` sets it (only when the library runs on another).
 */
export interface BlasThreads {
  readonly max: number;
  use(n: number): void;
}

/** A loaded BLAS: its gemm functions and where it came from. */
export interface Blas {
  sgemm: Gemm;
  dgemm: Gemm;
  /** The file name or path that was loaded, e.g. `libopenblas.so.0`. */
  library: string;
  /** The library's thread count where it can be set per call (OpenBLAS), else null. */
  threads: BlasThreads | null;
}

/** The libraries tried, in order, when `CHAINRULE_BLAS` names none. */
export const BLAS_CANDIDATES: Readonly<Record<string, readonly string[]>> = {
  linux: ['libopenblas.so.0', 'libopenblas.so', 'libblis.so.4', 'libblis.so', 'libmkl_rt.so.2', 'libmkl_rt.so'],
  darwin: ['/System/Library/Frameworks/Accelerate.framework/Accelerate'],
  win32: ['libopenblas.dll', 'openblas.dll'],
};

interface Koffi {
  load(path: string): Library;
}
interface Library {
  func(signature: string): (...args: unknown[]) => unknown;
}

/** Each library once, by the name or path it was loaded as. */
const loaded = new Map<string, Blas>();

/**
 * The thread count OpenBLAS starts with, by its own rule: `OPENBLAS_NUM_THREADS`, else
 * `GOTO_NUM_THREADS`, else `OMP_NUM_THREADS`, else the cores, and never more than the cores. Taken
 * from the environment rather than from the library, which may already run on a count another
 * caller set (another handle on the same library, a worker thread).
 */
export function startingThreads(procs: number, env: Readonly<Record<string, string | undefined>>): number {
  for (const name of ['OPENBLAS_NUM_THREADS', 'GOTO_NUM_THREADS', 'OMP_NUM_THREADS']) {
    const n = Number.parseInt(env[name] ?? '', 10);
    if (n >= 1) return Math.min(n, procs);
  }
  return procs;
}

/**
 * OpenBLAS's thread count, or null in other libraries. `use` asks the library for its count before
 * setting it (a few hundred nanoseconds), since the count is the process's, not this handle's.
 */
function openblasThreads(lib: Library): BlasThreads | null {
  let get: () => unknown;
  let set: (n: number) => unknown;
  let procs: number;
  try {
    get = lib.func('int openblas_get_num_threads()');
    set = lib.func('void openblas_set_num_threads(int)');
    procs = Number(lib.func('int openblas_get_num_procs()')());
  } catch {
    return null;
  }
  if (!(procs >= 1)) return null;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  return {
    max: startingThreads(procs, env),
    use(n: number): void {
      if (Number(get()) !== n) set(n);
    },
  };
}

/** `require` in Node (ESM or CJS), or null elsewhere. */
function nodeRequire(): ((id: string) => unknown) | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:module') as
    | { createRequire(from: string): (id: string) => unknown }
    | undefined;
  return mod === undefined ? null : mod.createRequire(import.meta.url);
}

const SIGNATURE = (t: string) =>
  `void cblas_${t}gemm(int, int, int, int, int, int, ${t === 's' ? 'float' : 'double'}, ` +
  `const ${t === 's' ? 'float' : 'double'} *, int, const ${t === 's' ? 'float' : 'double'} *, int, ` +
  `${t === 's' ? 'float' : 'double'}, _Inout_ ${t === 's' ? 'float' : 'double'} *, int)`;

/**
 * Loads a BLAS: `spec` is a path, or undefined to try `BLAS_CANDIDATES` for this platform.
 * Returns the BLAS, or the reason there is none (no Node, no koffi, no library).
 */
export function loadBlas(spec: string | undefined, platform: string): Blas | { reason: string } {
  const require = nodeRequire();
  if (require === null) return { reason: 'not in Node' };
  let koffi: Koffi;
  try {
    koffi = require('koffi') as Koffi;
  } catch (e) {
    return { reason: `the optional dependency koffi is not installed (${(e as Error).message.split('\n')[0]})` };
  }
  const candidates = spec !== undefined ? [spec] : (BLAS_CANDIDATES[platform] ?? []);
  const failures: string[] = [];
  for (const library of candidates) {
    const known = loaded.get(library);
    if (known !== undefined) return known;
    try {
      const lib = koffi.load(library);
      const blas: Blas = {
        sgemm: lib.func(SIGNATURE('s')) as Gemm,
        dgemm: lib.func(SIGNATURE('d')) as Gemm,
        library,
        threads: openblasThreads(lib),
      };
      loaded.set(library, blas);
      return blas;
    } catch (e) {
      failures.push(`${library}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return {
    reason: failures.length === 0 ? `no BLAS is known for ${platform}` : `none loaded (${failures.join('; ')})`,
  };
}
