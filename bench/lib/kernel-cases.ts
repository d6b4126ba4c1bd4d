// The kernel benchmark's cases (kernels.ts), as plain data both framework modules build from, each
// in its own child process (lib/processes.ts).

/** Deterministic pseudo-random float32 values in [-0.5, 0.5). */
export function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** One matmul row: C = A·B (or A·Bᵀ with B a transposed view) for N×N float32 matrices. */
export interface MatmulCase {
  readonly label: string;
  readonly n: number;
  readonly transB: boolean;
}

/** From this N on, a row skips the slow implementations (chainrule js, the 1-thread wasm ones, tfjs-cpu). */
export const MATMUL_LARGE = 2048;

export const MATMUL_CASES: readonly MatmulCase[] = [
  ...[64, 128, 256, 512, 1024].map((n) => ({ label: `${n}`, n, transB: false })),
  { label: '512, A·Bᵀ', n: 512, transB: true },
  // after the transposed row, so that the indices of the rows before stay those of older checkouts (compare.ts)
  ...[2048, 4096].map((n) => ({ label: `${n}`, n, transB: false })),
];

/** The elementwise and reduction rows, by label (the framework modules implement each). */
export const ELEMENTWISE_CASES = [
  'add, 2²⁰ elements',
  'add bias row, 1024×1024 + 1024',
  'relu, 2²⁰ elements',
  'exp, 2²⁰ elements',
  'sigmoid, 2²⁰ elements',
  'tanh, 2²⁰ elements',
  'sum, 2²⁰ elements',
  'sum over rows (bias grad), 1024×1024 → 1024',
  'argmax along rows, 1024×1024 → 1024',
] as const;

/** The inputs every implementation gets. */
export const ELEMENTWISE_N = 1 << 20;
export const elementwiseInputs = (): { xd: Float32Array; yd: Float32Array; bias: Float32Array } => ({
  xd: random(ELEMENTWISE_N, 3),
  yd: random(ELEMENTWISE_N, 4),
  bias: random(1024, 5),
});
