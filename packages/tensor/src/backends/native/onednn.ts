/**
 * oneDNN (Intel's deep-learning kernels, `apt install libdnnl2`) as the native library for float32
 * matmuls: its `dnnl_sgemm` picks JIT-generated kernels for the CPU it runs on (AVX-512 on this
 * machine's AMD cores, where BLIS has no kernel set of its own and OpenBLAS runs Haswell's). It has
 * no float64 gemm, so float64 products go to a second library (blas.ts). Where its threads are
 * OpenMP's (libgomp; Debian's build), their count is set per product like OpenBLAS's, on the
 * calling thread (OpenMP's count is each thread's own). Nothing here is reached in a browser.
 */
import { type Gemm, NO_TRANS, ROW_MAJOR } from './cblas.js';
import type { Env, ForeignLibrary, Koffi } from './ffi.js';
import { type SignalHold, heldCalls, signalHold } from './signals.js';
import { type BlasThreads, envThreads, threadControl } from './threads.js';

/** The libraries tried, in order, for oneDNN on Linux (version 3, then 2). */
export const ONEDNN_CANDIDATES: readonly string[] = ['libdnnl.so.3', 'libdnnl.so.2'];

/** The OpenMP runtime oneDNN's Linux packages are built with, as its loader knows it. */
export const LIBGOMP = 'libgomp.so.1';

/**
 * m·n·k below which one oneDNN gemm runs on one thread. Measured here (2 cores, float32, AVX-512
 * kernels), µs on one thread against two: below, 10×30×784 11 / 24, 64³ 11 / 17, 32×512×128 29 / 29,
 * 128×30×784 40 / 39; from 2²³ on, 128×256×256 92 / 84, 32×512×1024 182 / 148, 128×256×784
 * 266 / 197, 512³ 1358 / 1016. Compiled training steps moved by less than the noise between 2²² and 2²⁴.
 */
export const ONEDNN_ONE_THREAD_WORK = 2 ** 23;

/**
 * m·n·k from which a oneDNN product with B transposed (A·Bᵀ: a linear layer's x·Wᵀ) that its
 * matmul primitive does not take (onednn-matmul.ts's `primitiveTakes`; with oneDNN 3, none) runs as
 * two one-thread halves (split.ts) where its OpenMP threads are two. oneDNN's own two threads run A·Bᵀ
 * slower than A·B (512³: 906–962 µs against 730), the halves as fast as A·B (715–762 µs); below
 * 2²⁷ (512³) they lose where the helper thread has to be woken first (a sleeping thread takes
 * 50–100 µs to wake on this machine): 256×512×512 (2²⁶) took 840–950 µs in halves after a pause,
 * 430–520 on oneDNN's threads. A·B and Aᵀ·B gained nothing from halves.
 */
export const ONEDNN_SPLIT_MIN_WORK = 2 ** 27;

/**
 * koffi's declaration of oneDNN's `dnnl_sgemm` (row-major: C ← alpha·op(A)·op(B) + beta·C), with the
 * matrices as typed arrays (`array`) or as `uintptr_t` addresses (`address`, split.ts).
 */
export function dnnlSgemmSignature(matrices: 'array' | 'address'): string {
  const [a, c] = matrices === 'array' ? ['const float *', '_Inout_ float *'] : ['uintptr_t', 'uintptr_t'];
  const sizes = 'char, char, int64_t, int64_t, int64_t, float';
  return `int dnnl_sgemm(${sizes}, ${a}, int64_t, ${a}, int64_t, float, ${c}, int64_t)`;
}

/** Throws, naming the shape and the status, where a `dnnl_sgemm` call returned other than success (0). */
export function checkStatus(status: number, m: number, n: number, k: number): void {
  if (status !== 0) throw new Error(`oneDNN sgemm ${m}×${n}×${k}: ${statusName(status)}`);
}

