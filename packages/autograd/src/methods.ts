/**
 * Method forms of the ops (`x.mul(y)` for `mul(x, y)`): every family's `METHODS` table, attached
 * to Tensor's prototype once, with their types derived from the same tables and merged into the
 * class. A function added to a family's table is a method, typed, with no edit here.
 */
import { backward, type BackwardOptions } from './engine.js';
import { addScaledInPlace, binaryInPlace, copyInPlace } from './in-place.js';
import { BINARY_METHODS } from './ops/defs/binary.js';
import { CAST_METHODS } from './ops/defs/cast.js';
import { DECOMP_METHODS } from './ops/defs/decomp.js';
import { EINSUM_METHODS } from './ops/defs/einsum.js';
import { NORM_METHODS } from './ops/defs/norm.js';
import { ADVANCED_INDEXING_METHODS } from './ops/defs/index-advanced.js';
import { INDEXING_METHODS } from './ops/defs/indexing.js';
import { LINALG_METHODS } from './ops/defs/linalg.js';
import { REARRANGE_METHODS } from './ops/defs/rearrange.js';
import { REDUCE_METHODS } from './ops/defs/reduce.js';
import { SCAN_METHODS } from './ops/defs/scan.js';
import { SHAPE_METHODS, mT, transpose } from './ops/defs/shape.js';
import { SOFTMAX_METHODS } from './ops/defs/softmax.js';
import { SORT_METHODS } from './ops/defs/sort.js';
import { TRIANGLE_METHODS } from './ops/defs/triangle.js';
import { UNARY_METHODS } from './ops/defs/unary.js';
import type { TensorLike } from './ops/operands.js';
import { Tensor } from './tensor.js';

const OP_METHODS = {
  ...CAST_METHODS,
  ...UNARY_METHODS,
  ...BINARY_METHODS,
  ...REDUCE_METHODS,
  ...SCAN_METHODS,
  ...SORT_METHODS,
  ...REARRANGE_METHODS,
  ...TRIANGLE_METHODS,
  ...SOFTMAX_METHODS,
  ...SHAPE_METHODS,
  ...LINALG_METHODS,
  ...DECOMP_METHODS,
  ...EINSUM_METHODS,
  ...NORM_METHODS,
  ...INDEXING_METHODS,
  ...ADVANCED_INDEXING_METHODS,
};

/** `f(x, ...rest)` as the method `x.f(...rest)`. */
type MethodsOf<M> = {
  [K in keyof M]: M[K] extends (x: Tensor, ...rest: infer A) => infer R ? (...rest: A) => R : never;
};
type OpMethods = MethodsOf<typeof OP_METHODS>;

declare module './tensor.js' {
  interface Tensor extends OpMethods {
    /**
     * Runs the chain rule from this tensor, accumulating into the leaves' `.grad`; the options may
     * come first: `y.backward({ retainGraph: true })`.
     */
    backward(gradOutput?: Tensor | number | BackwardOptions, options?: BackwardOptions): void;
    /** t ← t + b in place (needs noGrad if t requires grad). */
    addInPlace(b: TensorLike): Tensor;
    /** t ← t - b in place (needs noGrad if t requires grad). */
    subInPlace(b: TensorLike): Tensor;
    /** t ← t · b in place (needs noGrad if t requires grad). */
    mulInPlace(b: TensorLike): Tensor;
    /** t ← t / b in place (needs noGrad if t requires grad). */
    divInPlace(b: TensorLike): Tensor;
    /** Copies src's values into t in place. */
    copyInPlace(src: TensorLike): Tensor;
    /** t ← t + α·x in place, in one pass (x of t's shape; needs noGrad if t requires grad). */
    addScaledInPlace(x: Tensor, alpha: number): Tensor;
    /** All axes reversed (a view), as PyTorch's `x.T`; a 0-d or 1-d tensor is itself. */
    readonly T: Tensor;
    /** The last two axes swapped (a view), as PyTorch's `x.mT`; needs at least 2 dimensions. */
    readonly mT: Tensor;
  }
}

type AnyOp = (x: Tensor, ...rest: never[]) => Tensor | Tensor[];
type Rest = (x: Tensor, a?: unknown, b?: unknown, c?: unknown, d?: unknown) => unknown;
type Variadic = (x: Tensor, ...rest: unknown[]) => unknown;

/**
 * The method calling `fn` with `this` first and every argument passed on (a function's `length`
 * stops at its first default parameter, so it cannot say how many there are).
 */
function methodOf(fn: AnyOp): (this: Tensor, ...args: unknown[]) => unknown {
  const f = fn as unknown as Rest;
  return function (this: Tensor, a?: unknown, b?: unknown, c?: unknown, d?: unknown, ...more: unknown[]) {
    // more than four arguments only for variadic ops (x.at(...)): the common calls keep fixed arity
    return more.length === 0 ? f(this, a, b, c, d) : (fn as unknown as Variadic)(this, a, b, c, d, ...more);
  };
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const [name, fn] of Object.entries(OP_METHODS)) proto[name] = methodOf(fn as AnyOp);

const P = Tensor.prototype;
P.backward = function (gradOutput?: Tensor | number | BackwardOptions, options?: BackwardOptions) {
  backward(this, gradOutput, options);
};
P.addInPlace = function (b: TensorLike) {
  return binaryInPlace('add', 'addInPlace', this, b);
};
P.subInPlace = function (b: TensorLike) {
  return binaryInPlace('sub', 'subInPlace', this, b);
};
P.mulInPlace = function (b: TensorLike) {
  return binaryInPlace('mul', 'mulInPlace', this, b);
};
P.divInPlace = function (b: TensorLike) {
  return binaryInPlace('div', 'divInPlace', this, b);
};
P.copyInPlace = function (src: TensorLike) {
  return copyInPlace(this, src);
};
P.addScaledInPlace = function (x: Tensor, alpha: number) {
  return addScaledInPlace(this, x, alpha);
};
Object.defineProperty(P, 'T', {
  get(this: Tensor) {
    return this.ndim < 2 ? this : transpose(this);
  },
  configurable: true,
});
Object.defineProperty(P, 'mT', {
  get(this: Tensor) {
    return mT(this);
  },
  configurable: true,
});
