/**
 * Unary elementwise ops. Each differentiable record gives its kernel, the values its rule reads,
 * its rule (on tensors, and on numbers for the scalar path where the fast path needs it) and its
 * formula; the public functions below run them.
 */
import * as T from '@chainrule/tensor';
import { type UnaryOp, isFloat } from '@chainrule/tensor';
import type { OpRecord, Tensor } from '../../tensor.js';
import { apply, applyScalar } from '../apply.js';
import { fusedActivationGrad } from '../fused-grads.js';
import { NONE as NO_PARAMS, type None, elementwiseMeta, noGradRecord, op, records, unaryRecord } from '../records.js';
import { add, ge, gt, le, mul, div, sub } from './binary.js';
import { floatInput } from '../coerce.js';
import { checkOperand } from '../operands.js';

/** The parameters of the ops that take none (held here: the hot scalar path reads it per op). */
const NONE: None = NO_PARAMS;

const unaryFormula = (out: string, d: string) => ({ kind: 'elementwise', args: ['x'], out, d: [d] }) as const;
const rounding = (kernel: UnaryOp) =>
  noGradRecord<None>(elementwiseMeta(kernel), (inputs) => T[kernel](inputs[0]!), {
    kind: 'none',
    show: (c) => `${kernel}(${c.inputs[0]})`,
  });

