/**
 * Elementwise binary ops with broadcasting and dtype promotion (made explicit as `expand` and
 * `cast` nodes, so the rules see operands of one shape and dtype), comparisons, and `where`.
 */
import * as T from '@chainrule/tensor';
import { type BinaryOp, type CompareOp, isFloat } from '@chainrule/tensor';
import { type OpRecord, Tensor } from '../../tensor.js';
import { apply, applyScalar } from '../apply.js';
import { type TensorLike, asTensor, checkOperand, constant, dtypeOf } from '../operands.js';
import { NONE as NO_PARAMS, type None, type RecordSpec, binaryRecord, noGradRecord, op, records } from '../records.js';
import { fit } from '../coerce.js';

/** The parameters of the ops that take none (held here: the hot scalar path reads it per op). */
const NONE: None = NO_PARAMS;

/** A comparison's operands broadcast together (`comparison` below does not expand them); the result is bool. */
const compare = (kernel: CompareOp, symbol: string): RecordSpec<None> =>
  noGradRecord<None>(
    ([a, b]) => ({ shape: T.broadcastShapes(kernel, a!.shape, b!.shape), dtype: 'bool' }),
    (inputs) => T[kernel](inputs[0]!, inputs[1]!),
    {
      kind: 'none',
      show: (c) => `${c.inputs[0]} ${symbol} ${c.inputs[1]}`,
    },
  );

export const BINARY_OPS = records({
  // d(a+b) = (1, 1)
  add: binaryRecord('add', {
    uses: 'none',
    vjp: (g) => [g, g],
    scalarGrads: [(g) => g, (g) => g],
    formula: { kind: 'elementwise', args: ['a', 'b'], out: 'a + b', d: ['1', '1'] },
  }),
  // d(a-b) = (1, -1)
  sub: binaryRecord('sub', {
    uses: 'none',
    vjp: (g, { inputs: [, b] }) => [g, b!.requiresGrad ? g.neg() : null],
    scalarGrads: [(g) => g, (g) => -g],
    formula: { kind: 'elementwise', args: ['a', 'b'], out: 'a - b', d: ['1', '-1'] },
  }),
  // d(ab) = (b, a)
  mul: binaryRecord('mul', {
    uses: 'inputs',
    vjp: (g, { inputs: [a, b] }) => [a!.requiresGrad ? mul(g, b!) : null, b!.requiresGrad ? mul(g, a!) : null],
    scalarGrads: [(g, _a, b, _out, r) => r(g * b), (g, a, _b, _out, r) => r(g * a)],
    formula: { kind: 'elementwise', args: ['a', 'b'], out: 'a·b', d: ['b', 'a'] },
  }),
  // d(a/b) = (1/b, -a/b²)
  div: binaryRecord('div', {
    uses: 'inputs',
    vjp: (g, { inputs: [a, b] }) => [
      a!.requiresGrad ? div(g, b!) : null,
      b!.requiresGrad ? div(mul(g, a!), b!.square()).neg() : null,
    ],
    scalarGrads: [(g, _a, b, _out, r) => r(g / b), (g, a, b, _out, r) => -r(r(g * a) / r(b * b))],
    formula: { kind: 'elementwise', args: ['a', 'b'], out: 'a/b', d: ['1/b', '-a/b^2'] },
  }),
  // d a^b = (b a^(b-1), a^b log a). The first is 0 at 0^0 (a^0 = 1 for every a), the second 0
  // where a <= 0 (as PyTorch); both masks are double wheres, so no inf or NaN leaks into any order.
  pow: binaryRecord('pow', {
    uses: 'both',
    vjp: (g, { inputs: [a, b], output }) => {
      let ga: Tensor | null = null,
        gb: Tensor | null = null;
      if (a!.requiresGrad) {
        const zeroToZero = logicalAnd(eq(b!, 0), eq(a!, 0));
        const safeB = where(zeroToZero, 1, b!);
        ga = where(zeroToZero, 0, mul(g, mul(safeB, pow(a!, sub(safeB, 1)))));
      }
      if (b!.requiresGrad) {
        const positive = gt(a!, 0);
        const safeLog = where(positive, where(positive, a!, 1).log(), 0);
        gb = mul(g, mul(output, safeLog));
      }
      return [ga, gb];
    },
    formula: { kind: 'elementwise', args: ['a', 'b'], out: 'a^b', d: ['b·a^(b - 1)', 'a^b·log(a)'] },
  }),
  // d max(a,b) = 1 to the larger, split evenly on ties
  maximum: binaryRecord('maximum', {
    uses: 'inputs',
    vjp: (g, { inputs: [a, b] }) => winnerGrads(g, gt(a!, b!), eq(a!, b!)),
    formula: { kind: 'elementwise', args: ['a', 'b'], out: 'max(a, b)', d: ['wins(a, b)', 'wins(b, a)'] },
  }),
  // d min(a,b) = 1 to the smaller, split evenly on ties
  minimum: binaryRecord('minimum', {
    uses: 'inputs',
    vjp: (g, { inputs: [a, b] }) => winnerGrads(g, lt(a!, b!), eq(a!, b!)),
    formula: { kind: 'elementwise', args: ['a', 'b'], out: 'min(a, b)', d: ['wins(b, a)', 'wins(a, b)'] },
  }),
  // d atan2(a, b) = (b/(a² + b²), -a/(a² + b²)): the angle of the point (b, a)
  atan2: binaryRecord('atan2', {
    uses: 'inputs',
    vjp: (g, { inputs: [a, b] }) => {
      const r2 = add(a!.square(), b!.square());
      return [a!.requiresGrad ? mul(g, div(b!, r2)) : null, b!.requiresGrad ? mul(g, div(a!, r2)).neg() : null];
    },
    formula: { kind: 'elementwise', args: ['a', 'b'], out: 'atan2(a, b)', d: ['b/(a^2 + b^2)', '-a/(a^2 + b^2)'] },
  }),
  // d where(c, a, b) = (none, c, not c)
  where: op({
    infer: (inputs) => inputs[1]!,
    forward: (inputs) => T.where(inputs[0]!, inputs[1]!, inputs[2]!),
    uses: 'inputs',
    vjp: (g, { inputs: [c] }) => [null, where(c!, g, 0), where(c!, 0, g)],
    formula: { kind: 'elementwise', args: ['c', 'a', 'b'], out: 'where(c, a, b)', d: [null, 'c', '1 - c'] },
  }),
  eq: compare('eq', '=='),
  ne: compare('ne', '!='),
  lt: compare('lt', '<'),
  le: compare('le', '≤'),
  gt: compare('gt', '>'),
  ge: compare('ge', '≥'),
});

