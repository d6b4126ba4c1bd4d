/**
 * The elementwise kernels' definitions on plain numbers: the one place their math is written.
 * The TypeScript backend maps them over arrays; autograd's scalar path applies them to 0-d tensors.
 */
import type { BinaryOp, UnaryOp } from '../../backend.js';
import { erf, roundHalfEven, sigmoid, softplus } from './scalar-math.js';

/** Each unary kernel on one number, computed in float64. */
export const SCALAR_UNARY: Readonly<Record<UnaryOp, (x: number) => number>> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => (x <= 0 ? 0 : x),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  softplus,
};

/** Each binary kernel on two numbers, computed in float64. */
export const SCALAR_BINARY: Readonly<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: Math.max,
  minimum: Math.min,
};
