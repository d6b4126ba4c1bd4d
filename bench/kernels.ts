// Kernel benchmarks: chainrule's TypeScript and WebAssembly backends against tfjs-cpu and tfjs-wasm,
// interleaved round by round, each implementation in its own child process (lib/processes.ts).
// Run through run.ts (npm run bench), or alone: npx tsx kernels.ts
import { type BenchSection, bestMeasured, machine, toMarkdown } from './lib/report.js';
import { type ChildCandidate, timeInProcesses } from './lib/processes.js';
import { ELEMENTWISE_CASES, MATMUL_CASES, MATMUL_LARGE } from './lib/kernel-cases.js';
import { BLIS_LIBRARY, blasNote, blisBlas, mallocNote, nativeBlas } from './lib/blas-probe.js';
import { bestTorch, peerCandidates, peerNotes } from './lib/peers.js';

const CHAINRULE = new URL('./lib/kernels-chainrule.ts', import.meta.url).href;
const TFJS = new URL('./lib/kernels-tfjs.ts', import.meta.url).href;

/**
 * The implementations of a row (five, seven for matmul), each built in its own process by `kind` (Matmul or
 * Elementwise) and case index.
 */
function candidates(kind: 'Matmul' | 'Elementwise', index: number): Record<string, ChildCandidate> {
  return {
    'chainrule js': { module: CHAINRULE, factory: `chainrule${kind}`, args: ['js', index] },
    'chainrule wasm 1T': { module: CHAINRULE, factory: `chainrule${kind}`, args: ['wasm 1T', index], env: PLAIN },
    'chainrule wasm 2T': { module: CHAINRULE, factory: `chainrule${kind}`, args: ['wasm 2T', index], env: PLAIN },
    ...(kind === 'Matmul'
      ? {
          'chainrule wasm FMA 1T': {
            module: CHAINRULE,
            factory: `chainrule${kind}`,
            args: ['wasm FMA 1T', index],
            nodeFlags: [RELAXED],
          },
          'chainrule wasm FMA 2T': {
            module: CHAINRULE,
            factory: `chainrule${kind}`,
            args: ['wasm FMA 2T', index],
            nodeFlags: [RELAXED],
          },
          ...(nativeBlas().library !== null
            ? {
                'chainrule BLAS': { module: CHAINRULE, factory: `chainrule${kind}`, args: ['BLAS', index], env: PLAIN },
              }
            : {}),
          ...(blisBlas() !== null
            ? {
                // BLIS as the process's only BLAS: loaded beside OpenBLAS, BLIS's own threads ran
                // 256³ at 9–26 GFLOP/s against 90 alone (the training column does the same)
                'chainrule BLIS': {
                  module: CHAINRULE,
                  factory: `chainrule${kind}`,
                  args: ['BLIS', index],
                  env: { ...PLAIN, CHAINRULE_BLAS: BLIS_LIBRARY },
                },
              }
            : {}),
        }
      : {}),
    'tfjs-cpu': { module: TFJS, factory: `tfjs${kind}`, args: ['cpu', index] },
    'tfjs-wasm': { module: TFJS, factory: `tfjs${kind}`, args: ['wasm', index] },
    ...(kind === 'Matmul' ? peerCandidates('matmul', [MATMUL_CASES[index]!.n, MATMUL_CASES[index]!.transB]) : {}),
  };
}

/** The matmul candidates of a row; from MATMUL_LARGE on, without the slow ones (minutes per call). */
function matmulCandidates(index: number): Record<string, ChildCandidate> {
  const all = candidates('Matmul', index);
  if (MATMUL_CASES[index]!.n < MATMUL_LARGE) return all;
  return Object.fromEntries(Object.entries(all).filter(([name]) => !SLOW.has(name)));
}

/** Left out of the rows from MATMUL_LARGE on. */
const SLOW = new Set(['chainrule js', 'chainrule wasm 1T', 'chainrule wasm FMA 1T', 'tfjs-cpu']);

