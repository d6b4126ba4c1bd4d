/**
 * Method forms of the array functions (`a.add(b)` for `add(a, b)`), attached to NDArray's
 * prototype once, with their types merged into the class.
 */
import type { DType } from './dtype.js';
import { NDArray } from './ndarray.js';
import * as ew from './ops/elementwise.js';
import type { Operand } from './ops/operand.js';
import * as red from './ops/reduce.js';
import { matmul } from './ops/matmul.js';
import { formatArray } from './print.js';
import { noteHostRead } from './host-events.js';

type Unary =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'expm1'
  | 'sqrt'
  | 'square'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'erf'
  | 'softplus'
  | 'floor'
  | 'ceil'
  | 'round';
type Binary = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

declare module './ndarray.js' {
  interface NDArray {
    neg(): NDArray;
    abs(): NDArray;
    sign(): NDArray;
    exp(): NDArray;
    log(): NDArray;
    log1p(): NDArray;
    expm1(): NDArray;
    sqrt(): NDArray;
    square(): NDArray;
    reciprocal(): NDArray;
    sin(): NDArray;
    cos(): NDArray;
    tanh(): NDArray;
    sigmoid(): NDArray;
    relu(): NDArray;
    erf(): NDArray;
    softplus(): NDArray;
    floor(): NDArray;
    ceil(): NDArray;
    round(): NDArray;
    add(b: Operand): NDArray;
    sub(b: Operand): NDArray;
    mul(b: Operand): NDArray;
    div(b: Operand): NDArray;
    pow(b: Operand): NDArray;
    maximum(b: Operand): NDArray;
    minimum(b: Operand): NDArray;
    eq(b: Operand): NDArray;
    ne(b: Operand): NDArray;
    lt(b: Operand): NDArray;
    le(b: Operand): NDArray;
    gt(b: Operand): NDArray;
    ge(b: Operand): NDArray;
    clamp(min?: number, max?: number): NDArray;
    cast(dtype: DType): NDArray;
    sum(axis?: red.Axes, keepDims?: boolean): NDArray;
    prod(axis?: red.Axes, keepDims?: boolean): NDArray;
    mean(axis?: red.Axes, keepDims?: boolean): NDArray;
    max(axis?: red.Axes, keepDims?: boolean): NDArray;
    min(axis?: red.Axes, keepDims?: boolean): NDArray;
    argmax(axis?: number, keepDims?: boolean): NDArray;
    argmin(axis?: number, keepDims?: boolean): NDArray;
    variance(axis?: red.Axes, options?: red.VarianceOptions): NDArray;
    std(axis?: red.Axes, options?: red.VarianceOptions): NDArray;
    logsumexp(axis?: red.Axes, keepDims?: boolean): NDArray;
    matmul(b: NDArray): NDArray;
    /** Nested JS arrays of the values (a number for a 0-d array; booleans for bool). */
    toArray(): unknown;
    toString(): string;
  }
}

const proto = NDArray.prototype as unknown as Record<string, unknown>;
const unaries: Unary[] = [
  'neg',
  'abs',
  'sign',
  'exp',
  'log',
  'log1p',
  'expm1',
  'sqrt',
  'square',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'erf',
  'softplus',
  'floor',
  'ceil',
  'round',
];
for (const name of unaries) {
  const fn = ew[name];
  proto[name] = function (this: NDArray) {
    return fn(this);
  };
}
const binaries: Binary[] = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
];
for (const name of binaries) {
  const fn = ew[name];
  proto[name] = function (this: NDArray, b: Operand) {
    return fn(this, b);
  };
}

NDArray.prototype.clamp = function (min?: number, max?: number) {
  return ew.clamp(this, min, max);
};
NDArray.prototype.cast = function (dtype: DType) {
  return ew.cast(this, dtype);
};
NDArray.prototype.sum = function (axis?: red.Axes, keepDims?: boolean) {
  return red.sum(this, axis, keepDims);
};
NDArray.prototype.prod = function (axis?: red.Axes, keepDims?: boolean) {
  return red.prod(this, axis, keepDims);
};
NDArray.prototype.mean = function (axis?: red.Axes, keepDims?: boolean) {
  return red.mean(this, axis, keepDims);
};
NDArray.prototype.max = function (axis?: red.Axes, keepDims?: boolean) {
  return red.max(this, axis, keepDims);
};
NDArray.prototype.min = function (axis?: red.Axes, keepDims?: boolean) {
  return red.min(this, axis, keepDims);
};
NDArray.prototype.argmax = function (axis?: number, keepDims?: boolean) {
  return red.argmax(this, axis, keepDims);
};
NDArray.prototype.argmin = function (axis?: number, keepDims?: boolean) {
  return red.argmin(this, axis, keepDims);
};
NDArray.prototype.variance = function (axis?: red.Axes, options?: red.VarianceOptions) {
  return red.variance(this, axis, options);
};
NDArray.prototype.std = function (axis?: red.Axes, options?: red.VarianceOptions) {
  return red.std(this, axis, options);
};
NDArray.prototype.logsumexp = function (axis?: red.Axes, keepDims?: boolean) {
  return red.logsumexp(this, axis, keepDims);
};
NDArray.prototype.matmul = function (b: NDArray) {
  return matmul(this, b);
};
NDArray.prototype.toString = function () {
  // like PyTorch, an empty array of rank > 1 prints as [] and names its shape
  const shape = this.size === 0 && this.ndim > 1 ? `, shape=[${this.shape.join(', ')}]` : '';
  return `array(${formatArray(this, { indent: 'array('.length })}${shape}, dtype=${this.dtype})`;
};
NDArray.prototype.toArray = function () {
  noteHostRead('toArray()');
  return toNested(this);
};

/** Nested arrays, built iteratively (no recursion over the dimensions). */
function toNested(x: NDArray): unknown {
  const c = x.contiguous();
  const read = (i: number): number | boolean =>
    x.dtype === 'bool' ? c.data[c.offset + i] !== 0 : c.data[c.offset + i]!;
  if (x.ndim === 0) return read(0);
  // build from the innermost axis outwards
  let level: unknown[] = Array.from({ length: x.size }, (_, i) => read(i));
  for (let d = x.ndim - 1; d >= 0; d--) {
    const n = x.shape[d]!;
    if (d === 0) break;
    const grouped: unknown[] = [];
    for (let i = 0; i < level.length; i += n) grouped.push(level.slice(i, i + n));
    if (n === 0) {
      const outer = x.shape.slice(0, d).reduce((p, s) => p * s, 1);
      level = Array.from({ length: outer }, () => []);
    } else level = grouped;
  }
  return level;
}
