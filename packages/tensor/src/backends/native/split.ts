/**
 * One native gemm on two threads: C's rows (or columns) cut in two, each half one single-threaded
 * gemm, the second run by a helper worker thread while the calling thread runs the first. BLIS 0.9
 * starts its threads on each call and cuts a product into pieces that wait on each other, so for
 * its medium products (`SPLIT_MIN_WORK` to `SPLIT_MAX_WORK`) this is the faster way to use two
 * threads. Measured here (2 cores, float32, `skx` kernels) against the commit before (one thread
 * below 2²⁶ multiply-adds, BLIS's own two from there on), each in its own child process,
 * interleaved: matmul 256³ 202 against 156 GFLOP/s (one thread before), 512³ 266 / 233 (BLIS's
 * threads before); the five products of a 784-256-256-10 training step at batch 128, 0.72–0.82 ms
 * against 0.95–1.17 on one thread. From 2²⁸ on BLIS's threads are as fast (`SPLIT_MAX_WORK`).
 * OpenBLAS keeps its threads up between calls and did better on its own (784-256-256-10: 110k
 * samples/s on its threads against 94k in halves; 1024³ 203 / 163), so it is left to them.
 * oneDNN's float32 gemm runs its large A·Bᵀ products here too where its matmul primitive does not
 * take them (`SplitDialect` 'dnnl'; onednn.ts's `ONEDNN_SPLIT_MIN_WORK` says which and why).
 *
 * The halves depend on the shape alone, never on whether the helper is up: until it is (it starts
 * on the first product that is split), and for good if it fails, the calling thread runs both. So
 * a product's bits never depend on timing. With BLIS's `skx` kernels (this machine's) and its
 * generic C kernels they are the bits of the whole gemm on one thread too (a test checks it);
 * other kernel sets (`haswell`, `zen3`) can run a half on another code path than the whole
 * (BLIS's small-matrix kernels, below about 200 rows), and then the bits differ from the uncut
 * product's, as they may between thread counts. The helper spins for a moment after each half
 * (gemms come in runs in a training step), then sleeps; the calling thread takes the second half
 * back if the helper has not taken it by the time the first is done. Nothing here is reached in a
 * browser.
 */
import { NO_TRANS, ROW_MAJOR, TRANS, gemmSignature } from './cblas.js';
import type { ForeignLibrary, Koffi, NodeRequire } from './ffi.js';
import { LIBC } from './ffi.js';
import { LIBGOMP, NO_HOLD, checkStatus, dnnlSgemmSignature, dnnlTrans } from './onednn.js';
import { BLOCKED_SIGNALS_SOURCE, heldCalls, signalHold } from './signals.js';

/**
 * m·n·k above which a product is split in two (smaller ones run on one thread). Split from 2²¹ on,
 * 128³ ran at 89 GFLOP/s against 119 whole, and the LSTM's 32×512×160 steps took 8% longer.
 */
export const SPLIT_MIN_WORK = 2 ** 22;

/**
 * m·n·k from which, on two threads, a product runs on BLIS's own threads again: from there their
 * start is small against the product, and they share the packed operands, which the halves each
 * pack again. In a process with BLIS alone (GFLOP/s, halves / BLIS's threads): 512³ 318 / 298,
 * 1024³ 311–327 / 310–327, 2048³ 288–296 / 296–316.
 */
export const SPLIT_MAX_WORK = 2 ** 28;

/** The fewest rows or columns of C either half gets. */
const MIN_HALF = 32;

/** Whether `gemmHalves` cuts a product with an m×n C (C's longer side has room for two halves). */
export function canCut(m: number, n: number): boolean {
  return Math.max(m, n) >= 2 * MIN_HALF;
}

/**
 * How long (ms) the helper spins for the next half after one, before it sleeps. 784-256-256-10
 * compiled training steps, samples/s, by spin: 0.02 ms 96.7k, 0.1 109.5k, 0.5 113.8k, 2 about 0.5's.
 */
const HELPER_SPIN_MS = 0.5;