export const UNARY_OPS = records({
  // d(-x) = -1
  neg: unaryRecord('neg', {
    uses: 'none',
    vjp: (g) => [neg(g)],
    scalarGrad: (g) => -g,
    formula: unaryFormula('-x', '-1'),
  }),
  // d|x| = sign(x), 0 at 0
  abs: unaryRecord('abs', {
    uses: 'inputs',
    vjp: (g, { inputs: [x] }) => [mul(g, sign(x!))],
    formula: unaryFormula('abs(x)', 'sign(x)'),
  }),
  // d e^x = e^x
  exp: unaryRecord('exp', {
    uses: 'output',
    vjp: (g, { output }) => [mul(g, output)],
    scalarGrad: (g, _x, _y, out, r) => r(g * out),
    formula: unaryFormula('exp(x)', 'out'),
  }),
  // d log x = 1/x
  log: unaryRecord('log', {
    uses: 'inputs',
    vjp: (g, { inputs: [x] }) => [div(g, x!)],
    scalarGrad: (g, x, _y, _out, r) => r(g / x),
    formula: unaryFormula('log(x)', '1/x'),
  }),
  // d log(1+x) = 1/(1+x)
  log1p: unaryRecord('log1p', {
    uses: 'inputs',
    vjp: (g, { inputs: [x] }) => [div(g, add(x!, 1))],
    formula: unaryFormula('log1p(x)', '1/(1 + x)'),
  }),
  // d (e^x - 1) = e^x
  expm1: unaryRecord('expm1', {
    uses: 'output',
    vjp: (g, { output }) => [mul(g, add(output, 1))],
    formula: unaryFormula('expm1(x)', 'exp(x)'),
  }),
  // d √x = 1/(2√x)
  sqrt: unaryRecord('sqrt', {
    uses: 'output',
    vjp: (g, { output }) => [div(g, mul(output, 2))],
    scalarGrad: (g, _x, _y, out, r) => r(g / r(out * 2)),
    formula: unaryFormula('sqrt(x)', '1/(2·out)'),
  }),
  // d x² = 2x
  square: unaryRecord('square', {
    uses: 'inputs',
    vjp: (g, { inputs: [x] }) => [mul(g, mul(x!, 2))],
    scalarGrad: (g, x, _y, _out, r) => r(g * r(x * 2)),
    formula: unaryFormula('x^2', '2·x'),
  }),
  // d (1/x) = -1/x²
  reciprocal: unaryRecord('reciprocal', {
    uses: 'output',
    vjp: (g, { output }) => [neg(mul(g, square(output)))],
    scalarGrad: (g, _x, _y, out, r) => -r(g * r(out * out)),
    formula: unaryFormula('1/x', '-1/x^2'),
  }),
  // d sin x = cos x
  sin: unaryRecord('sin', {
    uses: 'inputs',
    vjp: (g, { inputs: [x] }) => [mul(g, cos(x!))],
    scalarGrad: (g, x, _y, _out, r) => r(g * r(Math.cos(x))),
    formula: unaryFormula('sin(x)', 'cos(x)'),
  }),
  // d cos x = -sin x
  cos: unaryRecord('cos', {
    uses: 'inputs',
    vjp: (g, { inputs: [x] }) => [neg(mul(g, sin(x!)))],
    scalarGrad: (g, x, _y, _out, r) => -r(g * r(Math.sin(x))),
    formula: unaryFormula('cos(x)', '-sin(x)'),
  }),
  // d tanh x = 1 - tanh(x)²
  tanh: unaryRecord('tanh', {
    uses: 'output',
    vjp: (g, { output }) => [fusedActivationGrad('tanh', g, output) ?? mul(g, sub(1, square(output)))],
    scalarGrad: (g, _x, _y, out, r) => r(g * r(1 - r(out * out))),
    formula: unaryFormula('tanh(x)', '1 - out^2'),
  }),
  // d σ(x) = σ(x)(1 - σ(x))
  sigmoid: unaryRecord('sigmoid', {
    uses: 'output',
    vjp: (g, { output }) => [fusedActivationGrad('sigmoid', g, output) ?? mul(g, mul(output, sub(1, output)))],
    scalarGrad: (g, _x, _y, out, r) => r(g * r(out * r(1 - out))),
    formula: unaryFormula('sigmoid(x)', 'out·(1 - out)'),
  }),
  // d relu(x) = 1 if x > 0 else 0 (0 at 0, as PyTorch)
  relu: unaryRecord('relu', {
    uses: 'inputs',
    vjp: (g, { inputs: [x] }) => [fusedActivationGrad('relu', g, x!) ?? mul(g, gt(x!, 0))],
    scalarGrad: (g, x) => g * (x > 0 ? 1 : 0),
    formula: unaryFormula('relu(x)', 'step(x)'),
  }),
  // d erf x = (2/√π) e^{-x²}
  erf: unaryRecord('erf', {
    uses: 'inputs',
    vjp: (g, { inputs: [x] }) => [mul(g, mul(exp(neg(square(x!))), 2 / Math.sqrt(Math.PI)))],
    formula: unaryFormula('erf(x)', '2/sqrt(π)·exp(-x^2)'),
  }),
  // d softplus(x) = σ(x)
  softplus: unaryRecord('softplus', {
    uses: 'inputs',
    vjp: (g, { inputs: [x] }) => [mul(g, sigmoid(x!))],
    formula: unaryFormula('softplus(x)', 'sigmoid(x)'),
  }),
  // d clamp(x) = 1 inside [min, max] (boundaries included, as PyTorch), 0 outside
  clamp: op<{ min: number; max: number }>({
    infer: ([x], p) => ({ shape: x!.shape, dtype: T.clampResultDtype(x!.dtype, p.min, p.max) }),
    forward: (inputs, p) => T.clamp(inputs[0]!, p.min, p.max),
    uses: 'inputs',
    vjp: (g, { inputs: [x], params: p }) => [mul(mul(g, ge(x!, p.min)), le(x!, p.max))],
    formula: { kind: 'elementwise', args: ['x'], out: 'clamp(x, {min}, {max})', d: ['inside(x, {min}, {max})'] },
  }),
  sign: rounding('sign'),
  floor: rounding('floor'),
  ceil: rounding('ceil'),
  round: rounding('round'),
});

/**
 * A differentiable unary op (0-d floats take the scalar path); with `float`, an int or bool input
 * is cast to float32 first.
 */
function run(record: OpRecord<None>, x: Tensor, float = false): Tensor {
  if (x.ndim === 0 && record.scalar !== undefined && isFloat(x.dtype)) return applyScalar(record, x);
  return applyUnary(record, x, float);
}

