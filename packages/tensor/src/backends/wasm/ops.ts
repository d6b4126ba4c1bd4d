import type { BinaryOp, ReduceOp, UnaryOp } from '../../backend.js';

// Op codes shared with the AssemblyScript kernels (assembly/elementwise.ts, assembly/reduce.ts).

/** Binary ops the wasm kernels implement, with their codes. */
export const BINARY_CODES: Partial<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
};

/** Unary ops the wasm kernels implement (bit-identical to the TypeScript backend), with their codes. */
export const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0,
  abs: 1,
  sqrt: 2,
  square: 3,
  relu: 4,
  reciprocal: 5,
  // assembly/unary-math.ts (see unary-math.ts: the transcendental ones are probed against Math.* first)
  exp: 6,
  log: 7,
  log1p: 8,
  expm1: 9,
  tanh: 10,
  sigmoid: 11,
  softplus: 12,
  erf: 13,
  sin: 14,
  cos: 15,
  sign: 16,
  floor: 17,
  ceil: 18,
  round: 19,
};

/** Reductions the wasm kernels implement, with their codes. */
export const REDUCE_CODES: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2, prod: 3 };
