import { CONTROL_BYTES, type WasmHeap } from './runtime.js';
import type { KernelExports } from './kernel-exports.js';
import type { WasmModule } from './wasm-api.js';
import { settleSignals } from '../native/info.js';
import { webWorkerCores } from './web-env.js';

// A pool of worker threads sharing the wasm memory, for splitting the rows of large matmuls.
//
// Protocol (Int32 control words at the start of the shared memory):
//   GEN    bumped (and notified) by the main thread for each job; workers wait on it.
//   NEXT   the next chunk to claim (Atomics.add); set to BLOCKED while a job is being described.
//   DONE   chunks finished; every finished chunk notifies it.
//   TOTAL  chunks in the job.
//   JOB+i  the job's parameters (see GemmJob), read after a successful claim; TABLE+3b its batch entries.
//   WORKER_CHUNKS  chunks computed by workers (not the calling thread), over all jobs.
//   ACTIVE chunk claimers inside runChunks; a new job is written only once it is 0, so a claimer
//          that took its ticket from the previous job never reads the new job's TOTAL.
//   FLAGS+c  1 once chunk c is finished (its rows of C are written), set before DONE is counted.
// The main thread claims chunks too, so a job completes even if no worker ever starts; it then waits
// (Atomics.wait, allowed on Node's main thread) for chunks claimed by workers. While it waits, and
// after each chunk of its own, it hands every finished chunk to the caller (which copies those rows
// of C out of wasm memory), so little of that copy is left once the last chunk is done. Each chunk is
// a range of C rows computed by the same kernel with the same per-element summation order, so the
// result is the same whichever thread computes which chunk, and however many threads there are.
//
// Web Workers in browsers: web-pool.ts (same protocol and runChunks; the page spins instead of waiting).

export const GEN = 0,
  NEXT = 1,
  DONE = 2,
  TOTAL = 3,
  WORKER_CHUNKS = 4,
  ACTIVE = 5,
  JOB = 8,
  TABLE = 32,
  FLAGS = 1024;
const BLOCKED = 1 << 30;

/** Chunks one job may have (one done flag each, after the batch table in the control words). */
export const MAX_JOB_CHUNKS = CONTROL_BYTES / 4 - FLAGS;

/**
 * A gemm job: C_b = A_b·B_b for each batch entry b (byte offsets of A_b, packed B_b and C_b),
 * split into chunks of `chunkRows` rows. Scratch for thread `id` is at scratch + id·scratchStride.
 */
export interface GemmJob {
  readonly f64: boolean;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly ars: number;
  readonly acs: number;
  readonly ldc: number;
  readonly chunkRows: number;
  readonly scratch: number;
  readonly scratchStride: number;
  /** [a, bp, c] byte offsets per batch entry; at most MAX_JOB_BATCH entries. */
  readonly table: readonly number[];
}

/** Batch entries one job can describe (the table lives in the control words). */
export const MAX_JOB_BATCH = 300;

/**
 * The worker's source (run with `eval: true`, CommonJS). It instantiates the kernels on the shared
 * memory and claims chunks forever; the process never waits for it (the worker is unref'd).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, id } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
${runChunks.toString()}
let seen = workerData.gen;
for (;;) {
  Atomics.wait(ctrl, ${GEN}, seen);
  seen = Atomics.load(ctrl, ${GEN});
  runChunks(ex, ctrl, id);
}
`;

/** The gemm entry points a chunk calls (the kernels' exports). */
type GemmExports = Pick<KernelExports, 'gemmRows_f32' | 'gemmRows_f64'>;

/**
 * Claims and computes chunks until none is left (`id` 0 is the calling thread, workers are 1, 2,
 * ...); the calling thread passes `afterChunk`, run after each chunk it computes. Self-contained
 * (its source text is also what the workers run), so it names the control slots by number:
 * NEXT 1, DONE 2, TOTAL 3, WORKER_CHUNKS 4, ACTIVE 5, JOB 8, TABLE 32, FLAGS 1024.
 */
