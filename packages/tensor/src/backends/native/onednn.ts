/**
 * oneDNN (Intel's deep-learning kernels, `apt install libdnnl2`) as the native library for float32
 * matmuls: its `dnnl_sgemm` picks JIT-generated kernels for the CPU it runs on (AVX-512 on this
 * machine's AMD cores, where BLIS has no kernel set of its own and OpenBLAS runs Haswell's). It has
 * no float64 gemm, so float64 products go to a second library (blas.ts). Its threads are OpenMP's
 * (libgomp), whose count is set per product like OpenBLAS's. Nothing here is reached in a browser.
 */
import { type Gemm, NO_TRANS, ROW_MAJOR } from './cblas.js';
import type { Env, ForeignLibrary, Koffi } from './ffi.js';
import { type BlasThreads, envThreads, threadControl } from './threads.js';

/** The libraries tried, in order, for oneDNN on Linux (version 3, then 2). */
export const ONEDNN_CANDIDATES: readonly string[] = ['libdnnl.so.3', 'libdnnl.so.2'];

/** The OpenMP runtime oneDNN's Linux packages are built with, as its loader knows it. */
const LIBGOMP = 'libgomp.so.1';

/**
 * m·n·k below which one oneDNN gemm runs on one thread. Measured here (2 cores, float32, AVX-512
 * kernels), one thread against two: 128×256×256 92 µs / 84, 32×512×1024 182 / 148, 128×256×784
 * 266 / 197, 512³ 1358 / 1016.
 */
export const ONEDNN_ONE_THREAD_WORK = 2 ** 23;

/** oneDNN's `dnnl_sgemm`, row-major: C ← alpha·op(A)·op(B) + beta·C. */
const SGEMM_SIGNATURE =
  'int dnnl_sgemm(char, char, int64_t, int64_t, int64_t, float, const float *, int64_t, ' +
  'const float *, int64_t, float, _Inout_ float *, int64_t)';

/** `dnnl_status_t`'s names, for the error a failed call raises. */
const STATUS: Readonly<Record<number, string>> = {
  1: 'out of memory',
  2: 'invalid arguments',
  3: 'unimplemented',
  5: 'runtime error',
};

/** `dnnl_cpu_isa_t`'s names (oneDNN 2.6's header) for the kernels `dnnl_get_effective_cpu_isa` reports. */
const ISA: Readonly<Record<number, string>> = {
  1: 'sse41',
  3: 'avx',
  7: 'avx2',
  15: 'avx512_mic',
  31: 'avx512_mic_4ops',
  1031: 'avx2_vnni',
  39: 'avx512_core',
  103: 'avx512_core_vnni',
  231: 'avx512_core_bf16',
  999: 'avx512_core_amx',
};

/** What oneDNN gives the native layer: its gemm, its threads where libgomp answers, its kernels. */
export interface Onednn {
  /** cblas's argument order, row-major and float32 only. */
  sgemm: Gemm;
  threads: BlasThreads | null;
  kernels: string | null;
}

/**
 * oneDNN's float32 gemm, threads and kernels where `lib` is oneDNN, else null (no `dnnl_sgemm`).
 * A call that oneDNN refuses raises an Error naming its status; C is then as it was.
 */
export function onednn(lib: ForeignLibrary, koffi: Koffi, procs: number, env: Env): Onednn | null {
  let raw: (...args: unknown[]) => unknown;
  try {
    raw = lib.func(SGEMM_SIGNATURE);
  } catch {
    return null;
  }
  const sgemm: Gemm = (order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    if (order !== ROW_MAJOR) throw new Error('oneDNN sgemm: only row-major products are supported');
    const ta = transA === NO_TRANS ? 78 : 84; // 'N' or 'T'
    const tb = transB === NO_TRANS ? 78 : 84;
    const status = Number(raw(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
    if (status !== 0) throw new Error(`oneDNN sgemm ${m}×${n}×${k}: ${STATUS[status] ?? `status ${status}`}`);
  };
  return { sgemm, threads: openmpThreads(koffi, procs, env), kernels: effectiveIsa(lib) };
}

/** OpenMP's per-product thread count (the calling thread's), or null where libgomp does not answer. */
function openmpThreads(koffi: Koffi, procs: number, env: Env): BlasThreads | null {
  try {
    const gomp = koffi.load(LIBGOMP);
    const get = gomp.func('int omp_get_max_threads()');
    const set = gomp.func('void omp_set_num_threads(int)');
    return threadControl(get, set, envThreads(['OMP_NUM_THREADS'], Math.max(1, procs), env), ONEDNN_ONE_THREAD_WORK);
  } catch {
    return null;
  }
}

/** The instruction set oneDNN's kernels use here (`avx512_core`...), or null where it does not say. */
function effectiveIsa(lib: ForeignLibrary): string | null {
  try {
    const isa = Number(lib.func('int dnnl_get_effective_cpu_isa()')());
    return ISA[isa] ?? `isa 0x${isa.toString(16)}`;
  } catch {
    return null;
  }
}
