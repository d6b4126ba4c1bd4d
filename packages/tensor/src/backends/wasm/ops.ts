import type { BinaryOp, ReduceOp, UnaryOp } from '../../backend.js';

// Op codes shared with the AssemblyScript kernels (assembly/elementwise.ts, assembly/reduce.ts).

/** Binary ops the wasm kernels implement, with their codes. */
export const BINARY_CODES: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };

/** Unary ops the wasm kernels implement (bit-identical to the TypeScript backend), with their codes. */
export const UNARY_CODES: Partial<Record<UnaryOp, number>> = { neg: 0, abs: 1, sqrt: 2, square: 3, relu: 4, reciprocal: 5 };

/** Reductions the wasm kernels implement, with their codes. */
export const REDUCE_CODES: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };
