/**
 * Method forms of the differentiable ops (`x.mul(y)` for `mul(x, y)`), attached to Tensor's
 * prototype once, with their types merged into the class.
 */
import type { DType, VarianceOptions, Axes } from '@chainrule/tensor';
import { backward, type BackwardOptions } from './engine.js';
import * as F from './ops/functions.js';
import type { TensorLike } from './ops/functions.js';
import { addScaledInPlace, binaryInPlace, copyInPlace } from './in-place.js';
import { Tensor } from './tensor.js';

type UnaryName = 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'square' | 'reciprocal' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'erf' | 'softplus' | 'floor' | 'ceil' | 'round' | 'mT';
type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

declare module './tensor.js' {
  interface Tensor {
    neg(): Tensor; abs(): Tensor; sign(): Tensor; exp(): Tensor; log(): Tensor; log1p(): Tensor; expm1(): Tensor;
    sqrt(): Tensor; square(): Tensor; reciprocal(): Tensor; sin(): Tensor; cos(): Tensor; tanh(): Tensor;
    sigmoid(): Tensor; relu(): Tensor; erf(): Tensor; softplus(): Tensor; floor(): Tensor; ceil(): Tensor; round(): Tensor;
    /** The matrix transpose of the last two axes. */
    mT(): Tensor;
    add(b: TensorLike): Tensor; sub(b: TensorLike): Tensor; mul(b: TensorLike): Tensor; div(b: TensorLike): Tensor;
    pow(b: TensorLike): Tensor; maximum(b: TensorLike): Tensor; minimum(b: TensorLike): Tensor;
    eq(b: TensorLike): Tensor; ne(b: TensorLike): Tensor; lt(b: TensorLike): Tensor; le(b: TensorLike): Tensor;
    gt(b: TensorLike): Tensor; ge(b: TensorLike): Tensor;
    clamp(min?: number, max?: number): Tensor;
    cast(dtype: DType): Tensor;
    sum(axis?: Axes, keepDims?: boolean): Tensor; mean(axis?: Axes, keepDims?: boolean): Tensor;
    max(axis?: Axes, keepDims?: boolean): Tensor; min(axis?: Axes, keepDims?: boolean): Tensor;
    prod(axis?: Axes, keepDims?: boolean): Tensor;
    argmax(axis?: number, keepDims?: boolean): Tensor; argmin(axis?: number, keepDims?: boolean): Tensor;
    variance(axis?: Axes, options?: VarianceOptions): Tensor; std(axis?: Axes, options?: VarianceOptions): Tensor;
    logsumexp(axis?: Axes, keepDims?: boolean): Tensor;
    softmax(axis?: number): Tensor; logSoftmax(axis?: number): Tensor;
    matmul(b: Tensor): Tensor;
    reshape(shape: readonly number[]): Tensor; flatten(startAxis?: number): Tensor;
    permute(order: readonly number[]): Tensor; transpose(axis0?: number, axis1?: number): Tensor;
    expand(shape: readonly number[]): Tensor; broadcastTo(shape: readonly number[]): Tensor;
    squeeze(axes?: number | readonly number[]): Tensor; unsqueeze(axis: number): Tensor;
    slice(axis: number, start?: number, stop?: number, step?: number): Tensor;
    select(axis: number, i: number): Tensor;
    gather(axis: number, index: Tensor): Tensor;
    indexSelect(axis: number, index: Tensor): Tensor;
    split(sizeOrSections: number | readonly number[], axis?: number): Tensor[];
    where(cond: Tensor, other: TensorLike): Tensor;
    /** Runs the chain rule from this tensor, accumulating into the leaves' `.grad`. */
    backward(gradOutput?: Tensor | number, options?: BackwardOptions): void;
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
    /** Nested JS arrays of the values. */
    toArray(): unknown;
    toString(): string;
  }
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
const unaries: UnaryName[] = ['neg', 'abs', 'sign', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'square', 'reciprocal', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'erf', 'softplus', 'floor', 'ceil', 'round', 'mT'];
for (const name of unaries) {
  const fn = F[name];
  proto[name] = function (this: Tensor) { return fn(this); };
}
const binaries: BinaryName[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
for (const name of binaries) {
  const fn = F[name];
  proto[name] = function (this: Tensor, b: TensorLike) { return fn(this, b); };
}

const P = Tensor.prototype;
P.clamp = function (min?: number, max?: number) { return F.clamp(this, min, max); };
P.cast = function (dtype: DType) { return F.cast(this, dtype); };
P.sum = function (axis?: Axes, keepDims?: boolean) { return F.sum(this, axis, keepDims); };
P.mean = function (axis?: Axes, keepDims?: boolean) { return F.mean(this, axis, keepDims); };
P.max = function (axis?: Axes, keepDims?: boolean) { return F.max(this, axis, keepDims); };
P.min = function (axis?: Axes, keepDims?: boolean) { return F.min(this, axis, keepDims); };
P.prod = function (axis?: Axes, keepDims?: boolean) { return F.prod(this, axis, keepDims); };
P.argmax = function (axis?: number, keepDims?: boolean) { return F.argmax(this, axis, keepDims); };
P.argmin = function (axis?: number, keepDims?: boolean) { return F.argmin(this, axis, keepDims); };
P.variance = function (axis?: Axes, options?: VarianceOptions) { return F.variance(this, axis, options); };
P.std = function (axis?: Axes, options?: VarianceOptions) { return F.std(this, axis, options); };
P.logsumexp = function (axis?: Axes, keepDims?: boolean) { return F.logsumexp(this, axis, keepDims); };
P.softmax = function (axis?: number) { return F.softmax(this, axis); };
P.logSoftmax = function (axis?: number) { return F.logSoftmax(this, axis); };
P.matmul = function (b: Tensor) { return F.matmul(this, b); };
P.reshape = function (shape: readonly number[]) { return F.reshape(this, shape); };
P.flatten = function (startAxis?: number) { return F.flatten(this, startAxis); };
P.permute = function (order: readonly number[]) { return F.permute(this, order); };
P.transpose = function (axis0?: number, axis1?: number) { return F.transpose(this, axis0, axis1); };
P.expand = function (shape: readonly number[]) { return F.expand(this, shape); };
P.broadcastTo = function (shape: readonly number[]) { return F.expand(this, shape); };
P.squeeze = function (axes?: number | readonly number[]) { return F.squeeze(this, axes); };
P.unsqueeze = function (axis: number) { return F.unsqueeze(this, axis); };
P.slice = function (axis: number, start?: number, stop?: number, step?: number) { return F.slice(this, axis, start, stop, step); };
P.select = function (axis: number, i: number) { return F.select(this, axis, i); };
P.gather = function (axis: number, index: Tensor) { return F.gather(this, axis, index); };
P.indexSelect = function (axis: number, index: Tensor) { return F.indexSelect(this, axis, index); };
P.split = function (sizeOrSections: number | readonly number[], axis?: number) { return F.split(this, sizeOrSections, axis); };
P.where = function (cond: Tensor, other: TensorLike) { return F.where(cond, this, other); };
P.backward = function (gradOutput?: Tensor | number, options?: BackwardOptions) { backward(this, gradOutput, options); };
P.addInPlace = function (b: TensorLike) { return binaryInPlace('add', 'addInPlace', this, b); };
P.subInPlace = function (b: TensorLike) { return binaryInPlace('sub', 'subInPlace', this, b); };
P.mulInPlace = function (b: TensorLike) { return binaryInPlace('mul', 'mulInPlace', this, b); };
P.divInPlace = function (b: TensorLike) { return binaryInPlace('div', 'divInPlace', this, b); };
P.copyInPlace = function (src: TensorLike) { return copyInPlace(this, src); };
P.addScaledInPlace = function (x: Tensor, alpha: number) { return addScaledInPlace(this, x, alpha); };
P.toArray = function () { return this.value.toArray(); };
P.toString = function () {
  const body = this.value.toString().replace(/^array\(/, 'tensor(').replace(/\n {6}/g, '\n       ');
  const extra = this.node !== null ? `, op=${this.node.op}` : this.requiresGrad ? ', requiresGrad=true' : '';
  return body.replace(/\)$/, `${extra})`);
};