export function runChunks(ex: GemmExports, ctrl: Int32Array, id: number, afterChunk?: () => void): void {
  Atomics.add(ctrl, 5, 1);
  try {
    for (;;) {
      const chunk = Atomics.add(ctrl, 1, 1);
      const total = Atomics.load(ctrl, 3);
      if (chunk >= total) return;
      const f64 = ctrl[8]! === 1;
      const m = ctrl[9]!,
        n = ctrl[10]!,
        k = ctrl[11]!,
        ars = ctrl[12]!,
        acs = ctrl[13]!,
        ldc = ctrl[14]!;
      const rowsPer = ctrl[15]!,
        perBatch = ctrl[16]!;
      const scratch = ctrl[17]! + id * ctrl[18]!;
      const batch = (chunk / perBatch) | 0;
      const i0 = (chunk - batch * perBatch) * rowsPer;
      const i1 = Math.min(m, i0 + rowsPer);
      const t = 32 + 3 * batch;
      const a = ctrl[t]!,
        bp = ctrl[t + 1]!,
        c = ctrl[t + 2]!;
      if (f64) ex.gemmRows_f64(i0, i1, n, k, a, ars, acs, bp, c, ldc, scratch);
      else ex.gemmRows_f32(i0, i1, n, k, a, ars, acs, bp, c, ldc, scratch);
      if (id !== 0) Atomics.add(ctrl, 4, 1); // counted before the flag, so it is current once run returns
      Atomics.store(ctrl, 1024 + chunk, 1);
      Atomics.add(ctrl, 2, 1);
      Atomics.notify(ctrl, 2);
      if (afterChunk !== undefined) afterChunk();
    }
  } finally {
    Atomics.sub(ctrl, 5, 1);
  }
}

interface NodeWorker {
  unref(): void;
  terminate(): unknown;
  on(event: 'error' | 'exit', listener: (arg: unknown) => void): void;
}
type WorkerCtor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

/** worker_threads and the core count when running in Node (without a static import, so browsers load this file too). */
function nodeWorkers(): { Worker: WorkerCtor; cores: number } | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const get = proc?.getBuiltinModule;
  if (typeof get !== 'function') return undefined;
  const wt = get('node:worker_threads') as { Worker?: WorkerCtor; isMainThread?: boolean } | undefined;
  // Only the main thread blocks in Atomics.wait for workers it owns; nested pools are not started.
  const os = get('node:os') as { availableParallelism?: () => number; cpus: () => unknown[] } | undefined;
  if (wt?.Worker === undefined || os === undefined || wt.isMainThread !== true) return undefined;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return { Worker: wt.Worker, cores };
}

/**
 * The most threads (main included) this runtime can use for one kernel
 * (Node's cores, a cross-origin isolated page's, else 1).
 */
export function maxThreads(): number {
  return nodeWorkers()?.cores ?? webWorkerCores() ?? 1;
}

/** Blocks claims (between jobs: a late worker then finds no chunk). */
export function blockClaims(c: Int32Array): void {
  Atomics.store(c, NEXT, BLOCKED);
}

/**
 * Waits (spinning: the window is a late claimer's few instructions between its ticket and its
 * exit) until no thread is inside runChunks, so none of them can mix the old job with the new.
 */
function waitUntilNoClaimer(c: Int32Array): void {
  const started = Date.now();
  for (let spins = 0; Atomics.load(c, ACTIVE) !== 0; spins++) {
    if ((spins & 0xffff) === 0 && Date.now() - started > 60_000)
      throw new Error('chainrule wasm backend: a worker thread never left its last job');
  }
}

/**
 * Writes a gemm job into the control words while claims are blocked (so no thread reads a
 * half-written job), opens it and wakes the workers. Returns the number of chunks.
 */
export function startJob(c: Int32Array, job: GemmJob): number {
  const batch = job.table.length / 3;
  const perBatch = Math.ceil(job.m / job.chunkRows);
  const total = batch * perBatch;
  if (batch > MAX_JOB_BATCH) throw new Error('ThreadPool.run: too many batch entries in one job');
  if (total > MAX_JOB_CHUNKS) throw new Error('ThreadPool.run: too many chunks in one job');
  blockClaims(c);
  waitUntilNoClaimer(c);
  c.fill(0, FLAGS, FLAGS + total);
  const params = [
    job.f64 ? 1 : 0,
    job.m,
    job.n,
    job.k,
    job.ars,
    job.acs,
    job.ldc,
    job.chunkRows,
    perBatch,
    job.scratch,
    job.scratchStride,
  ];
  for (let i = 0; i < params.length; i++) c[JOB + i] = params[i]!;
  for (let i = 0; i < job.table.length; i++) c[TABLE + i] = job.table[i]!;
  Atomics.store(c, TOTAL, total);
  Atomics.store(c, DONE, 0);
  Atomics.store(c, NEXT, 0);
  Atomics.add(c, GEN, 1);
  Atomics.notify(c, GEN);
  return total;
}