/** One row-major `cblas_?gemm` on raw addresses: C ← op(A)·op(B) (alpha 1, beta 0). */
export interface GemmCall {
  transA: number;
  transB: number;
  m: number;
  n: number;
  k: number;
  a: number;
  lda: number;
  b: number;
  ldb: number;
  c: number;
  ldc: number;
}

/**
 * The two halves of `call`: C's columns where it has more columns than rows, else its rows, cut
 * at a multiple of 16; null where a half would have fewer than 32. Each element of C is the same
 * sum of products in the same order as in the whole call; only which call computes it changes.
 */
export function gemmHalves(call: GemmCall, elementBytes: number): [GemmCall, GemmCall] | null {
  if (!canCut(call.m, call.n)) return null;
  const byColumns = call.n > call.m;
  const size = byColumns ? call.n : call.m;
  const h = Math.floor(size / 32) * 16; // at least 32 and at most half: size − h ≥ 32 too
  if (byColumns) {
    const b = call.b + (call.transB === NO_TRANS ? h : h * call.ldb) * elementBytes;
    return [
      { ...call, n: h },
      { ...call, n: call.n - h, b, c: call.c + h * elementBytes },
    ];
  }
  const a = call.a + (call.transA === NO_TRANS ? h * call.lda : h) * elementBytes;
  return [
    { ...call, m: h },
    { ...call, m: call.m - h, a, c: call.c + h * call.ldc * elementBytes },
  ];
}

/** A gemm on raw addresses (`uintptr_t` where cblas takes pointers), in cblas's argument order. */
type AddressGemm = (...args: number[]) => unknown;

/**
 * Which gemm the halves call: cblas's `cblas_sgemm` and `cblas_dgemm`, or oneDNN's `dnnl_sgemm`
 * (float32 only; each half on one OpenMP thread).
 */
export type SplitDialect = 'cblas' | 'dnnl';

/** cblas's float32 and float64 gemms on addresses. */
function cblasAddressGemms(lib: ForeignLibrary): [AddressGemm, AddressGemm] {
  return [
    lib.func(gemmSignature('s', 'address')) as AddressGemm,
    lib.func(gemmSignature('d', 'address')) as AddressGemm,
  ];
}

/**
 * oneDNN's float32 gemm on addresses, called as cblas's, signals held off (signals.ts); a refused
 * call throws `Refused`.
 */