/** The general case of `run` (its own function, so the scalar case stays small). */
function applyUnary(record: OpRecord<None>, x: Tensor, float: boolean): Tensor {
  checkOperand(record.name, x, 'its input', false);
  return apply(record, [float ? floatInput(x) : x], NONE);
}

/** -x */
export const neg = (x: Tensor): Tensor => run(UNARY_OPS.neg, x);
/** |x| (the gradient is 0 at 0) */
export const abs = (x: Tensor): Tensor => run(UNARY_OPS.abs, x);
/** e^x @example exp(tensor([0])).toArray(); // [1] */
export const exp = (x: Tensor): Tensor => run(UNARY_OPS.exp, x, true);
/** natural log */
export const log = (x: Tensor): Tensor => run(UNARY_OPS.log, x, true);
/** log(1 + x), accurate near 0 */
export const log1p = (x: Tensor): Tensor => run(UNARY_OPS.log1p, x, true);
/** e^x - 1, accurate near 0 */
export const expm1 = (x: Tensor): Tensor => run(UNARY_OPS.expm1, x, true);
/** √x */
export const sqrt = (x: Tensor): Tensor => run(UNARY_OPS.sqrt, x, true);
/** x² */
export const square = (x: Tensor): Tensor => run(UNARY_OPS.square, x);
/** 1/x */
export const reciprocal = (x: Tensor): Tensor => run(UNARY_OPS.reciprocal, x, true);
/** sin x */
export const sin = (x: Tensor): Tensor => run(UNARY_OPS.sin, x, true);
/** cos x */
export const cos = (x: Tensor): Tensor => run(UNARY_OPS.cos, x, true);
/** tanh x */
export const tanh = (x: Tensor): Tensor => run(UNARY_OPS.tanh, x, true);
/** 1/(1+e^{-x}), stable for large |x| */
export const sigmoid = (x: Tensor): Tensor => run(UNARY_OPS.sigmoid, x, true);
/** max(x, 0); the gradient is 0 at 0, as PyTorch */
export const relu = (x: Tensor): Tensor => run(UNARY_OPS.relu, x);
/** the error function */
export const erf = (x: Tensor): Tensor => run(UNARY_OPS.erf, x, true);
/** log(1+e^x), computed so that it never overflows */
export const softplus = (x: Tensor): Tensor => run(UNARY_OPS.softplus, x, true);
/** -1, 0 or 1 (no gradient) */
export const sign = (x: Tensor): Tensor => noGradUnary(UNARY_OPS.sign, x);
/** rounds down (no gradient) */
export const floor = (x: Tensor): Tensor => noGradUnary(UNARY_OPS.floor, x);
/** rounds up (no gradient) */
export const ceil = (x: Tensor): Tensor => noGradUnary(UNARY_OPS.ceil, x);
/** rounds half to even (no gradient) */
export const round = (x: Tensor): Tensor => noGradUnary(UNARY_OPS.round, x);

/** A unary op without a gradient (sign and the roundings). */
function noGradUnary(record: OpRecord<None>, x: Tensor): Tensor {
  checkOperand(record.name, x, 'its input', false);
  return apply(record, [x], NONE);
}

/** Limits to [min, max]; the gradient is 1 inside (boundaries included) and 0 outside. */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  checkOperand('clamp', x, 'its input', false);
  for (const [name, bound] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (bound !== undefined && typeof bound !== 'number')
      throw new T.DTypeError('clamp', `${name} must be a number or undefined, got ${typeof bound}`);
  }
  return apply(UNARY_OPS.clamp, [x], { min: min ?? -Infinity, max: max ?? Infinity });
}

/** The method forms of this family's functions. */
export const UNARY_METHODS = {
  neg,
  abs,
  exp,
  log,
  log1p,
  expm1,
  sqrt,
  square,
  reciprocal,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  erf,
  softplus,
  sign,
  floor,
  ceil,
  round,
  clamp,
};
