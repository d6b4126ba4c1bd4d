/**
 * The differentiable ops as functions of tensors (and plain numbers). Each one runs a recorded
 * op from the rule table; broadcasting and dtype promotion are made explicit as `expand` and
 * `cast` nodes, so the derivative rules never see them and broadcasting is undone in one rule.
 */
import * as T from '@chainrule/tensor';
import { type DType, floatResultType, isFloat, promoteTypes, promoteWithScalar } from '@chainrule/tensor';
import { Tensor } from '../tensor.js';
import { type ScalarUnaryName, apply, applyScalarUnary, applyScalarBinary } from './apply.js';

/** A tensor or a plain number (a constant). */
export type TensorLike = Tensor | number;

/** Parameters of the ops that take none (one shared object: no allocation per call). */
const NONE: Record<string, never> = Object.freeze({}) as Record<string, never>;

/** Cached 0-d constants per dtype (numbers in expressions, `x.mul(2)`); they are never written to. */
const CONSTANTS: Record<DType, Map<number, Tensor>> = { float32: new Map(), float64: new Map(), int32: new Map(), bool: new Map() };
const MAX_CACHED_CONSTANTS = 1024;

/** A constant 0-d tensor (cached, except -0, which a Map would not tell from 0). */
function constant(value: number, dtype: DType): Tensor {
  if (Object.is(value, -0)) return new Tensor(T.scalarArray(value, dtype));
  const cache = CONSTANTS[dtype];
  let t = cache.get(value);
  if (t === undefined) {
    t = new Tensor(T.scalarArray(value, dtype));
    if (cache.size < MAX_CACHED_CONSTANTS) cache.set(value, t);
  }
  return t;
}

function dtypeOf(a: TensorLike, b: TensorLike): DType {
  if (typeof a === 'number' && typeof b === 'number') return 'float32';
  if (typeof a === 'number') return promoteWithScalar((b as Tensor).dtype, a);
  if (typeof b === 'number') return promoteWithScalar(a.dtype, b);
  return promoteTypes(a.dtype, b.dtype);
}

function asTensor(x: TensorLike, dtype: DType): Tensor {
  return typeof x === 'number' ? constant(x, dtype) : x;
}

/** Casts and expands `t` to the op's common dtype and shape (recorded, so both are undone in backward). */
function fit(t: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const c = t.dtype === dtype ? t : cast(t, dtype);
  return T.shapesEqual(c.shape, shape) ? c : expand(c, shape);
}

type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

function binaryOp(op: BinaryName, a: TensorLike, b: TensorLike): Tensor {
  // the common cases first: two float tensors of one dtype and shape need no cast or expand
  if (typeof a !== 'number' && typeof b !== 'number') {
    const dtype = a.dtype;
    if (dtype === b.dtype && isFloat(dtype)) {
      if (a.ndim === 0 && b.ndim === 0) return applyScalarBinary(op, a, b);
      if (T.shapesEqual(a.shape, b.shape)) return apply(op, [a, b], NONE);
    }
  } else if (typeof b === 'number' && typeof a !== 'number' && a.ndim === 0 && isFloat(a.dtype)) {
    return applyScalarBinary(op, a, constant(b, a.dtype)); // a number never widens a float tensor
  } else if (typeof a === 'number' && typeof b !== 'number' && b.ndim === 0 && isFloat(b.dtype)) {
    return applyScalarBinary(op, constant(a, b.dtype), b);
  }
  const promoted = dtypeOf(a, b);
  let dtype: DType = promoted === 'bool' ? 'int32' : promoted;
  if (op === 'div' || op === 'pow') dtype = isFloat(promoted) || op === 'div' ? floatResultType(promoted) : dtype;
  const A = asTensor(a, dtype), B = asTensor(b, dtype);
  const shape = T.shapesEqual(A.shape, B.shape) ? A.shape : T.broadcastShapes(op, A.shape, B.shape);
  return apply(op, [fit(A, shape, dtype), fit(B, shape, dtype)], NONE);
}

type CompareName = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

function compareOp(op: CompareName, a: TensorLike, b: TensorLike): Tensor {
  const dtype = dtypeOf(a, b);
  return apply(op, [asTensor(a, dtype), asTensor(b, dtype)], NONE);
}

