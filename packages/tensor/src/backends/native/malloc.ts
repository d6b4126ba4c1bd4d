/**
 * glibc's malloc, tuned for tensor buffers (Node on Linux, where the optional dependency `koffi`
 * loads). Node allocates each typed array's storage with calloc, and glibc serves a request over
 * its mmap threshold (128 KiB at start) with a mapping of its own, returned to the system when the
 * array is collected; its rule that raises the threshold after such a free does not take hold for
 * V8's buffers. So each result of 32,768 floats or more is faulted in page by page on first write:
 * on this project's machine, 0.1 to 2 ms per MiB depending on the kernel's state, where a 512×512
 * float32 matmul's gemm takes 1 ms. Raising the mmap threshold to glibc's largest (32 MiB) and the
 * trim threshold above it puts such buffers in malloc's heap, where freed ones are reused: 24 µs per
 * 1 MiB array. The cost is memory: up to the trim threshold of freed heap stays with the process.
 * `CHAINRULE_MALLOC=off` leaves malloc alone, as do thresholds the environment sets itself
 * (`GLIBC_TUNABLES`, `MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_`). `backendInfo().malloc`
 * says what was done.
 */

import type { ForeignLibrary } from './blis.js';

/** mallopt's parameters, from glibc's malloc.h. */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;

/** The mmap threshold set: glibc's largest on 64-bit platforms (4 MiB · sizeof(long)). */
export const MMAP_THRESHOLD = 32 * 2 ** 20;

/** The trim threshold set: twice the mmap threshold, where glibc's own rule would put it. */
export const TRIM_THRESHOLD = 2 * MMAP_THRESHOLD;

/** What the tuning did: a description, or the reason malloc was left alone. */
export type MallocTuning = { tuned: string } | { reason: string };

/** The environment's own malloc settings, which the tuning leaves in place. */
function ownSettings(env: Readonly<Record<string, string | undefined>>): string | null {
  const tunables = env.GLIBC_TUNABLES ?? '';
  if (/glibc\.malloc\.(mmap|trim)_threshold/.test(tunables)) return 'GLIBC_TUNABLES sets a malloc threshold';
  for (const name of ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_'])
    if ((env[name] ?? '') !== '') return `${name} is set`;
  return null;
}

/**
 * Whether to tune: null to go ahead, else why not (`CHAINRULE_MALLOC=off`, not Linux, the
 * environment's own thresholds).
 */
export function mallocTuningBlocked(
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string | null {
  if (env.CHAINRULE_MALLOC === 'off' || env.CHAINRULE_MALLOC === '0') return 'CHAINRULE_MALLOC=off';
  if (platform !== 'linux') return `not Linux (${platform})`;
  return ownSettings(env);
}

/**
 * Sets glibc's mmap and trim thresholds through `libc` (a library with `mallopt` and
 * `gnu_get_libc_version`, i.e. glibc; musl has neither). Returns what was done, or why nothing was.
 */
export function tuneMalloc(load: () => ForeignLibrary): MallocTuning {
  let libc: ForeignLibrary;
  let version: string;
  let mallopt: (param: number, value: number) => unknown;
  try {
    libc = load();
    version = String(libc.func('const char *gnu_get_libc_version(void)')());
    mallopt = libc.func('int mallopt(int, int)');
  } catch (e) {
    return { reason: `no glibc (${(e as Error).message.split('\n')[0]})` };
  }
  // were the second call refused, the mmap threshold would stay glibc's starting one
  if (mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) !== 1 || mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) !== 1)
    return { reason: `glibc ${version} refused mallopt` };
  const mib = (bytes: number) => `${bytes / 2 ** 20} MiB`;
  return { tuned: `glibc ${version}: mmap threshold ${mib(MMAP_THRESHOLD)}, trim threshold ${mib(TRIM_THRESHOLD)}` };
}