function dnnlAddressGemm(lib: ForeignLibrary, koffi: Koffi): AddressGemm {
  const raw = lib.func(dnnlSgemmSignature('address'));
  const held = signalHold(koffi, lib);
  if (held === null) throw new Error(NO_HOLD);
  const call = heldCalls(held, raw);
  return (_order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    const status = Number(call(dnnlTrans(ta!), dnnlTrans(tb!), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
    if (status !== 0) throw new Refused(status);
  };
}

/** A half oneDNN refused, with its status: `run` raises it naming the whole product's shape. */
class Refused {
  constructor(readonly status: number) {}
}

// Int32 control words shared with the helper: STATE holds the posted half's progress, READY is 1
// once the helper has loaded the library, HELPED counts the halves it ran (REFUSALS those oneDNN
// refused there); the half itself is in the Float64 words after them. A half oneDNN refuses (its
// status) comes back REFUSED, and the calling thread runs it again to raise that status; any other
// failure there gives the helper up (FAILED).
const STATE = 0,
  READY = 1,
  HELPED = 2,
  REFUSALS = 3,
  IDLE = 0,
  POSTED = 1,
  TAKEN = 2,
  DONE = 3,
  FAILED = 4,
  REFUSED = 5,
  PARAMS = 2; // in Float64 words: [f64, transA, transB, m, n, k, a, lda, b, ldb, c, ldc]

/** The helper's source (run with `eval: true`, CommonJS): claims posted halves forever. */
const HELPER_SOURCE = `${BLOCKED_SIGNALS_SOURCE}
const { workerData } = require('node:worker_threads');
const { koffi, library, sab, spinMs } = workerData;
const ctl = new Int32Array(sab, 0, 4);
const p = new Float64Array(sab, ${PARAMS * 8}, 12);
const koffiModule = require(koffi);
const lib = koffiModule.load(library);
let gemm;
if (workerData.dialect === 'dnnl') {
  blockSignalsForGood(koffiModule, lib); // this thread runs nothing but oneDNN's gemms (signals.ts)
  const raw = lib.func(workerData.sgemm);
  const t = (x) => (x === ${NO_TRANS} ? ${dnnlTrans(NO_TRANS)} : ${dnnlTrans(TRANS)});
  gemm = [(o, ta, tb, m, n, k, al, a, lda, b, ldb, be, c, ldc) => {
    if (raw(t(ta), t(tb), m, n, k, al, a, lda, b, ldb, be, c, ldc) !== 0) throw { refused: true };
  }];
  // each half on one OpenMP thread: this thread's count, through oneDNN's runtime or libgomp;
  // without it the halves would run on OpenMP's default count, so the helper gives up (its error)
  let one = false;
  for (const open of [() => lib, () => koffiModule.load(workerData.libgomp)]) {
    try {
      open().func('void omp_set_num_threads(int)')(1);
      one = true;
      break;
    } catch {}
  }
  if (!one) throw new Error('split helper: no OpenMP thread count to set');
} else gemm = [lib.func(workerData.sgemm), lib.func(workerData.dgemm)];
Atomics.store(ctl, ${READY}, 1);
for (;;) {
  let s = Atomics.load(ctl, ${STATE});
  if (s !== ${POSTED}) {
    const start = performance.now();
    for (let i = 0; s !== ${POSTED}; i++) {
      if ((i & 63) === 0 && performance.now() - start > spinMs) break;
      s = Atomics.load(ctl, ${STATE});
    }
    if (s !== ${POSTED}) Atomics.wait(ctl, ${STATE}, s);
    continue;
  }
  if (Atomics.compareExchange(ctl, ${STATE}, ${POSTED}, ${TAKEN}) !== ${POSTED}) continue;
  let outcome = ${DONE};
  try {
    gemm[p[0]](${ROW_MAJOR}, p[1], p[2], p[3], p[4], p[5], 1, p[6], p[7], p[8], p[9], 0, p[10], p[11]);
  } catch (e) {
    outcome = e !== null && typeof e === 'object' && e.refused === true ? ${REFUSED} : ${FAILED};
  }
  if (outcome === ${DONE}) Atomics.add(ctl, ${HELPED}, 1);
  if (outcome === ${REFUSED}) Atomics.add(ctl, ${REFUSALS}, 1);
  Atomics.store(ctl, ${STATE}, outcome);
  Atomics.notify(ctl, ${STATE});
}
`;

interface NodeWorker {
  unref(): void;
  on(event: 'error', listener: (error: unknown) => void): void;
}
type WorkerCtor = new (
  source: string,
  options: { eval: true; execArgv: string[]; workerData: Record<string, unknown> },
) => NodeWorker;

/** Runs gemms as two halves, on the helper thread and here (see the file comment). */
export interface SplitGemm {
  /** Which gemm the halves call. */
  readonly dialect: SplitDialect;
  /** Runs `call` on float64 (`f64`) or float32 data as `gemmHalves` cuts it; false where it does not cut. */
  run(call: GemmCall, f64: boolean): boolean;
  /** The address of a typed array's first element (what `GemmCall` takes). */
  address(view: Float32Array | Float64Array): number;
  /** Whether the helper thread takes halves now (false until it is up, and after it failed). */
  helping(): boolean;
  /** How many halves the helper thread has run. */
  helped(): number;
  /** How many halves oneDNN refused on the helper thread (each then raised here). */
  refusedThere(): number;
}

/**
 * Two-thread gemms on `library` (loaded by koffi, as the caller loaded it), or null where the
 * pieces are missing: worker threads, libc's memmove (for addresses), the library's gemm (cblas's,
 * or oneDNN's for `dialect` 'dnnl').
 */
export function createSplitGemm(
  require: NodeRequire,
  koffi: Koffi,
  library: string,
  dialect: SplitDialect = 'cblas',
): SplitGemm | null {
  let gemm: [AddressGemm, AddressGemm | null];
  let address: (view: Float32Array | Float64Array) => number;
  let Worker: WorkerCtor;
  let koffiPath: string;
  try {
    const lib = koffi.load(library);
    gemm = dialect === 'dnnl' ? [dnnlAddressGemm(lib, koffi), null] : cblasAddressGemms(lib);
    // memmove(p, p, 0) returns p: a typed array's address, with nothing moved
    const memmove = koffi.load(LIBC).func('uintptr_t memmove(void *, void *, size_t)');
    address = (view) => Number(memmove(view, view, 0));
    const wt = require('node:worker_threads') as { Worker?: WorkerCtor };
    if (wt.Worker === undefined) return null;
    Worker = wt.Worker;
    koffiPath = require.resolve('koffi');
  } catch {
    return null;
  }
  const sab = new SharedArrayBuffer((PARAMS + 12) * 8);
  const ctl = new Int32Array(sab, 0, 4);
  const params = new Float64Array(sab, PARAMS * 8, 12);
  let started = false;
  let broken = false;
  const start = (): void => {
    started = true;
    try {
      const helper = new Worker(HELPER_SOURCE, {
        eval: true,
        execArgv: [], // no loader hooks: the helper runs plain CommonJS
        workerData: {
          koffi: koffiPath,
          library,
          sab,
          spinMs: HELPER_SPIN_MS,
          dialect,
          libgomp: LIBGOMP,
          sgemm: dialect === 'dnnl' ? dnnlSgemmSignature('address') : gemmSignature('s', 'address'),
          dgemm: gemmSignature('d', 'address'),
        },
      });
      helper.on('error', () => {
        broken = true;
      });
      helper.unref();
    } catch {
      broken = true;
    }
  };
  const call = (g: GemmCall, f64: boolean): void => {
    (f64 ? gemm[1]! : gemm[0])(ROW_MAJOR, g.transA, g.transB, g.m, g.n, g.k, 1, g.a, g.lda, g.b, g.ldb, 0, g.c, g.ldc);
  };
  const helping = (): boolean => !broken && Atomics.load(ctl, READY) === 1;
  /**
   * Takes the posted half back, or waits until the helper has finished it (however long: a half
   * it took is a native call that will return, and until then it may write into C); its outcome.
   */
  const settle = (): number => {
    if (Atomics.compareExchange(ctl, STATE, POSTED, IDLE) === POSTED) return IDLE;
    let state = Atomics.load(ctl, STATE);
    for (let spins = 0; state === TAKEN; spins++) {
      if (spins > 1 << 16) Atomics.wait(ctl, STATE, TAKEN, 1000);
      state = Atomics.load(ctl, STATE);
    }
    Atomics.store(ctl, STATE, IDLE);
    if (state === FAILED) broken = true;
    return state;
  };
  return {
    dialect,
    address,
    helping,
    helped: () => Atomics.load(ctl, HELPED),
    refusedThere: () => Atomics.load(ctl, REFUSALS),
    run(whole, f64) {
      const halves = f64 && gemm[1] === null ? null : gemmHalves(whole, f64 ? 8 : 4);
      if (halves === null) return false;
      if (!started) start();
      try {
        runHalves(halves, f64);
      } catch (e) {
        if (e instanceof Refused) checkStatus(e.status, whole.m, whole.n, whole.k); // throws
        throw e;
      }
      return true;
    },
  };

  /** The two halves: the second posted to the helper while this thread runs the first. */
  function runHalves([first, second]: [GemmCall, GemmCall], f64: boolean): void {
    if (!helping()) {
      call(first, f64);
      call(second, f64);
      return;
    }
    params.set([f64 ? 1 : 0, second.transA, second.transB, second.m, second.n, second.k]);
    params.set([second.a, second.lda, second.b, second.ldb, second.c, second.ldc], 6);
    Atomics.store(ctl, STATE, POSTED);
    Atomics.notify(ctl, STATE, 1);
    let outcome: number;
    try {
      call(first, f64);
    } finally {
      // whatever happened here, the half is taken back or finished before C or the params change
      outcome = settle();
    }
    // taken back (the helper was asleep), or failed there: run it here
    if (outcome !== DONE) call(second, f64);
  }
}
