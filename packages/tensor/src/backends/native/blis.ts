/**
 * What chainrule does for BLIS beyond its gemm: the thread count per product (BLIS runs on one
 * thread unless told otherwise), and the kernel set on CPUs newer than the BLIS build. BLIS picks
 * its kernels (its "sub-configuration") once, from the CPU or from `BLIS_ARCH_TYPE`, on its first
 * call, and runs its generic C kernels on a CPU it does not recognize: Debian 12's BLIS 0.9 on this
 * project's AMD EPYC (CPU family 0x1A, Zen 5), 35 GFLOP/s per core, slower than chainrule's own
 * WebAssembly matmul, where its `skx` (AVX-512) kernels run at 180. So on an AMD CPU with AVX-512,
 * where `BLIS_ARCH_TYPE` is unset and BLIS has an `skx` entry, chainrule asks a child process what
 * this BLIS would run on its own; only if that is `generic`, and a second child shows that the `skx`
 * kernels are built in (a BLIS told to use kernels it lacks aborts the process), does it set
 * `BLIS_ARCH_TYPE` around BLIS's first call (then unsets it: child processes do not inherit it).
 */

import type { ForeignLibrary } from './ffi.js';
import { type BlasThreads, envThreads, threadControl } from './threads.js';

export type { ForeignLibrary } from './ffi.js';

/** The CPU facts the kernel choice reads: the vendor and the feature flags (Linux's /proc/cpuinfo). */
export interface CpuFacts {
  vendor: string;
  flags: ReadonlySet<string>;
}

/** The AVX-512 subsets BLIS's `skx` kernels need. */
const SKX_FLAGS = ['avx512f', 'avx512dq', 'avx512cd', 'avx512bw', 'avx512vl'];

/**
 * The `BLIS_ARCH_TYPE` value to try, or null to leave BLIS's own choice: `names` is BLIS's table of
 * configurations in id order (`bli_arch_string`). Only for an AMD CPU with AVX-512, a table with
 * `skx` and without `zen4` (AMD's own BLIS has one), and only when the variable is unset. Whether
 * BLIS needs it (runs `generic` otherwise) and has the kernels built in, `prepareBlis` asks.
 */
export function blisArchOverride(
  names: readonly string[],
  cpu: CpuFacts | null,
  env: Readonly<Record<string, string | undefined>>,
): string | null {
  if ((env.BLIS_ARCH_TYPE ?? '') !== '' || cpu === null || cpu.vendor !== 'AuthenticAMD') return null;
  if (!SKX_FLAGS.every((f) => cpu.flags.has(f)) || names.includes('zen4')) return null;
  const skx = names.indexOf('skx');
  return skx < 0 ? null : String(skx);
}

/** The vendor and flags of the first processor in a /proc/cpuinfo text, or null if it has none. */
export function parseCpuinfo(text: string): CpuFacts | null {
  const vendor = /^vendor_id\s*:\s*(\S+)/m.exec(text)?.[1];
  const flags = /^flags\s*:(.*)$/m.exec(text)?.[1];
  if (vendor === undefined || flags === undefined) return null;
  return { vendor, flags: new Set(flags.trim().split(/\s+/)) };
}

/** BLIS's configuration names in id order, up to `generic` (its last); empty where it has none. */
function archNames(lib: ForeignLibrary): string[] {
  let name: (id: number) => unknown;
  try {
    name = lib.func('const char *bli_arch_string(int)');
  } catch {
    return [];
  }
  const names: string[] = [];
  for (let id = 0; id < 64; id++) {
    const s = name(id);
    if (typeof s !== 'string') break;
    names.push(s);
    if (s === 'generic') return names;
  }
  return []; // no `generic` within reach: not a table this code understands
}

/**
 * The kernel set a fresh process running this BLIS picks with `BLIS_ARCH_TYPE` set to `archType`
 * (undefined: unset), or null where that process failed (BLIS aborts on kernels it lacks).
 */
export type BlisProbe = (archType: string | undefined) => string | null;

/** Sets (or, with undefined, unsets) a variable of the environment BLIS reads. */
export type SetEnv = (name: string, value: string | undefined) => void;

/**
 * Prepares a BLIS before its first call (see the file comment) and returns the kernel set it then
 * runs (e.g. `skx`), or null if `lib` is not BLIS. `env` is read for the user's settings; `cpu` is
 * asked only of a BLIS, `probe` and `setEnv` only in the one case the file comment describes.
 */
export function prepareBlis(
  lib: ForeignLibrary,
  cpu: () => CpuFacts | null,
  env: Readonly<Record<string, string | undefined>>,
  probe: BlisProbe,
  setEnv: SetEnv,
): string | null {
  const names = archNames(lib);
  if (names.length === 0) return null;
  const candidate = blisArchOverride(names, cpu(), env);
  const apply = candidate !== null && probe(undefined) === 'generic' && probe(candidate) === names[Number(candidate)];
  if (apply) setEnv('BLIS_ARCH_TYPE', candidate);
  try {
    lib.func('void bli_init()')(); // the configuration is chosen here: asking before it aborts under BLIS_ARCH_TYPE
    const id = Number(lib.func('int bli_arch_query_id()')());
    return names[id] ?? null;
  } catch {
    return null;
  } finally {
    if (apply) setEnv('BLIS_ARCH_TYPE', undefined); // chosen once: the variable has done its work
  }
}

/**
 * The thread count BLIS is asked for on large products: `BLIS_NUM_THREADS`, else `OMP_NUM_THREADS`,
 * else the cores (BLIS itself would run on one), never more than the cores.
 */
export function blisStartingThreads(procs: number, env: Readonly<Record<string, string | undefined>>): number {
  return envThreads(['BLIS_NUM_THREADS', 'OMP_NUM_THREADS'], procs, env);
}

/**
 * m·n·k below which one BLIS gemm runs on one thread. BLIS 0.9 starts its threads on each call
 * (100 µs or more), so the crossover sits far above OpenBLAS's. Measured on 2 cores, float32, `skx`
 * kernels: 256×512×512 takes 735 µs on one thread and 558 on two, 512³ 1402 and 997; a 784-256-256-10
 * training step (batch 128) whose two 128×784×256 products ran on two threads took 1.55 ms per step
 * against 1.27 on one. Where chainrule runs a product as two halves on threads of its own (split.ts:
 * where BLIS is to run on two threads, the products between `SPLIT_MIN_WORK` and `SPLIT_MAX_WORK`;
 * where on more, those between `SPLIT_MIN_WORK` and this threshold), BLIS runs each half on one thread.
 */
export const BLIS_ONE_THREAD_WORK = 2 ** 26;

/** BLIS's thread count, set per product as OpenBLAS's is; null where `lib` is not BLIS. */
export function blisThreads(
  lib: ForeignLibrary,
  procs: number,
  env: Readonly<Record<string, string | undefined>>,
): BlasThreads | null {
  try {
    const get = lib.func('int64_t bli_thread_get_num_threads()');
    const set = lib.func('void bli_thread_set_num_threads(int64_t)');
    return threadControl(get, set, blisStartingThreads(Math.max(1, procs), env), BLIS_ONE_THREAD_WORK);
  } catch {
    return null;
  }
}
