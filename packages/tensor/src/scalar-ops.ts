/**
 * The elementwise kernels' definitions on plain numbers: the one place their math is written, and
 * the one list of their names (the contract's `UnaryOp` and `BinaryOp` are these tables' keys).
 * The TypeScript backend maps them over arrays; autograd's scalar path applies them to 0-d tensors;
 * the wasm backend runs the ops it has kernels for and hands every other one to its fallback (the
 * TypeScript backend). Adding a line here adds an op to the kernels of every backend.
 */
import { erf, roundHalfEven, sigmoid, softplus } from './scalar-math.js';

type Fn1 = (x: number) => number;
type Fn2 = (a: number, b: number) => number;

const UNARY = {
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
  // biome-ignore lint/complexity/useMathMinMax: as Math.max(x, 0) (NaN, -0 too) but ~5% faster in the per-element loop
  relu: (x) => (x <= 0 ? 0 : x),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  softplus,
} satisfies Record<string, Fn1>;

const BINARY = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: Math.max,
  minimum: Math.min,
  atan2: Math.atan2,
} satisfies Record<string, Fn2>;

/** Each unary kernel on one number, computed in float64. Its keys are the `UnaryOp` names. */
export const SCALAR_UNARY: Readonly<Record<keyof typeof UNARY, Fn1>> = UNARY;

/** Each binary kernel on two numbers, computed in float64. Its keys are the `BinaryOp` names. */
export const SCALAR_BINARY: Readonly<Record<keyof typeof BINARY, Fn2>> = BINARY;

/** The kernels whose result is floating point whatever their inputs (ints and bools give float32). */
export const FLOAT_VALUED: ReadonlySet<keyof typeof UNARY | keyof typeof BINARY> = new Set([
  'exp',
  'log',
  'log1p',
  'expm1',
  'sqrt',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'erf',
  'softplus',
  'div',
  'atan2',
] as const);

/**
 * The activation-gradient kernel (g·f′ from the saved output or input) on one element, per float
 * dtype: each float32 step is rounded where the unfused chain of kernels stores one, so the fused
 * kernel and the chain agree to the bit. Its keys are the `ActivationGradOp` names.
 */
export const SCALAR_ACTIVATION_GRAD = {
  // d σ = σ(1 − σ), from the output y: the float32 chain stores 1 − y, then y·(1 − y)
  sigmoid: { float32: (g, y) => g * Math.fround(y * Math.fround(1 - y)), float64: (g, y) => g * (y * (1 - y)) },
  // d tanh = 1 − tanh², from the output y: the float32 chain stores y², then 1 − y²
  tanh: { float32: (g, y) => g * Math.fround(1 - Math.fround(y * y)), float64: (g, y) => g * (1 - y * y) },
  // d relu = [x > 0], from the input x: a multiply by 1 or 0, exact in either dtype
  relu: { float32: (g, x) => g * (x > 0 ? 1 : 0), float64: (g, x) => g * (x > 0 ? 1 : 0) },
} satisfies Record<string, { float32: Fn2; float64: Fn2 }>;
