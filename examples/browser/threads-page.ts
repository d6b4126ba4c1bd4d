/**
 * The threads part of the browser page (examples/browser/page.ts): a 256×256·256×256 float32
 * matmul on the wasm kernels with the page's default thread count (Web Workers when the page is
 * cross-origin isolated) and with one thread, compared bit for bit, and against the TypeScript
 * backend within the bound of packages/tensor/test/backend-agreement.test.ts. Reaches into the
 * backend's context to see whether the workers really ran, so it imports the tensor sources
 * directly (the bundle maps @chainrule/tensor to the same file, so there is one copy).
 */
import { jsBackend, matmul, type NDArray } from '../../packages/tensor/src/index.js';
import { WasmContext } from '../../packages/tensor/src/backends/wasm/context.js';
import { wasmMatmul } from '../../packages/tensor/src/backends/wasm/matmul.js';
import { WebThreadPool } from '../../packages/tensor/src/backends/wasm/web-pool.js';
import { fingerprint, matmulOperands } from './matmul-operands.js';

export interface ThreadsResult {
  /** Threads of a backend made with the default options (wasmThreads()). */
  threads: number;
  /** Whether the multi-threaded context drove Web Workers, and how many had started when timed. */
  webPool: boolean;
  runningWorkers: number;
  /** Chunks the workers computed in the threaded products (repeated until they computed some, at most 20 times). */
  workerChunks: number;
  /** The distinct fingerprints of those threaded products, and of the single-threaded one (see matmul-operands.ts). */
  fingerprintsThreaded: string[];
  fingerprintSingle: string;
  /** Fingerprint of matmul(a, b) on the backend the import chose. */
  fingerprintDefault: string;
  /** max over elements of |wasm − js| / (2·k·2^-24·Σp|a_ip·b_pj|): at most 1 within the bound. */
  worstErrorRatio: number;
  /**
   * Best of the timed rounds, per n, with the default threads and with one, and whether the last
   * products of the two were bit-identical (n = 512 grows the wasm memory the workers share).
   */
  timings: { n: number; msThreaded: number; msSingle: number; identical: boolean }[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function product(ctx: WasmContext, a: NDArray, b: NDArray): NDArray {
  const c = wasmMatmul(ctx, a, b, 'float32');
  if (c === undefined) throw new Error('wasmMatmul declined a 256×256 float32 product');
  return c;
}

function worstErrorRatio(a: NDArray, b: NDArray, got: NDArray): number {
  const k = a.shape[1]!;
  const want = jsBackend.matmul(a, b, 'float32').data;
  const abs = (x: NDArray): NDArray => jsBackend.unary('abs', x, x.dtype);
  const bound = jsBackend.matmul(abs(a), abs(b), 'float64').data;
  const scale = 2 * k * 2 ** -24;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const ratio = Math.abs(got.data[i]! - want[i]!) / (scale * bound[i]!);
    worst = Number.isNaN(ratio) ? Infinity : Math.max(worst, ratio);
  }
  return worst;
}

function bestMs(run: () => void, rounds: number): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export async function checkThreads(): Promise<ThreadsResult> {
  const threaded = new WasmContext();
  const single = new WasmContext({ threads: 1 });
  const [a, b] = matmulOperands(256);
  product(threaded, a, b); // starts the workers; they run once the page yields
  const pool = threaded.pool;
  const webPool = pool instanceof WebThreadPool;
  for (let i = 0; i < 100 && webPool && pool.runningWorkers < pool.threads - 1; i++) await sleep(20);
  const cSingle = product(single, a, b);
  const fingerprints = new Set<string>();
  let cThreaded = cSingle;
  const chunksBefore = webPool ? pool.workerChunks : 0;
  for (let run = 0; run < 20; run++) {
    cThreaded = product(threaded, a, b);
    fingerprints.add(fingerprint(cThreaded));
    if (!webPool || pool.workerChunks > chunksBefore) break;
    await sleep(5);
  }
  const workerChunks = webPool ? pool.workerChunks - chunksBefore : 0;
  const timings: ThreadsResult['timings'] = [];
  for (const n of [256, 512]) {
    const [x, y] = matmulOperands(n, 11);
    let msThreaded = Infinity,
      msSingle = Infinity;
    const last: NDArray[] = [];
    for (let round = 0; round < 4; round++) {
      msThreaded = Math.min(
        msThreaded,
        bestMs(() => {
          last[0] = product(threaded, x, y);
        }, 2),
      );
      msSingle = Math.min(
        msSingle,
        bestMs(() => {
          last[1] = product(single, x, y);
        }, 2),
      );
      await sleep(0);
    }
    timings.push({ n, msThreaded, msSingle, identical: fingerprint(last[0]!) === fingerprint(last[1]!) });
  }
  return {
    threads: threaded.threads,
    webPool,
    runningWorkers: webPool ? pool.runningWorkers : 0,
    workerChunks,
    fingerprintsThreaded: [...fingerprints],
    fingerprintSingle: fingerprint(cSingle),
    fingerprintDefault: fingerprint(matmul(a, b)),
    worstErrorRatio: worstErrorRatio(a, b, cThreaded),
    timings,
  };
}
