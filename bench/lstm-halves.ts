// A probe, not part of `npm run bench`: what running the LSTM row's forward recurrence as two
// pipelined batch halves would save. While this thread runs one half's fused cell, a worker thread
// runs the other half's per-step gemm (h·W_hhᵀ, oneDNN's `dnnl_sgemm` on addresses in WebAssembly
// memory), so the gemms leave the critical path. Prints µs a call for the pieces and ms a 32-step
// forward, whole batch against halves, and whether the halves' h and c of every step have the whole
// batch's bits. The worker spins only while the halves run (it sleeps otherwise, leaving the second
// core free for the rest); like split.ts's helper, it runs oneDNN with every asynchronous signal
// blocked (native/signals.ts).
//
//   CHAINRULE_BLAS=on npx tsx bench/lstm-halves.ts
// (needs oneDNN built with GNU OpenMP, as Debian's: apt install libdnnl2)
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { NDArray, backendInfo, getBackend, residentMemory } from '@chainrule/tensor';
import { NO_TRANS } from '../packages/tensor/src/backends/native/cblas.js';
import { LIBC } from '../packages/tensor/src/backends/native/ffi.js';
import { LIBGOMP, dnnlSgemmSignature, dnnlTrans } from '../packages/tensor/src/backends/native/onednn.js';
import { BLOCKED_SIGNALS_SOURCE } from '../packages/tensor/src/backends/native/signals.js';

const STEPS = 32,
  BATCH = 32,
  HIDDEN = 128,
  GATES = 4 * HIDDEN,
  HALF = BATCH / 2;

const info = backendInfo();
if (info.blas === null || !info.blas.includes('dnnl')) {
  console.log(`lstm-halves: skipped, it needs oneDNN as the native BLAS (backend: ${JSON.stringify(info)})`);
  process.exit(0);
}
const be = getBackend();
const memory = residentMemory(be);
if (memory === undefined) throw new Error('lstm-halves: the backend has no resident memory');

// one cell call first: the heap's first use resets it, before any block is handed out
be.fusedLstmCell(
  new NDArray(new Float32Array(BATCH * GATES), [BATCH, GATES]),
  new NDArray(new Float32Array(BATCH * HIDDEN), [BATCH, HIDDEN]),
);
const shapes = {
  xGates: [STEPS, BATCH, GATES],
  weightT: [HIDDEN, GATES],
  bias: [GATES],
  state0: [BATCH, HIDDEN],
  whole: [STEPS, 7, BATCH, HIDDEN],
  product: [BATCH, GATES],
  halfA: [STEPS, 7, HALF, HIDDEN],
  halfB: [STEPS, 7, HALF, HIDDEN],
  productA: [HALF, GATES],
  productB: [HALF, GATES],
} satisfies Record<string, number[]>;
type Name = keyof typeof shapes;
const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const blocks = Object.entries(shapes).map(([name, s]) => [name, s, memory.allocate(4 * sizeOf(s))!] as const);
const arrays = {} as Record<Name, NDArray>;
for (const [index, [name, s, block]] of blocks.entries()) {
  const data = new Float32Array(block.buffer()!, block.byteOffset, sizeOf(s));
  for (let j = 0; j < data.length; j++) data[j] = 0.5 * Math.sin(0.37 * j + index);
  arrays[name as Name] = new NDArray(data, s);
}
const { xGates, weightT, bias, state0, whole: wholeOut, product, halfA, halfB, productA, productB } = arrays;

// the worker: dnnl_sgemm on one OpenMP thread, C ← A·B (row-major), posted through shared words
const require = createRequire(import.meta.url);
const koffi = require('koffi') as {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
};
const memmove = koffi.load(LIBC).func('uintptr_t memmove(void *, void *, size_t)');
// every array is a view of the one wasm memory: its address is the memory's plus its byte offset
const memoryAddress = Number(memmove(xGates.data, xGates.data, 0)) - xGates.data.byteOffset;
const address = (x: NDArray): number => memoryAddress + x.data.byteOffset + 4 * x.offset;
const shared = new SharedArrayBuffer(16 + 8 * 9);
const state = new Int32Array(shared, 0, 4);
const params = new Float64Array(shared, 16, 9);
const IDLE = 0,
  POSTED = 1,
  DONE = 2;
const N = dnnlTrans(NO_TRANS);
const source = `${BLOCKED_SIGNALS_SOURCE}
const { workerData } = require('node:worker_threads');
const koffi = require(workerData.koffi);
const lib = koffi.load('${info.blas}');
blockSignalsForGood(koffi, lib);
koffi.load('${LIBGOMP}').func('void omp_set_num_threads(int)')(1);
const gemm = lib.func('${dnnlSgemmSignature('address')}');
const state = new Int32Array(workerData.shared, 0, 4), p = new Float64Array(workerData.shared, 16, 9);
Atomics.store(state, 1, 1);
for (;;) {
  Atomics.wait(state, 2, 0); // asleep until the halves run (word 2 set to 1)
  while (Atomics.load(state, 0) !== ${POSTED}) if (Atomics.load(state, 2) === 0) break;
  if (Atomics.load(state, 0) !== ${POSTED}) continue;
  gemm(${N}, ${N}, p[0], p[1], p[2], 1, p[3], p[4], p[5], p[6], 0, p[7], p[8]);
  Atomics.store(state, 0, ${DONE});
}`;
const worker = new Worker(source, { eval: true, workerData: { shared, koffi: require.resolve('koffi') } });
worker.on('error', (e) => {
  console.error('lstm-halves: the worker failed', e);
  process.exit(1);
});
worker.unref();
while (Atomics.load(state, 1) !== 1) await new Promise((resolve) => setTimeout(resolve, 10));
/** Wakes the worker to spin for gemms (`on`), or lets it sleep. */
function spinning(on: boolean): void {
  Atomics.store(state, 2, on ? 1 : 0);
  if (on) Atomics.notify(state, 2);
}
/** Posts c ← h·W_hhᵀ for `rows` rows to the worker. */
function post(h: NDArray, c: NDArray, rows: number): void {
  params.set([rows, GATES, HIDDEN, address(h), HIDDEN, address(weightT), GATES, address(c), GATES]);
  Atomics.store(state, 0, POSTED);
}
/** Waits for the posted gemm (a worker that failed meanwhile ends the probe after 5 s). */
function wait(): void {
  const start = performance.now();
  for (let i = 1; Atomics.load(state, 0) !== DONE; i++)
    if ((i & 0xffff) === 0 && performance.now() - start > 5000) throw new Error('lstm-halves: the worker stopped');
  Atomics.store(state, 0, IDLE);
}

