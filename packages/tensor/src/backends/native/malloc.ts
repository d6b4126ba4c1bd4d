/**
 * glibc's malloc, tuned for tensor buffers (Node on Linux, where the optional dependency `koffi`
 * loads). Node allocates each typed array's storage with calloc, and glibc serves a request over
 * its mmap threshold (128 KiB at start) from a mapping of its own. After such a mapping is freed,
 * glibc raises that threshold to its size, but it also returns any free heap top beyond twice that
 * size (its trim threshold) to the system, while V8 frees the dropped arrays in batches, at its
 * collections. So a loop of fresh results of 32,768 floats or more kept faulting its pages in anew:
 * 50 to 140 minor faults per 1 MiB array measured on this project's machine, 0.1 to 2 ms per MiB
 * depending on the kernel's state, where the gemm of a 512×512 float32 matmul takes 1 ms. Setting
 * the mmap threshold to glibc's largest (32 MiB on 64-bit platforms, 16 MiB on 32-bit ones) and the
 * trim threshold to twice that keeps such buffers in malloc's heap, where freed ones are reused:
 * 24 µs per 1 MiB array, no faults. The cost is memory: freed buffers stay in the heap for reuse
 * while a live one sits above them, so after a peak the process can stay near that peak (as
 * untuned glibc does too once its own threshold has risen).
 * `CHAINRULE_MALLOC=off` (or `0`) leaves malloc alone, as do thresholds the environment sets
 * itself (`GLIBC_TUNABLES`, `MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_`) and a malloc
 * replaced through `LD_PRELOAD`. `backendInfo().malloc` says what was set, `mallocReason` why not.
 */

import { type Env, type ForeignLibrary, LIBC, loadKoffi, nodeRequire, runtimePlatform } from './ffi.js';
import { type MallocTuning, mallocOutcome } from './info.js';

/** mallopt's parameters, from glibc's malloc.h. */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;

/** glibc's largest mmap threshold (`DEFAULT_MMAP_THRESHOLD_MAX`: 4 MiB per byte of a C long). */
export function mmapThreshold(longBytes: number): number {
  return 4 * 2 ** 20 * longBytes;
}

/** Allocators that replace glibc's malloc when preloaded. */
const PRELOADED_MALLOC = /jemalloc|tcmalloc|mimalloc|hoard|snmalloc|scudo/i;

/**
 * Whether to tune: null to go ahead, else why not (`CHAINRULE_MALLOC=off`, not Linux, the
 * environment's own thresholds, a preloaded allocator).
 */
export function mallocTuningBlocked(env: Readonly<Env>, platform: string): string | null {
  if (env.CHAINRULE_MALLOC === 'off' || env.CHAINRULE_MALLOC === '0') return 'CHAINRULE_MALLOC=off';
  if (platform !== 'linux') return `not Linux (${platform})`;
  if (/glibc\.malloc\.(mmap|trim)_threshold/.test(env.GLIBC_TUNABLES ?? ''))
    return 'GLIBC_TUNABLES sets a malloc threshold';
  for (const name of ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_'])
    if ((env[name] ?? '') !== '') return `${name} is set`;
  const preload = PRELOADED_MALLOC.exec(env.LD_PRELOAD ?? '');
  if (preload !== null) return `LD_PRELOAD replaces malloc (${preload[0]})`;
  return null;
}

/**
 * Sets glibc's mmap threshold to `mmapThreshold(longBytes)` and its trim threshold to twice that,
 * through `libc` (a library with `mallopt` and `gnu_get_libc_version`, i.e. glibc; musl has
 * neither). The mmap threshold goes first: glibc refuses one above its largest, and a refusal then
 * leaves everything as it was. Returns what was done, or why nothing was.
 */
export function tuneMalloc(load: () => ForeignLibrary, longBytes = 8): MallocTuning {
  let version: string;
  let mallopt: (param: number, value: number) => unknown;
  try {
    const libc = load();
    version = String(libc.func('const char *gnu_get_libc_version(void)')());
    mallopt = libc.func('int mallopt(int, int)');
  } catch (e) {
    return { reason: `no glibc (${(e as Error).message.split('\n')[0]})` };
  }
  const mmap = mmapThreshold(longBytes);
  if (mallopt(M_MMAP_THRESHOLD, mmap) !== 1) return { reason: `glibc ${version} refused an mmap threshold of ${mmap}` };
  if (mallopt(M_TRIM_THRESHOLD, 2 * mmap) !== 1) return { reason: `glibc ${version} refused a trim threshold` };
  const mib = (bytes: number) => `${bytes / 2 ** 20} MiB`;
  return { tuned: `glibc ${version}: mmap threshold ${mib(mmap)}, trim threshold ${mib(2 * mmap)}` };
}

/**
 * Tunes this process's malloc once, from Node's main thread (index.ts calls it at import): a second
 * copy of the package reports the first one's outcome, and a worker thread leaves malloc to the
 * main thread (the setting is the process's). `env` is the process's environment.
 */
export function tuneProcessMalloc(env: Readonly<Env>): MallocTuning {
  return mallocOutcome(() => decide(env))!;
}

function decide(env: Readonly<Env>): MallocTuning {
  const require = nodeRequire();
  if (require === null) return { reason: 'not in Node' };
  const blocked = mallocTuningBlocked(env, runtimePlatform());
  if (blocked !== null) return { reason: blocked };
  const versions = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process?.versions;
  if (versions?.bun !== undefined || versions?.electron !== undefined)
    return { reason: 'not Node itself (its typed arrays may not come from malloc)' };
  if (!(require('node:worker_threads') as { isMainThread: boolean }).isMainThread)
    return { reason: "in a worker thread (the main thread's import tunes the process)" };
  const koffi = loadKoffi(require);
  if ('reason' in koffi) return koffi;
  const arch = (globalThis as { process?: { arch?: string } }).process?.arch ?? '';
  return tuneMalloc(() => koffi.load(LIBC), ['ia32', 'arm', 'mips', 'mipsel', 'ppc'].includes(arch) ? 4 : 8);
}