// ---- unary ----
export const neg = (x: Tensor): Tensor => unaryOp('neg', x);
export const abs = (x: Tensor): Tensor => unaryOp('abs', x);
export const exp = (x: Tensor): Tensor => unaryOp('exp', floatInput(x));
export const log = (x: Tensor): Tensor => unaryOp('log', floatInput(x));
export const log1p = (x: Tensor): Tensor => unaryOp('log1p', floatInput(x));
export const expm1 = (x: Tensor): Tensor => unaryOp('expm1', floatInput(x));
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', floatInput(x));
export const square = (x: Tensor): Tensor => unaryOp('square', x);
export const reciprocal = (x: Tensor): Tensor => unaryOp('reciprocal', floatInput(x));
export const sin = (x: Tensor): Tensor => unaryOp('sin', floatInput(x));
export const cos = (x: Tensor): Tensor => unaryOp('cos', floatInput(x));
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', floatInput(x));
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', floatInput(x));
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
export const erf = (x: Tensor): Tensor => unaryOp('erf', floatInput(x));
export const softplus = (x: Tensor): Tensor => unaryOp('softplus', floatInput(x));
export const sign = (x: Tensor): Tensor => apply('sign', [x], NONE);
export const floor = (x: Tensor): Tensor => apply('floor', [x], NONE);
export const ceil = (x: Tensor): Tensor => apply('ceil', [x], NONE);
export const round = (x: Tensor): Tensor => apply('round', [x], NONE);

/** A differentiable unary op; a 0-d float operand takes the scalar path. */
function unaryOp(op: ScalarUnaryName, x: Tensor): Tensor {
  return x.ndim === 0 && isFloat(x.dtype) ? applyScalarUnary(op, x) : apply(op, [x], NONE);
}

/** Ints and bools become float32 before float-valued ops, so rules see float inputs. */
function floatInput(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : cast(x, 'float32');
}

/** Limits to [min, max]; the gradient is 1 inside (boundaries included) and 0 outside. */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  return apply('clamp', [x], { min: min ?? -Infinity, max: max ?? Infinity });
}

/** Converts to another dtype; the gradient is cast back. */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return apply('cast', [x], { dtype });
}