const NAMES = ['chainrule js', 'chainrule wasm 1T', 'chainrule wasm 2T', 'tfjs-cpu', 'tfjs-wasm'];
/** The plain rows keep the SIMD128-only build even where the runtime would choose the relaxed one (Node 22+). */
const PLAIN = { CHAINRULE_WASM: 'simd' };
/** Node 20 accepts relaxed SIMD (f32x4.relaxed_madd: fused multiply-add) only behind this flag. */
const RELAXED = '--experimental-wasm-relaxed-simd';
const MATMUL_NAMES = [
  'chainrule js',
  'chainrule wasm 1T',
  'chainrule wasm 2T',
  'chainrule wasm FMA 1T',
  'chainrule wasm FMA 2T',
  'chainrule BLAS',
  'chainrule BLIS',
  'tfjs-cpu',
  'tfjs-wasm',
  'PyTorch',
  'JAX',
];

async function matmulSection(): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  for (const [index, { label, n }] of MATMUL_CASES.entries()) {
    const t = await timeInProcesses(matmulCandidates(index), {
      rounds: n >= MATMUL_LARGE ? 2 : n >= 1024 ? 3 : n >= 512 ? 5 : 7,
      targetMs: n >= 512 ? 150 : 60,
      warmup: n >= 1024 ? 1 : 2,
    });
    const seconds: Record<string, number | undefined> = { ...t, PyTorch: bestTorch(t).seconds };
    const g = (name: string): number => (2 * n ** 3) / (seconds[name] ?? Number.NaN) / 1e9;
    rows.push([
      label,
      ...MATMUL_NAMES.map(g),
      g('chainrule js') / g('tfjs-cpu'),
      g('chainrule wasm 1T') / g('tfjs-wasm'),
      g('chainrule wasm 2T') / g('tfjs-wasm'),
      g('chainrule wasm FMA 2T') / g('tfjs-wasm'),
      g('chainrule BLAS') / g('PyTorch'),
      bestMeasured(['chainrule BLAS', 'chainrule BLIS'].map(g)) / bestMeasured(['PyTorch', 'JAX'].map(g)),
    ]);
    console.log(`matmul ${label}: ${MATMUL_NAMES.map((k) => `${k} ${g(k).toFixed(2)}`).join(', ')} GFLOP/s`);
  }
  return {
    title: 'matmul float32, GFLOP/s (higher is better)',
    columns: [
      'N',
      ...MATMUL_NAMES,
      'js / tfjs-cpu',
      'wasm 1T / tfjs-wasm',
      'wasm 2T / tfjs-wasm',
      'wasm FMA 2T / tfjs-wasm',
      'BLAS / PyTorch',
      'best BLAS / best peer',
    ],
    rows,
    notes: [
      'C = A·B for N×N float32 matrices (A·Bᵀ: B is a transposed view, no copy), result read back (dataSync for tfjs).',
      'chainrule wasm includes copying the operands into wasm memory and the result out.',
      '2T: rows of C split between the main thread and one worker (bit-identical to 1T).',
      'wasm FMA: the relaxed-SIMD build (f32x4.relaxed_madd, one rounding per multiply-add), chosen ' +
        'automatically where the runtime accepts relaxed SIMD (Node 22+, Chrome 114+); ' +
        `Node 20 needs \`${RELAXED}\`, which these child processes are given. ` +
        'Without it Node 20 runs the plain SIMD build (the wasm 1T/2T columns).',
      'Each implementation runs in its own child process (one per implementation and row), ' +
        'timed round by round in turn.',
      `From N = ${MATMUL_LARGE} on, chainrule js, the 1-thread wasm columns and tfjs-cpu are left out (–): ` +
        'at 1–2 GFLOP/s one 4096 product takes over a minute.',
      `${blasNote()} The chainrule BLAS and BLIS columns are the wasm 2T backend with its matmul on that library, ` +
        'the only one its float32 products reach. ' +
        mallocNote(),
      'PyTorch: torch.matmul(A, B) (B.t() for A·Bᵀ), a new C per call; JAX: jax.jit of A @ B, ' +
        "block_until_ready; seeded operands in [-0.5, 0.5) from numpy (not the same bits as chainrule's).",
      ...peerNotes(),
    ],
  };
}

async function elementwiseSection(): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  for (const [index, label] of ELEMENTWISE_CASES.entries()) {
    const w = { label };
    const t = await timeInProcesses(candidates('Elementwise', index), { rounds: 7, targetMs: 60 });
    const ms = (name: string): number => t[name]! * 1000;
    rows.push([
      w.label,
      ...NAMES.map(ms),
      ms('tfjs-cpu') / ms('chainrule js'),
      ms('tfjs-wasm') / ms('chainrule wasm 1T'),
    ]);
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