/** Gradients of maximum/minimum: all to the winner, half each on a tie. */
function winnerGrads(g: Tensor, aWins: Tensor, tie: Tensor): [Tensor, Tensor] {
  const half = mul(mul(g, tie), 0.5);
  return [add(mul(g, aWins), half), add(mul(g, logicalNot(logicalOr(aWins, tie))), half)];
}

/** A binary arithmetic op: 0-d floats of one dtype take the scalar path; else promote, broadcast, apply. */
function arithmetic(record: OpRecord<None> & { readonly name: BinaryOp }, a: TensorLike, b: TensorLike): Tensor {
  // the common cases first: two float tensors of one dtype and shape need no cast or expand
  if (typeof a !== 'number' && typeof b !== 'number' && a != null && b != null) {
    const dtype = a.dtype;
    if (dtype === b.dtype && isFloat(dtype)) {
      if (a.ndim === 0 && b.ndim === 0 && record.scalar !== undefined) return applyScalar(record, a, b);
      if (T.shapesEqual(a.shape, b.shape)) return apply(record, [a, b], NONE);
    }
  } else if (
    typeof b === 'number' &&
    typeof a !== 'number' &&
    a != null &&
    a.ndim === 0 &&
    isFloat(a.dtype) &&
    record.scalar !== undefined
  ) {
    return applyScalar(record, a, constant(b, a.dtype)); // a number never widens a float tensor
  } else if (
    typeof a === 'number' &&
    typeof b !== 'number' &&
    b != null &&
    b.ndim === 0 &&
    isFloat(b.dtype) &&
    record.scalar !== undefined
  ) {
    return applyScalar(record, constant(a, b.dtype), b);
  }
  return promoteAndApply(record, a, b);
}

/** The general case of a binary arithmetic op (its own function, so the fast cases above stay small). */
function promoteAndApply(record: OpRecord<None> & { readonly name: BinaryOp }, a: TensorLike, b: TensorLike): Tensor {
  const name = record.name;
  checkOperand(name, a, 'the first operand');
  checkOperand(name, b, 'the second operand');
  const dtype = T.elementwiseResultDtype(name, dtypeOf(a, b, name));
  const A = asTensor(a, dtype),
    B = asTensor(b, dtype);
  const shape = T.shapesEqual(A.shape, B.shape) ? A.shape : T.broadcastShapes(name, A.shape, B.shape);
  return apply(record, [fit(A, shape, dtype), fit(B, shape, dtype)], NONE);
}

/** A comparison (bool result, no gradient), broadcast. */
function comparison(name: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  checkOperand(name, a, 'the first operand');
  checkOperand(name, b, 'the second operand');
  const dtype = dtypeOf(a, b, name);
  return apply(BINARY_OPS[name], [asTensor(a, dtype), asTensor(b, dtype)], NONE);
}

