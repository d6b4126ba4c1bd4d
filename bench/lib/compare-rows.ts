// The rows of `npm run bench` in which chainrule is timed, as bench/compare.ts times them against
// another checkout: one chainrule candidate per row, with the module, factory, arguments, child
// flags and timing options the bench files give it (kernels.ts, training.ts, scalar-chain.ts).
// Those files keep their candidate lists private, so the choices are restated here: when a bench
// file changes a variant or its rounds/warm-up, change the matching lines below.
import { ELEMENTWISE_CASES, MATMUL_CASES, MATMUL_LARGE } from './kernel-cases.js';
import { SCALAR_CHAIN_CASES, stepsOf } from './scalar-chain-cases.js';

/** The options timeInProcesses (lib/processes.ts) takes. */
export interface TimingOptions {
  readonly rounds: number;
  readonly targetMs: number;
  readonly warmup?: number;
  readonly warmupMs?: number;
}

/** One chainrule row of the bench. */
export interface CompareRow {
  /** The bench table it belongs to (matmul, elementwise, training, scalar chain). */
  readonly section: string;
  /** The row, as `<table row> · <column>`. */
  readonly name: string;
  /** The candidate module, relative to a checkout's root (the same path in both checkouts). */
  readonly module: string;
  readonly factory: string;
  readonly args: readonly unknown[];
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeFlags?: readonly string[];
  readonly options: TimingOptions;
  /** The bench's unit for this row, and the figure it reports from seconds per call. */
  readonly unit: string;
  readonly value: (seconds: number) => number;
}

const KERNELS = 'bench/lib/kernels-chainrule.ts';
const TRAINING = 'bench/lib/training-chainrule.ts';
const SCALAR_CHAIN = 'bench/lib/scalar-chain-chainrule.ts';
/** kernels.ts: the plain rows keep the SIMD128-only build even where the runtime would choose the relaxed one. */
const PLAIN = { CHAINRULE_WASM: 'simd' };
/** kernels.ts / training.ts: Node 20 accepts relaxed SIMD (the FMA kernels) only behind this flag. */
const RELAXED = '--experimental-wasm-relaxed-simd';

type Variant = Pick<CompareRow, 'env' | 'nodeFlags'> & { readonly backend: string };
/** kernels.ts's chainrule columns: every table has the first three, matmul also the FMA two. */
const KERNEL_VARIANTS: readonly Variant[] = [
  { backend: 'js' },
  { backend: 'wasm 1T', env: PLAIN },
  { backend: 'wasm 2T', env: PLAIN },
];
const FMA_VARIANTS: readonly Variant[] = [
  { backend: 'wasm FMA 1T', nodeFlags: [RELAXED] },
  { backend: 'wasm FMA 2T', nodeFlags: [RELAXED] },
];

function matmulRows(): CompareRow[] {
  return MATMUL_CASES.flatMap(({ label, n }, index) =>
    // kernels.ts leaves the 1-thread and js columns out of the largest rows
    [...KERNEL_VARIANTS, ...FMA_VARIANTS]
      .filter((v) => n < MATMUL_LARGE || v.backend.endsWith('2T'))
      .map(
        (v): CompareRow => ({
          section: 'matmul',
          name: `matmul ${label} · chainrule ${v.backend}`,
          module: KERNELS,
          factory: 'chainruleMatmul',
          args: [v.backend, index],
          ...(v.env === undefined ? {} : { env: v.env }),
          ...(v.nodeFlags === undefined ? {} : { nodeFlags: v.nodeFlags }),
          // kernels.ts matmulSection
          options: {
            rounds: n >= MATMUL_LARGE ? 2 : n >= 1024 ? 3 : n >= 512 ? 5 : 7,
            targetMs: n >= 512 ? 150 : 60,
            warmup: n >= 1024 ? 1 : 2,
          },
          unit: 'GFLOP/s',
          value: (s) => (2 * n ** 3) / s / 1e9,
        }),
      ),
  );
}

function elementwiseRows(): CompareRow[] {
  return ELEMENTWISE_CASES.flatMap((label, index) =>
    KERNEL_VARIANTS.map(
      (v): CompareRow => ({
        section: 'elementwise',
        name: `${label} · chainrule ${v.backend}`,
        module: KERNELS,
        factory: 'chainruleElementwise',
        args: [v.backend, index],
        ...(v.env === undefined ? {} : { env: v.env }),
        // kernels.ts elementwiseSection
        options: { rounds: 7, targetMs: 60 },
        unit: 'ms',
        value: (s) => s * 1000,
      }),
    ),
  );
}

/**
 * training-data.ts loads @chainrule/nn and the CLI's MNIST loader (built dist/): imported only when needed, after
 * any --build.
 */
async function trainingRows(): Promise<CompareRow[]> {
  const { WORKLOADS } = await import('./training-data.js');
  return WORKLOADS.flatMap((w, index) =>
    [false, true].map(
      (fused): CompareRow => ({
        section: 'training',
        name: `${w.label} · chainrule${fused ? ' FMA' : ''}`,
        module: TRAINING,
        factory: 'chainruleTraining',
        args: [index, fused, false],
        ...(fused
          ? { nodeFlags: [RELAXED], env: { CHAINRULE_BLAS: 'off' } }
          : { env: { CHAINRULE_WASM: 'simd', CHAINRULE_BLAS: 'off' } }),
        // training.ts
        options: { rounds: 5, targetMs: 200, warmup: 3, warmupMs: 2000 },
        unit: 'samples/s',
        value: (s) => w.batch / s,
      }),
    ),
  );
}

function scalarChainRows(): CompareRow[] {
  return SCALAR_CHAIN_CASES.map(
    (chain, index): CompareRow => ({
      section: 'scalar chain',
      name: `scalar chain ${chain.label} · chainrule`,
      module: SCALAR_CHAIN,
      factory: 'chainruleScalarChain',
      args: [index],
      // scalar-chain.ts
      options: { rounds: 5, targetMs: 150, warmup: 2 },
      unit: 'µs/op',
      value: (s) => (s * 1e6) / (stepsOf(index) * chain.perStep),
    }),
  );
}

/** Every chainrule row of `npm run bench`, in the order of RESULTS.md (kernels, scalar chain, training). */
export async function compareRows(): Promise<CompareRow[]> {
  return [...matmulRows(), ...elementwiseRows(), ...scalarChainRows(), ...(await trainingRows())];
}

/** `--quick`: fewer rounds (half, at least 2), the same warm-up. */
export function quickOptions(o: TimingOptions): TimingOptions {
  return { ...o, rounds: Math.max(2, Math.ceil(o.rounds / 2)) };
}