/** A `dnnl_status_t` by its name (`invalid arguments`...), or `status N` where it has none here. */
export function statusName(status: number): string {
  return STATUS[status] ?? `status ${status}`;
}

/** oneDNN's transpose flag ('N' or 'T' as a char code) for cblas's. */
export function dnnlTrans(trans: number): number {
  return trans === NO_TRANS ? 78 : 84;
}

/** `dnnl_status_t`'s names, for the error a failed call raises. */
const STATUS: Readonly<Record<number, string>> = {
  1: 'out of memory',
  2: 'invalid arguments',
  3: 'unimplemented',
  5: 'runtime error',
};

/** `dnnl_cpu_isa_t`'s names shared by oneDNN 2 and 3, for the kernels `dnnl_get_effective_cpu_isa` reports. */
const ISA = new Map<number, string>([
  [0x1, 'sse41'],
  [0x3, 'avx'],
  [0x7, 'avx2'],
  [0x27, 'avx512_core'],
  [0x67, 'avx512_core_vnni'],
  [0xe7, 'avx512_core_bf16'],
]);

/** The names each major version gives its other values (version 3 renumbered them). */
const ISA_BY_MAJOR = new Map<number, ReadonlyMap<number, string>>([
  [
    2,
    new Map([
      [0xf, 'avx512_mic'],
      [0x1f, 'avx512_mic_4ops'],
      [0x1e7, 'avx512_core_fp16'],
      [0x3e7, 'avx512_core_amx'],
      [0x407, 'avx2_vnni'],
    ]),
  ],
  [
    3,
    new Map([
      [0xf, 'avx2_vnni'],
      [0x1f, 'avx2_vnni_2'],
      [0x1ef, 'avx512_core_fp16'],
      [0xfef, 'avx512_core_amx'],
      [0x1fef, 'avx512_core_amx_fp16'],
    ]),
  ],
]);

/** `DNNL_RUNTIME_OMP`: `dnnl_version()->cpu_runtime` of a build whose threads are OpenMP's. */
const RUNTIME_OMP = 2;

/**
 * `dnnl_version_t`'s fields, declared to koffi on first use as an anonymous struct (a named one would
 * clash with a second copy of this package sharing koffi).
 */
let versionType: unknown;

/** What oneDNN gives the native layer: its gemm, its threads where its OpenMP runtime answers, its kernels. */
export interface Onednn {
  /** cblas's argument order, row-major and float32 only. */
  sgemm: Gemm;
  threads: BlasThreads | null;
  kernels: string | null;
  /** The signal hold each call takes (signals.ts). */
  hold: SignalHold;
}

/** Why a oneDNN that cannot be called safely is not used (signals.ts). */
export const NO_HOLD = 'oneDNN runs only with signals held off (its issue #4845): no pthread_sigmask';

/**
 * oneDNN's float32 gemm, threads and kernels where `lib` is oneDNN, else null (no `dnnl_sgemm`).
 * Each call holds signals off on its thread (signals.ts); where that cannot be done, throws NO_HOLD.
 * A call that oneDNN refuses raises an Error naming its status. Its arguments are checked before
 * anything is written, and they are the same for every matrix of a batch, so a refused batch is
 * refused at its first matrix with C as it was.
 */
