// The scalar-chain benchmark's cases (scalar-chain.ts), as plain data both framework modules build
// from, each in its own child process (lib/processes.ts).

/** Ops per chain (the brief's size); each step of a chain is 2 or 3 ops. */
export const SCALAR_CHAIN_OPS = 10_000;

/** One row: a step repeated until the chain holds about SCALAR_CHAIN_OPS ops. */
export interface ScalarChainCase {
  readonly label: string;
  /** Ops per step. */
  readonly perStep: number;
}

/** The rows, by index (the framework modules implement each step). */
export const SCALAR_CHAIN_CASES: readonly ScalarChainCase[] = [
  { label: 'x = x·w + b', perStep: 2 },
  { label: 'x = tanh(x·w + b)', perStep: 3 },
];

/** Steps in the chain of SCALAR_CHAIN_CASES[index] (the nearest whole number of steps to SCALAR_CHAIN_OPS ops). */
export function stepsOf(index: number): number {
  return Math.round(SCALAR_CHAIN_OPS / SCALAR_CHAIN_CASES[index]!.perStep);
}
