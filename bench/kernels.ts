// Kernel benchmarks: chainrule's TypeScript and WebAssembly backends against tfjs-cpu and tfjs-wasm,
// measured in the same run, interleaved. Run through run.ts (npm run bench), or alone: npx tsx kernels.ts
import { NDArray, createWasmBackend, jsBackend, type Backend } from './lib/chainrule.js';
import { type BenchSection, machine, toMarkdown } from './lib/report.js';
import { type Candidate, timeInterleaved } from './lib/timing.js';
import { tf, useTfjs } from './lib/tfjs.js';

const wasm1 = createWasmBackend(jsBackend, { threads: 1 });
const wasm2 = createWasmBackend(jsBackend, { threads: 2 });

function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

type TfTensor = ReturnType<typeof tf.tensor>;

/** tfjs candidates: tensors made on each backend up front, the backend switched before each round. */
async function tfjsCandidates(make: () => TfTensor[], run: (xs: TfTensor[]) => TfTensor): Promise<Record<string, Candidate>> {
  const out: Record<string, Candidate> = {};
  for (const backend of ['cpu', 'wasm'] as const) {
    await useTfjs(backend);
    const xs = make();
    out[`tfjs-${backend}`] = {
      before: () => useTfjs(backend),
      fn: () => {
        const y = run(xs);
        y.dataSync();
        y.dispose();
      },
    };
  }
  return out;
}

function chainruleCandidates(run: (b: Backend) => NDArray): Record<string, Candidate> {
  return {
    'chainrule js': { fn: () => void run(jsBackend) },
    'chainrule wasm 1T': { fn: () => void run(wasm1) },
    'chainrule wasm 2T': { fn: () => void run(wasm2) },
  };
}

const NAMES = ['chainrule js', 'chainrule wasm 1T', 'chainrule wasm 2T', 'tfjs-cpu', 'tfjs-wasm'];

async function matmulSection(): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  const cases: { label: string; n: number; transB: boolean }[] = [
    ...[64, 128, 256, 512, 1024].map((n) => ({ label: `${n}`, n, transB: false })),
    { label: '512, A·Bᵀ', n: 512, transB: true },
  ];
  for (const { label, n, transB } of cases) {
    const ad = random(n * n, 1), bd = random(n * n, 2);
    const a = new NDArray(ad, [n, n]);
    const b = transB ? new NDArray(bd, [n, n]).transpose() : new NDArray(bd, [n, n]);
    const candidates = {
      ...chainruleCandidates((be) => be.matmul(a, b, 'float32')),
      ...(await tfjsCandidates(() => [tf.tensor2d(ad, [n, n]), tf.tensor2d(bd, [n, n])], ([x, y]) => tf.matMul(x!, y!, false, transB))),
    };
    const t = await timeInterleaved(candidates, { rounds: n >= 1024 ? 3 : n >= 512 ? 5 : 7, targetMs: n >= 512 ? 150 : 60, warmup: n >= 1024 ? 1 : 2 });
    const g = (name: string): number => (2 * n ** 3) / t[name]! / 1e9;
    rows.push([label, ...NAMES.map(g), g('chainrule js') / g('tfjs-cpu'), g('chainrule wasm 1T') / g('tfjs-wasm'), g('chainrule wasm 2T') / g('tfjs-wasm')]);
    console.log(`matmul ${label}: ${NAMES.map((k) => `${k} ${g(k).toFixed(2)}`).join(', ')} GFLOP/s`);
  }
  return {
    title: 'matmul float32, GFLOP/s (higher is better)',
    columns: ['N', ...NAMES, 'js / tfjs-cpu', 'wasm 1T / tfjs-wasm', 'wasm 2T / tfjs-wasm'],
    rows,
    notes: [
      'C = A·B for N×N float32 matrices (A·Bᵀ: B is a transposed view, no copy), result read back (dataSync for tfjs).',
      'chainrule wasm includes copying the operands into wasm memory and the result out.',
      '2T: rows of C split between the main thread and one worker (bit-identical to 1T).',
    ],
  };
}

async function elementwiseSection(): Promise<BenchSection> {
  const n = 1 << 20;
  const rows: (string | number)[][] = [];
  const xd = random(n, 3), yd = random(n, 4), bias = random(1024, 5);
  const x = new NDArray(xd, [n]), y = new NDArray(yd, [n]);
  const x2 = new NDArray(xd, [1024, 1024]), b2 = new NDArray(bias, [1024]).expand([1024, 1024]);
  const workloads: { label: string; cr: (be: Backend) => NDArray; tfMake: () => TfTensor[]; tfRun: (xs: TfTensor[]) => TfTensor }[] = [
    { label: 'add, 2²⁰ elements', cr: (be) => be.binary('add', x, y, 'float32'), tfMake: () => [tf.tensor1d(xd), tf.tensor1d(yd)], tfRun: ([p, q]) => tf.add(p!, q!) },
    { label: 'add bias row, 1024×1024 + 1024', cr: (be) => be.binary('add', x2, b2, 'float32'), tfMake: () => [tf.tensor2d(xd, [1024, 1024]), tf.tensor1d(bias)], tfRun: ([p, q]) => tf.add(p!, q!) },
    { label: 'relu, 2²⁰ elements', cr: (be) => be.unary('relu', x, 'float32'), tfMake: () => [tf.tensor1d(xd)], tfRun: ([p]) => tf.relu(p!) },
    { label: 'sum, 2²⁰ elements', cr: (be) => be.reduce('sum', x, [0], 'float32'), tfMake: () => [tf.tensor1d(xd)], tfRun: ([p]) => tf.sum(p!) },
    { label: 'sum over rows (bias grad), 1024×1024 → 1024', cr: (be) => be.reduce('sum', x2, [0], 'float32'), tfMake: () => [tf.tensor2d(xd, [1024, 1024])], tfRun: ([p]) => tf.sum(p!, 0) },
  ];
  for (const w of workloads) {
    const t = await timeInterleaved({ ...chainruleCandidates(w.cr), ...(await tfjsCandidates(w.tfMake, w.tfRun)) }, { rounds: 7, targetMs: 60 });
    const ms = (name: string): number => t[name]! * 1000;
    rows.push([w.label, ...NAMES.map(ms), ms('tfjs-cpu') / ms('chainrule js'), ms('tfjs-wasm') / ms('chainrule wasm 1T')]);
    console.log(`${w.label}: ${NAMES.map((k) => `${k} ${ms(k).toFixed(3)}`).join(', ')} ms`);
  }
  return {
    title: 'elementwise and reductions, float32, ms per call (lower is better)',
    columns: ['workload', ...NAMES, 'speed-up js vs tfjs-cpu', 'speed-up wasm 1T vs tfjs-wasm'],
    rows,
    notes: ['Each call allocates its result and reads it back (dataSync for tfjs).'],
  };
}

/** Runs the kernel benchmarks; returns their tables. */
export default async function kernels(): Promise<BenchSection[]> {
  return [await matmulSection(), await elementwiseSection()];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(machine());
  for (const s of await kernels()) console.log(`\n${toMarkdown(s)}`);
}