export function onednn(lib: ForeignLibrary, koffi: Koffi, procs: number, env: Env): Onednn | null {
  let raw: (...args: unknown[]) => unknown;
  try {
    raw = lib.func(dnnlSgemmSignature('array'));
  } catch {
    return null;
  }
  const held = signalHold(koffi, lib);
  if (held === null) throw new Error(NO_HOLD);
  const call = heldCalls(held, raw);
  const sgemm: Gemm = (order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    if (order !== ROW_MAJOR) throw new Error('oneDNN sgemm: only row-major products are supported');
    const status = Number(call(dnnlTrans(transA), dnnlTrans(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
    checkStatus(status, m, n, k);
  };
  const version = dnnlVersion(lib, koffi);
  // the thread count is OpenMP's only where oneDNN's threads are (not TBB, a threadpool or none)
  const threads = version?.cpuRuntime === RUNTIME_OMP ? openmpThreads(lib, koffi, procs, env) : null;
  // SIGPROF may open on this thread once no other thread running oneDNN can take it
  if (startThreadsBlocked(lib, held, threads)) held.openProfiler();
  return { sgemm, threads, kernels: effectiveIsa(lib, version?.major ?? null), hold: held };
}

/**
 * Starts OpenMP's threads (all `threads.max` of them, each running libc's `free(NULL)`) with every
 * asynchronous signal blocked, which they keep (signals.ts): true where they are up so, or where
 * there are none to start; false where the threads are not OpenMP's, where there may be more than
 * two (libgomp lets the threads a smaller team leaves out exit, and starts new ones for a larger
 * team later, in whatever mask the calling thread has then), or where this fails: SIGPROF then
 * stays blocked in every hold. Through oneDNN's handle: `GOMP_parallel` (libgomp's, also Intel's
 * libiomp5's) and `dlsym` for `free`'s address.
 */
function startThreadsBlocked(lib: ForeignLibrary, held: SignalHold, threads: BlasThreads | null): boolean {
  if (threads === null || threads.max > 2) return false;
  if (threads.max < 2) return true;
  try {
    const parallel = lib.func('void GOMP_parallel(uintptr_t, uintptr_t, unsigned int, unsigned int)');
    const free = lib.func('uintptr_t dlsym(uintptr_t, const char *)')(0, 'free') as number | bigint; // RTLD_DEFAULT
    if (BigInt(free) === 0n) return false;
    heldCalls(held, () => {
      threads.use(threads.max);
      parallel(free, 0, threads.max, 0);
    })();
    return true;
  } catch {
    return false;
  }
}

/** oneDNN's major version and CPU threading runtime (`dnnl_version()`), or null where it does not say. */
function dnnlVersion(lib: ForeignLibrary, koffi: Koffi): { major: number; cpuRuntime: number } | null {
  try {
    versionType ??= koffi.struct({
      major: 'int',
      minor: 'int',
      patch: 'int',
      hash: 'const char *',
      cpu_runtime: 'unsigned int',
      gpu_runtime: 'unsigned int',
    });
    const v = koffi.decode(lib.func('const void *dnnl_version()')(), versionType) as {
      major: number;
      cpu_runtime: number;
    };
    return { major: v.major, cpuRuntime: v.cpu_runtime };
  } catch {
    return null;
  }
}

/**
 * OpenMP's per-product thread count (the calling thread's), through the runtime oneDNN links (its
 * symbols looked up through oneDNN's own handle: libgomp, or Intel's libiomp5), else libgomp loaded
 * by name; null where neither answers.
 */
function openmpThreads(lib: ForeignLibrary, koffi: Koffi, procs: number, env: Env): BlasThreads | null {
  for (const runtime of [() => lib, () => koffi.load(LIBGOMP)]) {
    try {
      const omp = runtime();
      const get = omp.func('int omp_get_max_threads()');
      const set = omp.func('void omp_set_num_threads(int)');
      const max = envThreads(['OMP_NUM_THREADS'], Math.max(1, procs), env);
      return threadControl(get, set, max, ONEDNN_ONE_THREAD_WORK);
    } catch {}
  }
  return null;
}

/**
 * The instruction set oneDNN's kernels use here (`avx512_core`...), named as `major`'s header names
 * it (`isa_0x…` where no table knows it), or null where it does not say.
 */
function effectiveIsa(lib: ForeignLibrary, major: number | null): string | null {
  try {
    const isa = Number(lib.func('int dnnl_get_effective_cpu_isa()')());
    return ISA.get(isa) ?? ISA_BY_MAJOR.get(major ?? 0)?.get(isa) ?? `isa_0x${isa.toString(16)}`;
  } catch {
    return null;
  }
}