// ---- binary ----
export const add = (a: TensorLike, b: TensorLike): Tensor => binaryOp('add', a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binaryOp('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binaryOp('mul', a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binaryOp('div', a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => binaryOp('pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binaryOp('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binaryOp('minimum', a, b);
export const eq = (a: TensorLike, b: TensorLike): Tensor => compareOp('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => compareOp('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => compareOp('lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => compareOp('le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => compareOp('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => compareOp('ge', a, b);

/** Logical not of a mask (bool result, no gradient). */
export const logicalNot = (m: Tensor): Tensor => eq(m, 0);
/** Logical or of two masks. */
export const logicalOr = (a: Tensor, b: Tensor): Tensor => ne(maximum(cast(a, 'int32'), cast(b, 'int32')), 0);
/** Logical and of two masks. */
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => ne(minimum(cast(a, 'int32'), cast(b, 'int32')), 0);

/** cond ? a : b, broadcast; `cond` is bool and gets no gradient. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const dtype = dtypeOf(a, b);
  const A = asTensor(a, dtype), B = asTensor(b, dtype);
  const shape = T.broadcastShapes('where', T.broadcastShapes('where', cond.shape, A.shape), B.shape);
  const c = T.shapesEqual(cond.shape, shape) ? cond : new Tensor(cond.value.expand(shape));
  return apply('where', [c, fit(A, shape, dtype), fit(B, shape, dtype)], NONE);
}

// ---- reductions ----
type Axes = T.Axes;

export function sum(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return apply('sum', [x], { axes: T.normalizeAxes('sum', axis, x.ndim), keepDims });
}
export function max(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return apply('max', [x], { axes: T.normalizeAxes('max', axis, x.ndim), keepDims });
}
export function min(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return apply('min', [x], { axes: T.normalizeAxes('min', axis, x.ndim), keepDims });
}
export function prod(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return apply('prod', [x], { axes: T.normalizeAxes('prod', axis, x.ndim), keepDims });
}
/** Σx / n over the axes (a float result; NaN for an empty reduction). */
export function mean(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  const axes = T.normalizeAxes('mean', axis, x.ndim);
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  return div(sum(floatInput(x), axes, keepDims), n);
}
/** Σ(x - mean)² / (n - correction); correction 1 (the default) is unbiased. */
export function variance(x: Tensor, axis?: Axes, options: T.VarianceOptions = {}): Tensor {
  const { correction = 1, keepDims = false } = options;
  const axes = T.normalizeAxes('var', axis, x.ndim);
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const xf = floatInput(x);
  const centered = sub(xf, mean(xf, axes, true));
  return div(sum(square(centered), axes, keepDims), Math.max(n - correction, 0));
}
/** √variance. */
export function std(x: Tensor, axis?: Axes, options: T.VarianceOptions = {}): Tensor {
  return sqrt(variance(x, axis, options));
}
/** log Σ e^x = m + log Σ e^{x-m} with m the (constant) max: never overflows; its gradient is softmax. */
export function logsumexp(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  const axes = T.normalizeAxes('logsumexp', axis, x.ndim);
  const xf = floatInput(x);
  const m = T.max(xf.value, axes, true);
  const shift = new Tensor(T.where(T.lt(T.abs(m), Infinity), m, 0));
  const out = add(log(sum(exp(sub(xf, shift)), axes, true)), shift);
  return keepDims ? out : reshape(out, out.shape.filter((_, i) => !axes.includes(i)));
}
/** e^x / Σe^x along `axis` (default the last), computed stably from the shifted values. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}
/** x - logsumexp(x) along `axis`: log-probabilities that never overflow. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return sub(floatInput(x), logsumexp(x, axis, true));
}
export function argmax(x: Tensor, axis?: number, keepDims = false): Tensor {
  return apply('argmax', [x], { axis, keepDims });
}
export function argmin(x: Tensor, axis?: number, keepDims = false): Tensor {
  return apply('argmin', [x], { axis, keepDims });
}

// ---- linear algebra ----
/** Swaps the last two axes (the matrix transpose of every matrix in a batch). */
export function mT(x: Tensor): Tensor {
  const order = x.shape.map((_, i) => i);
  const n = order.length;
  order[n - 2] = n - 1;
  order[n - 1] = n - 2;
  return permute(x, order);
}

/**
 * Matrix product with NumPy's semantics (1-D operands, broadcast batch dimensions). The batch
 * broadcast is an explicit expand, so its gradient is summed back there.
 * @throws ShapeError `matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)`
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0 || a.shape[a.ndim - 1] !== b.shape[Math.max(b.ndim - 2, 0)]) {
    return new Tensor(T.matmul(a.value, b.value)); // throws the tensor package's error
  }
  // the common case first: two matrices of one dtype need no batch broadcast, cast or reshape
  if (a.ndim === 2 && b.ndim === 2 && a.dtype === b.dtype) return apply('matmul', [a, b], NONE);
  const A = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const B = b.ndim === 1 ? unsqueeze(b, 1) : b;
  const m = A.shape[A.ndim - 2]!, k = A.shape[A.ndim - 1]!, n = B.shape[B.ndim - 1]!;
  const batch = T.broadcastShapes('matmul', A.shape.slice(0, -2), B.shape.slice(0, -2));
  const dtype = promoteTypes(a.dtype, b.dtype);
  let out = apply('matmul', [fit(A, [...batch, m, k], dtype), fit(B, [...batch, k, n], dtype)], NONE);
  if (a.ndim === 1) out = squeeze(out, out.ndim - 2);
  if (b.ndim === 1) out = squeeze(out, out.ndim - 1);
  return out;
}

/**
 * A fully connected layer's map, as PyTorch's `F.linear`: y = x·Wᵀ + b, with x [..., in] (any
 * leading dimensions, or none), W [out, in] and b [out] (or null): y is [..., out]. One recorded
 * op: the product runs on W's transposed view (no copy) and b is added into it in place.
 * Dtypes promote as in matmul and add (a cast node where they differ); the result is float.
 * @throws ShapeError `linear: input [2,3] and weight [4,5] do not match (3 != 5)`
 * @throws DTypeError `linear: expected float operands, got int32 and int32`
 * @example
 * ```ts
 * import { linear, tensor } from '@chainrule/autograd';
 * linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 0, 1])).toArray(); // [[1, 2, 4]]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkLinear(x, weight, bias);
  const dtype = linearDtype(x, weight, bias);
  // the common case first: operands of one float dtype need no cast
  if (x.dtype === dtype && weight.dtype === dtype && (bias === null || bias.dtype === dtype)) {
    return apply('linear', bias === null ? [x, weight] : [x, weight, bias], NONE);
  }
  const inputs = [cast(x, dtype), cast(weight, dtype)];
  if (bias !== null) inputs.push(cast(bias, dtype));
  return apply('linear', inputs, NONE);
}

/** Validates linear's shapes before anything runs (so a failed call records nothing). */
function checkLinear(x: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (weight.ndim !== 2) throw new T.ShapeError('linear', `weight must be 2-D [out, in], got ${T.fmtShape(weight.shape)}`);
  if (x.ndim === 0) throw new T.ShapeError('linear', `input must have at least 1 dimension [..., in], got ${T.fmtShape(x.shape)}`);
  const k = x.shape[x.ndim - 1]!, kw = weight.shape[1]!;
  if (k !== kw) throw new T.ShapeError('linear', `input ${T.fmtShape(x.shape)} and weight ${T.fmtShape(weight.shape)} do not match (${k} != ${kw})`);
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new T.ShapeError('linear', `bias must have shape [${weight.shape[0]}] for weight ${T.fmtShape(weight.shape)}, got ${T.fmtShape(bias.shape)}`);
  }
}

/** The common dtype of linear's operands (matmul's and add's promotion); it must be a float. */
function linearDtype(x: Tensor, weight: Tensor, bias: Tensor | null): DType {
  let dtype = x.dtype === weight.dtype ? x.dtype : promoteTypes(x.dtype, weight.dtype);
  if (bias !== null && bias.dtype !== dtype) dtype = promoteTypes(dtype, bias.dtype);
  if (!isFloat(dtype)) {
    const names = bias === null ? `${x.dtype} and ${weight.dtype}` : `${x.dtype}, ${weight.dtype} and ${bias.dtype}`;
    throw new T.DTypeError('linear', `expected float operands, got ${names}`);
  }
  return dtype;
}

// ---- shape ----
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = x.value.reshape(shape).shape; // validates and resolves -1
  if (T.shapesEqual(target, x.shape)) return x;
  return apply('reshape', [x], { shape: [...target] });
}
export function flatten(x: Tensor, startAxis = 0): Tensor {
  const s = T.normalizeAxis('flatten', startAxis, Math.max(x.ndim, 1));
  return reshape(x, [...x.shape.slice(0, s), -1]);
}
export function permute(x: Tensor, order: readonly number[]): Tensor {
  x.value.permute(order); // validates
  const axes = order.map((a) => T.normalizeAxis('permute', a, x.ndim));
  if (axes.every((a, i) => a === i)) return x;
  return apply('permute', [x], { order: axes });
}
/** Reverses the axes, or swaps the two given ones. */
export function transpose(x: Tensor, axis0?: number, axis1?: number): Tensor {
  if (axis0 === undefined || axis1 === undefined) return permute(x, x.shape.map((_, i) => x.ndim - 1 - i));
  const a = T.normalizeAxis('transpose', axis0, x.ndim), b = T.normalizeAxis('transpose', axis1, x.ndim);
  const order = x.shape.map((_, i) => i);
  order[a] = b;
  order[b] = a;
  return permute(x, order);
}
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  x.value.expand(shape); // validates
  if (T.shapesEqual(shape, x.shape)) return x;
  return apply('expand', [x], { shape: [...shape] });
}
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  return reshape(x, x.value.squeeze(axes).shape);
}
export function unsqueeze(x: Tensor, axis: number): Tensor {
  return reshape(x, x.value.unsqueeze(axis).shape);
}
/** Python-style `x[start:stop:step]` along one axis (a view). */
export function slice(x: Tensor, axis: number, start?: number, stop?: number, step = 1): Tensor {
  const ax = T.normalizeAxis('slice', axis, x.ndim);
  const n = x.shape[ax]!;
  const s = start ?? (step > 0 ? 0 : n - 1);
  const e = stop ?? (step > 0 ? n : -n - 1);
  return apply('slice', [x], { axis: ax, start: s, stop: e, step });
}
/** Index `i` along `axis`, dropping the axis. */
export function select(x: Tensor, axis: number, i: number): Tensor {
  const ax = T.normalizeAxis('select', axis, x.ndim);
  x.value.select(ax, i); // validates the index
  const k = i < 0 ? i + x.shape[ax]! : i;
  return squeeze(slice(x, ax, k, k + 1), ax);
}
/** Sums a broadcast gradient back to `shape` (expand's gradient). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (T.shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes, true), shape);
}
/** Places `g` into zeros of `shape` at a slice (slice's gradient). */
export function sliceBackward(g: Tensor, shape: number[], axis: number, start: number, stop: number, step: number): Tensor {
  return apply('sliceBackward', [g], { shape, axis, start, stop, step });
}

// ---- joining and selecting ----
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) return new Tensor(T.concat([], axis));
  const ax = T.normalizeAxis('concat', axis, Math.max(xs[0]!.ndim, 1));
  let dtype = xs[0]!.dtype;
  for (const x of xs) dtype = promoteTypes(dtype, x.dtype);
  // the forward (T.concat) validates the shapes
  return apply('concat', xs.map((x) => cast(x, dtype)), { axis: ax });
}
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) return new Tensor(T.stack([], axis));
  const ax = T.normalizeAxis('stack', axis, xs[0]!.ndim + 1);
  xs.forEach((x, i) => {
    if (!T.shapesEqual(x.shape, xs[0]!.shape)) {
      throw new T.ShapeError('stack', `array ${i} has shape ${T.fmtShape(x.shape)}, expected ${T.fmtShape(xs[0]!.shape)} (all must match)`);
    }
  });
  return concat(xs.map((x) => unsqueeze(x, ax)), ax);
}
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  const ax = T.normalizeAxis('split', axis, x.ndim);
  const pieces = T.split(x.value, sizeOrSections, ax);
  let at = 0;
  return pieces.map((p) => {
    const n = p.shape[ax]!;
    const out = slice(x, ax, at, at + n);
    at += n;
    return out;
  });
}
/** torch.gather along `axis` with an int32 index tensor. */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  return apply('gather', [x, index], { axis: T.normalizeAxis('gather', axis, x.ndim) });
}
/** Zeros of `shape` with `src` added at `index` along `axis`. */
export function scatterAdd(shape: readonly number[], axis: number, index: Tensor, src: Tensor): Tensor {
  return apply('scatterAdd', [index, src], { shape: [...shape], axis: T.normalizeAxis('scatterAdd', axis, shape.length) });
}
/** Whole slices along `axis` picked by a 1-D int32 index (embedding lookup); the gradient scatter-adds. */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  const ax = T.normalizeAxis('indexSelect', axis, x.ndim);
  if (index.ndim !== 1) throw new T.ShapeError('indexSelect', `index must be 1-D, got shape ${T.fmtShape(index.shape)}`);
  if (index.dtype !== 'int32') throw new T.DTypeError('indexSelect', `index must be int32, got ${index.dtype}`);
  const n = x.shape[ax]!;
  const iv = index.value.contiguous();
  for (let i = 0; i < iv.size; i++) {
    const v = iv.data[iv.offset + i]!;
    if (v < 0 || v >= n) throw new T.RangeError('indexSelect', `index ${v} is out of range for axis ${ax} of size ${n} (at position ${i})`);
  }
  const shape = x.shape.map((d, i) => (i === ax ? index.size : d));
  const idxShape = x.shape.map((_, i) => (i === ax ? index.size : 1));
  const full = T.getBackend().copy(index.value.reshape(idxShape).expand(shape), 'int32');
  return gather(x, ax, new Tensor(full));
}
/** One-hot rows for int32 labels (no gradient). */
export function oneHot(labels: Tensor, numClasses: number, dtype: DType = 'float32'): Tensor {
  return new Tensor(T.oneHot(labels.value, numClasses, dtype));
}
