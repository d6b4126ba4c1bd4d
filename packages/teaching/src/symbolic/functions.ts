/**
 * The named functions of the formula language (see `Formula` in @chainrule/autograd), on numbers
 * and on arrays: what `evaluateExpression` and the chain-rule trace's local values compute.
 */
import * as T from '@chainrule/tensor';
import { AutogradError } from '@chainrule/autograd';
import type { NDArray } from '@chainrule/tensor';

/** A value while evaluating: a plain number (constants) or an array (the op's operands). */
export type Value = number | NDArray;

const isNumber = (v: Value): v is number => typeof v === 'number';
const wins = (a: number, b: number): number => (a > b ? 1 : a === b ? 0.5 : 0);
const U = T.SCALAR_UNARY;

/** Each function on numbers: the tensor package's scalar definitions (the kernels' bits) where it has one. */
const ON_NUMBERS: Readonly<Record<string, (...xs: number[]) => number>> = {
  exp: U.exp,
  log: U.log,
  log1p: U.log1p,
  expm1: U.expm1,
  sqrt: U.sqrt,
  sin: U.sin,
  cos: U.cos,
  tanh: U.tanh,
  sigmoid: U.sigmoid,
  erf: U.erf,
  softplus: U.softplus,
  abs: U.abs,
  sign: U.sign,
  relu: U.relu,
  step: (x) => (x > 0 ? 1 : 0),
  atan2: T.SCALAR_BINARY.atan2,
  max: Math.max,
  min: Math.min,
  clamp: (x, lo, hi) => Math.min(Math.max(x, lo!), hi!),
  inside: (x, lo, hi) => (x >= lo! && x <= hi! ? 1 : 0),
  wins,
  where: (c, a, b) => (c !== 0 ? a! : b!),
};

/** A 0/1 mask in the dtype of `like`. */
const asFloat = (mask: NDArray, like: NDArray): NDArray => T.cast(mask, like.dtype);

/** Each function on arrays (the tensor package's kernels, so values match the ops' own bits). */
const ON_ARRAYS: Readonly<Record<string, (...xs: NDArray[]) => NDArray>> = {
  log1p: T.log1p,
  expm1: T.expm1,
  softplus: T.softplus,
  exp: T.exp,
  log: T.log,
  sqrt: T.sqrt,
  sin: T.sin,
  cos: T.cos,
  tanh: T.tanh,
  sigmoid: T.sigmoid,
  erf: T.erf,
  abs: T.abs,
  sign: T.sign,
  relu: T.relu,
  step: (x) => asFloat(T.gt(x, 0), x),
  inside: (x, lo, hi) => T.mul(asFloat(T.ge(x, lo!), x), asFloat(T.le(x, hi!), x)),
  wins: (a, b) => T.add(asFloat(T.gt(a, b!), a), T.mul(asFloat(T.eq(a, b!), a), 0.5)),
  where: (c, a, b) => T.where(T.ne(c, 0), a!, b!),
  max: (a, b) => T.maximum(a, b!),
  min: (a, b) => T.minimum(a, b!),
  atan2: (a, b) => T.binary('atan2', a, b!),
  clamp: (x, lo, hi) => T.minimum(T.maximum(x, lo!), hi!),
};

/** The function `name` of the formula language on one number. */
export function numberFunction(name: string): (...xs: number[]) => number {
  const f = ON_NUMBERS[name];
  if (f === undefined) throw new AutogradError('formula', `unknown function '${name}'`);
  return f;
}

/** Whether the formula language knows function `name`. */
export function isKnownFunction(name: string): boolean {
  return name in ON_NUMBERS;
}

/** `name(...args)`: on numbers when all are numbers, else on arrays (numbers broadcast). */
export function applyNamed(name: string, args: readonly Value[]): Value {
  if (args.every(isNumber)) return ON_NUMBERS[name]!(...(args as number[]));
  const f = ON_ARRAYS[name];
  const like = args.find((a): a is NDArray => !isNumber(a))!;
  if (f === undefined) throw new AutogradError('formula', `no array form of '${name}'`);
  return f(...args.map((a) => (isNumber(a) ? T.fullLike(like, a) : a)));
}

/** Arithmetic on values: JavaScript's on numbers, the tensor kernels' on arrays. */
export const arithmetic = {
  add: (a: Value, b: Value): Value => (isNumber(a) && isNumber(b) ? a + b : T.add(a, b)),
  sub: (a: Value, b: Value): Value => (isNumber(a) && isNumber(b) ? a - b : T.sub(a, b)),
  mul: (a: Value, b: Value): Value => (isNumber(a) && isNumber(b) ? a * b : T.mul(a, b)),
  div: (a: Value, b: Value): Value => (isNumber(a) && isNumber(b) ? a / b : T.div(a, b)),
  /** x² as x·x (the kernels' square), other powers through pow. */
  pow: (a: Value, b: Value): Value =>
    isNumber(a) && isNumber(b) ? a ** b : b === 2 && !isNumber(a) ? T.square(a) : T.pow(a, b),
  neg: (a: Value): Value => (isNumber(a) ? -a : T.neg(a)),
};