/** The forward as the sequence layer runs it: per step one gemm, then one fused cell. */
function wholeForward(): void {
  let h = state0,
    c = state0;
  for (let t = 0; t < STEPS; t++) {
    be.matmul(h, weightT, 'float32', product);
    const cell = be.fusedLstmCell(xGates.select(0, t), c, wholeOut.select(0, t), product, bias);
    h = cell.select(0, 0);
    c = cell.select(0, 1);
  }
}

/** The forward in halves: the worker runs one half's gemm while this thread runs the other half's cell. */
function halvesForward(): void {
  const rows = (t: number, k: number): NDArray => xGates.select(0, t).slice(0, k * HALF, (k + 1) * HALF);
  const first = state0.slice(0, 0, HALF),
    second = state0.slice(0, HALF, BATCH);
  let hA = first,
    cA = first,
    hB = second,
    cB = second;
  be.matmul(hA, weightT, 'float32', productA);
  post(hB, productB, HALF);
  for (let t = 0; t < STEPS; t++) {
    const a = be.fusedLstmCell(rows(t, 0), cA, halfA.select(0, t), productA, bias);
    hA = a.select(0, 0);
    cA = a.select(0, 1);
    wait(); // B's gemm for step t
    if (t + 1 < STEPS) post(hA, productA, HALF);
    const b = be.fusedLstmCell(rows(t, 1), cB, halfB.select(0, t), productB, bias);
    hB = b.select(0, 0);
    cB = b.select(0, 1);
    if (t + 1 < STEPS) {
      wait(); // A's gemm for step t + 1
      post(hB, productB, HALF);
    }
  }
}

/** Best µs a call of `f` over three rounds of `n` calls. */
function microseconds(f: () => void, n: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < n / 10; i++) f();
    const start = performance.now();
    for (let i = 0; i < n; i++) f();
    best = Math.min(best, ((performance.now() - start) / n) * 1000);
  }
  return best;
}

memory.withoutGrowth(() => {
  const rowsA = state0.slice(0, 0, HALF);
  const pieces: [string, () => void][] = [
    [`gemm ${BATCH}×${HIDDEN}×${GATES}, this thread`, () => be.matmul(state0, weightT, 'float32', product)],
    [`gemm ${HALF}×${HIDDEN}×${GATES}, this thread`, () => be.matmul(rowsA, weightT, 'float32', productA)],
    [
      `gemm ${HALF}×${HIDDEN}×${GATES}, posted to the worker and waited for`,
      () => {
        spinning(true);
        post(rowsA, productB, HALF);
        wait();
      },
    ],
    [
      `fused cell, ${BATCH} rows`,
      () => be.fusedLstmCell(xGates.select(0, 0), state0, wholeOut.select(0, 0), product, bias),
    ],
    [
      `fused cell, ${HALF} rows`,
      () => be.fusedLstmCell(xGates.select(0, 0).slice(0, 0, HALF), rowsA, halfA.select(0, 0), productA, bias),
    ],
  ];
  for (const [name, f] of pieces) {
    const us = microseconds(f, 2000);
    spinning(false);
    console.log(`${name}: ${us.toFixed(1)} µs`);
  }
  for (let round = 0; round < 3; round++) {
    const w = microseconds(wholeForward, 100) / 1000;
    spinning(true);
    const h = microseconds(halvesForward, 100) / 1000;
    spinning(false);
    console.log(`${STEPS}-step forward: whole batch ${w.toFixed(3)} ms, pipelined halves ${h.toFixed(3)} ms`);
  }
  // h and c of every step, bit for bit: row r of the whole batch against row r mod 16 of its half
  const bits = (x: NDArray): Uint32Array => new Uint32Array(x.data.buffer, x.data.byteOffset, x.data.length);
  const [whole, a, b] = [bits(wholeOut), bits(halfA), bits(halfB)];
  let differ = 0;
  for (let t = 0; t < STEPS; t++)
    for (let plane = 0; plane < 2; plane++)
      for (let r = 0; r < BATCH; r++)
        for (let j = 0; j < HIDDEN; j++) {
          const mine = (r < HALF ? a : b)[((t * 7 + plane) * HALF + (r % HALF)) * HIDDEN + j];
          if (mine !== whole[((t * 7 + plane) * BATCH + r) * HIDDEN + j]) differ++;
        }
  console.log(
    `h and c of all ${STEPS} steps: ${differ} of ${2 * STEPS * BATCH * HIDDEN} elements differ in their bits`,
  );
});