/** a + b, broadcast. @example add(tensor([1, 2]), 1).toArray(); // [2, 3] */
export const add = (a: TensorLike, b: TensorLike): Tensor => arithmetic(BINARY_OPS.add, a, b);
/** a - b, broadcast. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => arithmetic(BINARY_OPS.sub, a, b);
/** a · b elementwise, broadcast. */
export const mul = (a: TensorLike, b: TensorLike): Tensor => arithmetic(BINARY_OPS.mul, a, b);
/** a / b, broadcast; true division (ints give float32). */
export const div = (a: TensorLike, b: TensorLike): Tensor => arithmetic(BINARY_OPS.div, a, b);
/** a^b, broadcast. */
export const pow = (a: TensorLike, b: TensorLike): Tensor => arithmetic(BINARY_OPS.pow, a, b);
/** Elementwise max (NaN propagates); ties split the gradient evenly. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => arithmetic(BINARY_OPS.maximum, a, b);
/** Elementwise min (NaN propagates); ties split the gradient evenly. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => arithmetic(BINARY_OPS.minimum, a, b);
/**
 * The angle of the point (b, a) in radians, in (-π, π], broadcast, as `Math.atan2(a, b)` elementwise.
 * @example
 * ```ts
 * atan2(tensor([1, -1]), tensor([1, 0])).toArray(); // [0.7854, -1.5708]
 * ```
 */
export const atan2 = (a: TensorLike, b: TensorLike): Tensor => arithmetic(BINARY_OPS.atan2, a, b);
/** a == b (bool, no gradient). */
export const eq = (a: TensorLike, b: TensorLike): Tensor => comparison('eq', a, b);
/** a != b (bool). */
export const ne = (a: TensorLike, b: TensorLike): Tensor => comparison('ne', a, b);
/** a < b (bool). */
export const lt = (a: TensorLike, b: TensorLike): Tensor => comparison('lt', a, b);
/** a <= b (bool). */
export const le = (a: TensorLike, b: TensorLike): Tensor => comparison('le', a, b);
/** a > b (bool). */
export const gt = (a: TensorLike, b: TensorLike): Tensor => comparison('gt', a, b);
/** a >= b (bool). */
export const ge = (a: TensorLike, b: TensorLike): Tensor => comparison('ge', a, b);

/** Logical not of a mask (bool result, no gradient). */
export const logicalNot = (m: Tensor): Tensor => eq(m, 0);

/** `x` as a bool mask, as PyTorch reads a tensor as truth values: any non-zero value (NaN included) is true. */
function truth(op: string, x: Tensor, what: string): Tensor {
  checkOperand(op, x, what, false);
  return x.dtype === 'bool' ? x : ne(x, 0); // never a cast to int32, which would make 0.5 false and refuse NaN
}

/**
 * Logical or, broadcast (bool result, no gradient); any non-zero value, NaN included, is true.
 * @example
 * ```ts
 * logicalOr(tensor([0.5, NaN, 0]), tensor([0, 0, 0])).toArray(); // [true, true, false]
 * ```
 */
export const logicalOr = (a: Tensor, b: Tensor): Tensor =>
  ne(maximum(truth('logicalOr', a, 'the first operand'), truth('logicalOr', b, 'the second operand')), 0);
/**
 * Logical and, broadcast (bool result, no gradient); any non-zero value, NaN included, is true.
 * @example
 * ```ts
 * logicalAnd(tensor([0.5, NaN, 0]), tensor([2, 1, 1])).toArray(); // [true, true, false]
 * ```
 */
export const logicalAnd = (a: Tensor, b: Tensor): Tensor =>
  ne(minimum(truth('logicalAnd', a, 'the first operand'), truth('logicalAnd', b, 'the second operand')), 0);

/**
 * cond ? a : b, broadcast; `cond` is bool and gets no gradient.
 * @example
 * ```ts
 * where(gt(x, 0), x, 0); // relu
 * ```
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkOperand('where', cond, 'the condition', false);
  checkOperand('where', a, 'the second argument');
  checkOperand('where', b, 'the third argument');
  const dtype = dtypeOf(a, b, 'where');
  const A = asTensor(a, dtype),
    B = asTensor(b, dtype);
  const shape = T.broadcastShapes('where', T.broadcastShapes('where', cond.shape, A.shape), B.shape);
  const c = T.shapesEqual(cond.shape, shape) ? cond : new Tensor(cond.value.expand(shape));
  return apply(BINARY_OPS.where, [c, fit(A, shape, dtype), fit(B, shape, dtype)], NONE);
}

/** The binary ops' method forms (`x.add(y)`). */
export const BINARY_METHODS = {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  atan2,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  /** `x.where(cond, other)`: x where cond holds, else other (PyTorch's `Tensor.where`). */
  where: (x: Tensor, cond: Tensor, other: TensorLike): Tensor => where(cond, x, other),
};