/**
 * What the Node and the browser pools share: the control words, the health flag and `run`, which
 * writes the job, computes chunks on the calling thread, then waits (as the runtime allows) for
 * the chunks the workers claimed.
 */
export abstract class GemmPoolBase {
  readonly threads: number;
  protected readonly ctrl: Int32Array;
  protected broken = false;

  constructor(
    protected readonly heap: WasmHeap,
    workers: number,
  ) {
    this.ctrl = heap.controlWords();
    this.threads = workers + 1;
    blockClaims(this.ctrl);
  }

  /** Whether every worker is still usable (else the calling thread does all the work, which stays correct). */
  get healthy(): boolean {
    return !this.broken;
  }

  /** Chunks the workers (not the calling thread) have computed so far, over all jobs. */
  get workerChunks(): number {
    return Atomics.load(this.ctrl, WORKER_CHUNKS);
  }

  /**
   * Runs a gemm job on all threads and returns when every chunk is done. The job is written while
   * claims are blocked, so no thread reads a half-written job. `onChunk(c)` is called on this
   * thread once for each finished chunk c (in any order, some while other threads still compute),
   * at the latest before `run` returns.
   */
  run(job: GemmJob, onChunk?: (chunk: number) => void): void {
    const c = this.ctrl;
    const total = startJob(c, job);
    let handed = 0,
      first = 0;
    const handOver = (): void => {
      for (let i = first; i < total; i++) {
        if (Atomics.load(c, FLAGS + i) !== 1) continue;
        c[FLAGS + i] = 2; // handed over (only this thread reads it again)
        handed++;
        if (onChunk !== undefined) onChunk(i);
      }
      while (first < total && c[FLAGS + first] === 2) first++;
    };
    try {
      runChunks(this.heap.exports, c, 0, handOver);
      for (let done = Atomics.load(c, DONE); ; done = Atomics.load(c, DONE)) {
        handOver();
        if (handed === total) break;
        if (done === Atomics.load(c, DONE)) this.waitForProgress(done);
      }
    } finally {
      // also after a stall or a throwing onChunk: no thread may claim a chunk of this job any more
      blockClaims(c);
    }
  }

  /** Returns once DONE differs from `seen` (another chunk finished), or throws after a long stall. */
  protected abstract waitForProgress(seen: number): void;
}

/** Starts and drives Node worker threads; `threads` counts the main thread. */
export class ThreadPool extends GemmPoolBase {
  private readonly workers: NodeWorker[] = [];

  constructor(heap: WasmHeap, threads: number, module: WasmModule) {
    const node = nodeWorkers();
    const workers = node === undefined || !heap.shared ? 0 : Math.max(0, threads - 1);
    super(heap, workers);
    if (workers > 0) settleSignals(); // a lingering oneDNN mask would stay blocked in the workers for good
    for (let id = 1; id <= workers; id++) {
      const w = new node!.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory: heap.memory, id, gen: Atomics.load(this.ctrl, GEN) },
      });
      w.on('error', () => {
        this.broken = true;
      });
      w.unref();
      this.workers.push(w);
    }
  }

  /** Stops the workers (for good: the pool is not used again). */
  close(): void {
    this.broken = true;
    for (const w of this.workers.splice(0)) void w.terminate();
  }

  /** Atomics.wait (allowed on Node's main thread), with a stall limit of a minute. */
  protected waitForProgress(seen: number): void {
    for (let waited = 0; Atomics.wait(this.ctrl, DONE, seen, 1000) === 'timed-out'; ) {
      if (++waited > 60) throw new Error('chainrule wasm backend: worker threads stopped responding');
    }
  }
}
