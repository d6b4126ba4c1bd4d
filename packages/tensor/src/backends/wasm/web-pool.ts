import { CONTROL_BYTES, type WasmHeap } from './runtime.js';
import { DONE, GEN, GemmPoolBase, ThreadPool, runChunks, type GemmJob } from './pool.js';
import type { WasmModule } from './wasm-api.js';
import { webWorkerCores } from './web-env.js';

// Web Workers sharing the wasm memory, for the same gemm jobs as the Node pool (pool.ts): the same
// control words, the same chunks and the same runChunks, whose source text is the workers' script
// (a classic script from a Blob URL). Each worker is posted the compiled module and the shared
// memory, instantiates the kernels on it and then blocks in Atomics.wait for jobs. A page's main
// thread may not block, so after claiming chunks itself it spins on Atomics.load until the chunks
// the workers claimed are done. A worker that has not started yet (browsers start workers only once
// the page yields to its event loop) claims nothing, so a job never waits for it.

/** What the gemm code needs of a thread pool, in Node or in a browser. */
export interface GemmPool {
  /** Threads (the calling one included) the pool may use. */
  readonly threads: number;
  /** Whether every worker is still usable (else the caller computes alone, which stays correct). */
  readonly healthy: boolean;
  /** Chunks the workers (not the calling thread) have computed so far, over all jobs. */
  readonly workerChunks: number;
  /** Runs a gemm job on all threads; returns when every chunk is done, having called `onChunk` once per chunk. */
  run(job: GemmJob, onChunk?: (chunk: number) => void): void;
  /** Stops the workers for good (the pool's shared memory is then dropped; a later matmul starts a new pool). */
  close(): void;
}

/** The workers' script: runChunks, then a loop waiting for jobs. */
const WEB_WORKER_SOURCE = `'use strict';
const runChunks = ${runChunks.toString()};
self.onmessage = (event) => {
  self.onmessage = null;
  const { module, memory, id, gen } = event.data;
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ctrl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
  self.postMessage('started');
  let seen = gen;
  for (;;) {
    Atomics.wait(ctrl, ${GEN}, seen);
    seen = Atomics.load(ctrl, ${GEN});
    runChunks(kernels, ctrl, id);
  }
};
`;

interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: unknown) => void): void;
}
interface WebGlobals {
  Worker: new (url: string, options?: { name?: string }) => WebWorker;
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
  performance?: { now(): number };
}

/** How long the page waits for chunks that workers claimed before it gives up (ms). */
const STALL_MS = 60_000;

/** Starts and drives Web Workers; `threads` counts the page's own thread. */
export class WebThreadPool extends GemmPoolBase implements GemmPool {
  private running = 0;
  private readonly workers: WebWorker[] = [];

  constructor(heap: WasmHeap, threads: number, module: WasmModule) {
    const workers = heap.shared ? Math.max(0, threads - 1) : 0;
    super(heap, workers);
    if (workers === 0) return;
    const g = globalThis as unknown as WebGlobals;
    let url: string | undefined;
    let settled = 0;
    const settle = (): void => {
      if (++settled === workers && url !== undefined) g.URL.revokeObjectURL(url);
    };
    try {
      url = g.URL.createObjectURL(new g.Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
      for (let id = 1; id <= workers; id++) {
        const w = new g.Worker(url, { name: `chainrule-wasm-${id}` });
        w.addEventListener('message', () => {
          this.running++;
          settle();
        });
        w.addEventListener('error', () => {
          this.broken = true;
          settle();
        });
        w.addEventListener('messageerror', () => {
          this.broken = true;
          settle();
        });
        w.postMessage({ module, memory: heap.memory, id, gen: Atomics.load(this.ctrl, GEN) });
        this.workers.push(w);
      }
    } catch {
      // e.g. a Content-Security-Policy without worker-src blob:; the page computes alone
      this.broken = true;
    }
  }

  /** Stops the workers (for good: the pool is not used again). */
  close(): void {
    this.broken = true;
    for (const w of this.workers.splice(0)) w.terminate();
  }

  /** Workers that have instantiated the kernels and wait for jobs (they start once the page yields). */
  get runningWorkers(): number {
    return this.running;
  }

  /** The page's thread may not block: it spins on DONE, with a stall limit of a minute. */
  protected waitForProgress(seen: number): void {
    const c = this.ctrl;
    const clock = (globalThis as unknown as WebGlobals).performance ?? Date;
    let since = -1;
    for (let spins = 0; Atomics.load(c, DONE) === seen; spins++) {
      if ((spins & 0xffff) !== 0) continue;
      const now = clock.now();
      if (since < 0) since = now;
      else if (now - since > STALL_MS) throw new Error('chainrule wasm backend: web workers stopped responding');
    }
  }
}

/** The pool for this runtime: Web Workers in a cross-origin isolated page, else Node's worker_threads. */
export function startThreadPool(heap: WasmHeap, threads: number, module: WasmModule): GemmPool {
  return webWorkerCores() !== undefined
    ? new WebThreadPool(heap, threads, module)
    : new ThreadPool(heap, threads, module);
}
