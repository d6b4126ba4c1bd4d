import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { Tensor } from '../tensor.js';
import { customBackward, customForward } from '../custom-op.js';
import type { OpName, OpParams } from './params.js';
import * as F from './functions.js';
import { binary, binaryOp, unaryOp } from './forward.js';
import { isGradEnabled } from '../grad-mode.js';
import { fold as foldCols, unfold as unfoldCols } from './conv.js';
import { oneAxisExtremumGrad } from './extremum-grad.js';
import { fusedActivationGrad } from './fused-grads.js';
import { linearBackward, linearForward } from './linear.js';

/** What a derivative rule sees: the op's inputs and output (as graph tensors) and its parameters. */
export interface RuleContext<P> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly params: P;
}

/** Which recorded values a rule reads; an in-place edit of one of them before backward is an error. */
export type Uses = 'none' | 'inputs' | 'output' | 'both';

/**
 * One input's gradient on plain numbers, for 0-d float operands (the scalar path of the engine):
 * `g` the incoming gradient, `a` and `b` the inputs' values (`b` is NaN for a unary op), `out` the
 * output's value, and `r` rounds to the operands' dtype (`Math.fround` for float32). It must round
 * every intermediate result exactly where the tensor rule's ops store one, so both give the same bits.
 * @example
 * ```ts
 * // tanh's rule F.mul(g, F.sub(1, F.square(output))) stores three results, so it rounds three times
 * const tanhGrad: ScalarGrad = (g, _x, _y, out, r) => r(g * r(1 - r(out * out)));
 * ```
 */
export type ScalarGrad = (g: number, a: number, b: number, out: number, r: (v: number) => number) => number;

export interface DifferentiableOp<P> {
  readonly forward: (inputs: readonly NDArray[], params: P) => NDArray;
  readonly uses: Uses;
  /**
   * One gradient per input (null where none flows), each with its input's shape and dtype.
   * Written with differentiable ops, so gradients of gradients work.
   */
  readonly backward: (grad: Tensor, ctx: RuleContext<P>) => readonly (Tensor | null)[];
  /**
   * The same rule on numbers, one function per input, for elementwise ops: the engine uses it
   * for 0-d float operands when no graph of the backward pass is recorded (no allocation per op).
   */
  readonly scalar?: readonly ScalarGrad[];
}

export interface NonDifferentiableOp<P> {
  readonly forward: (inputs: readonly NDArray[], params: P) => NDArray;
  readonly differentiable: false;
}

export type OpDef<P> = DifferentiableOp<P> | NonDifferentiableOp<P>;

/** Whether the last two axes of x are a transpose of a row-major matrix (strides [1, rows]), like mT(W). */
function transposedLayout(x: NDArray): boolean {
  const nd = x.ndim;
  if (nd < 2) return false;
  const rows = x.shape[nd - 2]!, cols = x.shape[nd - 1]!;
  return rows > 1 && cols > 1 && x.strides[nd - 2] === 1 && x.strides[nd - 1] === rows;
}

/** Every op has an entry: leaving one out fails to compile. */
type OpTable = { readonly [K in OpName]: OpDef<OpParams[K]> };

const nonDiff = <P>(forward: (inputs: readonly NDArray[], params: P) => NDArray): NonDifferentiableOp<P> => ({ forward, differentiable: false });

/** The gradient of a reduction, reshaped with the reduced axes kept (size 1) so it broadcasts back. */
function keptGrad(grad: Tensor, inputShape: readonly number[], axes: readonly number[], keepDims: boolean): Tensor {
  return keepDims ? grad : F.reshape(grad, T.keptShape(inputShape, axes));
}

export const OPS: OpTable = {
  // ---- unary ----
  // d(-x) = -1
  neg: { forward: unaryOp('neg'), uses: 'none', backward: (g) => [F.neg(g)], scalar: [(g) => -g] },
  // d|x| = sign(x), 0 at 0
  abs: { forward: unaryOp('abs'), uses: 'inputs', backward: (g, { inputs: [x] }) => [F.mul(g, F.sign(x!))] },
  // d e^x = e^x
  exp: { forward: unaryOp('exp'), uses: 'output', backward: (g, { output }) => [F.mul(g, output)], scalar: [(g, _x, _y, out, r) => r(g * out)] },
  // d log x = 1/x
  log: { forward: unaryOp('log'), uses: 'inputs', backward: (g, { inputs: [x] }) => [F.div(g, x!)], scalar: [(g, x, _y, _out, r) => r(g / x)] },
  // d log(1+x) = 1/(1+x)
  log1p: { forward: unaryOp('log1p'), uses: 'inputs', backward: (g, { inputs: [x] }) => [F.div(g, F.add(x!, 1))] },
  // d (e^x - 1) = e^x
  expm1: { forward: unaryOp('expm1'), uses: 'output', backward: (g, { output }) => [F.mul(g, F.add(output, 1))] },
  // d √x = 1/(2√x)
  sqrt: { forward: unaryOp('sqrt'), uses: 'output', backward: (g, { output }) => [F.div(g, F.mul(output, 2))], scalar: [(g, _x, _y, out, r) => r(g / r(out * 2))] },
  // d x² = 2x
  square: { forward: unaryOp('square'), uses: 'inputs', backward: (g, { inputs: [x] }) => [F.mul(g, F.mul(x!, 2))], scalar: [(g, x, _y, _out, r) => r(g * r(x * 2))] },
  // d (1/x) = -1/x²
  reciprocal: { forward: unaryOp('reciprocal'), uses: 'output', backward: (g, { output }) => [F.neg(F.mul(g, F.square(output)))], scalar: [(g, _x, _y, out, r) => -r(g * r(out * out))] },
  // d sin x = cos x
  sin: { forward: unaryOp('sin'), uses: 'inputs', backward: (g, { inputs: [x] }) => [F.mul(g, F.cos(x!))], scalar: [(g, x, _y, _out, r) => r(g * r(Math.cos(x)))] },
  // d cos x = -sin x
  cos: { forward: unaryOp('cos'), uses: 'inputs', backward: (g, { inputs: [x] }) => [F.neg(F.mul(g, F.sin(x!)))], scalar: [(g, x, _y, _out, r) => -r(g * r(Math.sin(x)))] },
  // d tanh x = 1 - tanh(x)²
  tanh: { forward: unaryOp('tanh'), uses: 'output', backward: (g, { output }) => [fusedActivationGrad('tanh', g, output) ?? F.mul(g, F.sub(1, F.square(output)))], scalar: [(g, _x, _y, out, r) => r(g * r(1 - r(out * out)))] },
  // d σ(x) = σ(x)(1 - σ(x))
  sigmoid: { forward: unaryOp('sigmoid'), uses: 'output', backward: (g, { output }) => [fusedActivationGrad('sigmoid', g, output) ?? F.mul(g, F.mul(output, F.sub(1, output)))], scalar: [(g, _x, _y, out, r) => r(g * r(out * r(1 - out)))] },
  // d relu(x) = 1 if x > 0 else 0 (0 at 0, as PyTorch)
  relu: { forward: unaryOp('relu'), uses: 'inputs', backward: (g, { inputs: [x] }) => [fusedActivationGrad('relu', g, x!) ?? F.mul(g, F.gt(x!, 0))], scalar: [(g, x) => g * (x > 0 ? 1 : 0)] },
  // d erf x = (2/√π) e^{-x²}
  erf: { forward: unaryOp('erf'), uses: 'inputs', backward: (g, { inputs: [x] }) => [F.mul(g, F.mul(F.exp(F.neg(F.square(x!))), 2 / Math.sqrt(Math.PI)))] },
  // d softplus(x) = σ(x)
  softplus: { forward: unaryOp('softplus'), uses: 'inputs', backward: (g, { inputs: [x] }) => [F.mul(g, F.sigmoid(x!))] },
  // d clamp(x) = 1 inside [min, max] (boundaries included, as PyTorch), 0 outside
  clamp: {
    forward: (inputs, p) => T.clamp(inputs[0]!, p.min, p.max),
    uses: 'inputs',
    backward: (g, { inputs: [x], params: p }) => [F.mul(F.mul(g, F.ge(x!, p.min)), F.le(x!, p.max))],
  },
  // d cast(x) = 1, cast back to x's dtype
  cast: {
    forward: (inputs, p) => T.cast(inputs[0]!, p.dtype),
    uses: 'none',
    backward: (g, { inputs: [x] }) => [F.cast(g, x!.dtype)],
  },

  // ---- binary (inputs already broadcast to one shape and dtype) ----
  // d(a+b) = (1, 1)
  add: { forward: binaryOp('add'), uses: 'none', backward: (g) => [g, g], scalar: [(g) => g, (g) => g] },
  // d(a-b) = (1, -1)
  sub: { forward: binaryOp('sub'), uses: 'none', backward: (g, { inputs: [, b] }) => [g, b!.requiresGrad ? F.neg(g) : null], scalar: [(g) => g, (g) => -g] },
  // d(ab) = (b, a)
  mul: {
    forward: binaryOp('mul'),
    uses: 'inputs',
    backward: (g, { inputs: [a, b] }) => [a!.requiresGrad ? F.mul(g, b!) : null, b!.requiresGrad ? F.mul(g, a!) : null],
    scalar: [(g, _a, b, _out, r) => r(g * b), (g, a, _b, _out, r) => r(g * a)],
  },
  // d(a/b) = (1/b, -a/b²)
  div: {
    forward: binaryOp('div'),
    uses: 'inputs',
    backward: (g, { inputs: [a, b] }) => [
      a!.requiresGrad ? F.div(g, b!) : null,
      b!.requiresGrad ? F.neg(F.div(F.mul(g, a!), F.square(b!))) : null,
    ],
    scalar: [(g, _a, b, _out, r) => r(g / b), (g, a, b, _out, r) => -r(r(g * a) / r(b * b))],
  },
  // d a^b = (b a^(b-1), a^b log a). The first is 0 at 0^0 (a^0 = 1 for every a), the second 0
  // where a <= 0 (as PyTorch); both masks are double wheres, so no inf or NaN leaks into any order.
  pow: {
    forward: binaryOp('pow'),
    uses: 'both',
    backward: (g, { inputs: [a, b], output }) => {
      let ga: Tensor | null = null, gb: Tensor | null = null;
      if (a!.requiresGrad) {
        const zeroToZero = F.logicalAnd(F.eq(b!, 0), F.eq(a!, 0));
        const safeB = F.where(zeroToZero, 1, b!);
        ga = F.where(zeroToZero, 0, F.mul(g, F.mul(safeB, F.pow(a!, F.sub(safeB, 1)))));
      }
      if (b!.requiresGrad) {
        const positive = F.gt(a!, 0);
        const safeLog = F.where(positive, F.log(F.where(positive, a!, 1)), 0);
        gb = F.mul(g, F.mul(output, safeLog));
      }
      return [ga, gb];
    },
  },
  // d max(a,b) = 1 to the larger, split evenly on ties
  maximum: { forward: binaryOp('maximum'), uses: 'inputs', backward: (g, { inputs: [a, b] }) => winnerGrads(g, F.gt(a!, b!), F.eq(a!, b!)) },
  // d min(a,b) = 1 to the smaller, split evenly on ties
  minimum: { forward: binaryOp('minimum'), uses: 'inputs', backward: (g, { inputs: [a, b] }) => winnerGrads(g, F.lt(a!, b!), F.eq(a!, b!)) },
  // d where(c, a, b) = (none, c, not c)
  where: {
    forward: (inputs) => T.where(inputs[0]!, inputs[1]!, inputs[2]!),
    uses: 'inputs',
    backward: (g, { inputs: [c] }) => [null, F.where(c!, g, 0), F.where(c!, 0, g)],
  },

  // ---- reductions ----
  // d Σx = 1 for every element: the gradient is broadcast back
  sum: {
    forward: (inputs, p) => T.sum(inputs[0]!, p.axes, p.keepDims),
    uses: 'none',
    backward: (g, { inputs: [x], params: p }) => [F.expand(keptGrad(g, x!.shape, p.axes, p.keepDims), x!.shape)],
  },
  // d max = 1 at the maxima, split evenly among ties
  max: { forward: (inputs, p) => T.max(inputs[0]!, p.axes, p.keepDims), uses: 'both', backward: (g, ctx) => [extremumGrad(g, ctx)] },
  // d min = 1 at the minima, split evenly among ties
  min: { forward: (inputs, p) => T.min(inputs[0]!, p.axes, p.keepDims), uses: 'both', backward: (g, ctx) => [extremumGrad(g, ctx)] },
  // d Πx / dx_i = Π_{j≠i} x_j. A plain backward divides, Πx / x_i, when that is safe (no 0, no
  // under- or overflow); otherwise, and whenever the backward is recorded to be differentiated
  // again (where Πx / x_i would cancel catastrophically), the exact products of the others.
  prod: {
    forward: (inputs, p) => T.prod(inputs[0]!, p.axes, p.keepDims),
    uses: 'both',
    backward: (g, { inputs: [x], output, params: p }) => {
      const gk = keptGrad(g, x!.shape, p.axes, p.keepDims);
      if (!isGradEnabled() && allNormal(output.value)) return [F.div(F.mul(gk, keptGrad(output, x!.shape, p.axes, p.keepDims)), x!)];
      return [F.mul(gk, productOfOthers(x!, p.axes))];
    },
  },

  // ---- linear algebra (both operands at least 2-D, batch dims already broadcast) ----
  // d(AB) = (G Bᵀ, Aᵀ G)
  matmul: {
    forward: binary(T.matmul),
    uses: 'inputs',
    // d(AB) = dA·B + A·dB: ∂A = G·Bᵀ, ∂B = Aᵀ·G. An operand that is a transposed view (nn's x·Wᵀ)
    // gets its gradient as the transpose of a contiguous product, ∂B = (Gᵀ·A)ᵀ, so that it arrives
    // at the leaf in the leaf's own layout (same sums over the same index, no strided copy later).
    backward: (g, { inputs: [a, b] }) => [
      a!.requiresGrad ? (transposedLayout(a!.value) ? F.mT(F.matmul(b!, F.mT(g))) : F.matmul(g, F.mT(b!))) : null,
      b!.requiresGrad ? (transposedLayout(b!.value) ? F.mT(F.matmul(F.mT(g), a!)) : F.matmul(F.mT(a!), g)) : null,
    ],
  },

  // d(x·Wᵀ + b) = (G·W, Gᵀ·x, Σ G over the leading axes), each only where its input requires grad
  linear: { forward: linearForward, uses: 'inputs', backward: (g, { inputs }) => linearBackward(g, inputs) },

  // ---- shape and data movement ----
  // d reshape = reshape back
  reshape: { forward: (inputs, p) => inputs[0]!.reshape(p.shape), uses: 'none', backward: (g, { inputs: [x] }) => [F.reshape(g, x!.shape)] },
  // d permute = the inverse permutation
  permute: {
    forward: (inputs, p) => inputs[0]!.permute(p.order),
    uses: 'none',
    backward: (g, { params: p }) => [F.permute(g, inversePermutation(p.order))],
  },
  // d expand = sum over the broadcast axes: the one place broadcasting is undone
  expand: { forward: (inputs, p) => inputs[0]!.expand(p.shape), uses: 'none', backward: (g, { inputs: [x] }) => [F.sumToShape(g, x!.shape)] },
  // d slice = the gradient placed back into zeros
  slice: {
    forward: (inputs, p) => inputs[0]!.slice(p.axis, p.start, p.stop, p.step),
    uses: 'none',
    backward: (g, { inputs: [x], params: p }) => [F.sliceBackward(g, [...x!.shape], p.axis, p.start, p.stop, p.step)],
  },
  // d (place into zeros) = take the slice again
  sliceBackward: {
    forward: (inputs, p) => {
      const out = T.zeros(p.shape, inputs[0]!.dtype);
      T.getBackend().assign(out.slice(p.axis, p.start, p.stop, p.step), inputs[0]!);
      return out;
    },
    uses: 'none',
    backward: (g, { params: p }) => [F.slice(g, p.axis, p.start, p.stop, p.step)],
  },
  // d concat = split the gradient into the inputs' pieces
  concat: {
    forward: (inputs, p) => T.concat(inputs, p.axis),
    uses: 'none',
    backward: (g, { inputs, params: p }) => {
      let at = 0;
      return inputs.map((x) => {
        const n = x.shape[p.axis]!;
        const piece = F.slice(g, p.axis, at, at + n, 1);
        at += n;
        return piece;
      });
    },
  },
  // d gather = scatter-add the gradient back to the picked positions
  gather: {
    forward: (inputs, p) => T.gather(inputs[0]!, p.axis, inputs[1]!),
    uses: 'inputs',
    backward: (g, { inputs: [x, index], params: p }) => [F.scatterAdd([...x!.shape], p.axis, index!, g), null],
  },
  // d scatterAdd = gather the gradient from the same positions
  scatterAdd: {
    forward: (inputs, p) => T.scatterAdd(p.shape, p.axis, inputs[0]!, inputs[1]!),
    uses: 'inputs',
    backward: (g, { inputs: [index], params: p }) => [null, F.gather(g, p.axis, index!)],
  },

  // ---- not differentiable: their results never require grad ----
  sign: nonDiff(unaryOp('sign')),
  floor: nonDiff(unaryOp('floor')),
  ceil: nonDiff(unaryOp('ceil')),
  round: nonDiff(unaryOp('round')),
  eq: nonDiff(binary(T.eq)),
  ne: nonDiff(binary(T.ne)),
  lt: nonDiff(binary(T.lt)),
  le: nonDiff(binary(T.le)),
  gt: nonDiff(binary(T.gt)),
  ge: nonDiff(binary(T.ge)),
  argmax: nonDiff((inputs, p) => T.argmax(inputs[0]!, p.axis, p.keepDims)),
  argmin: nonDiff((inputs, p) => T.argmin(inputs[0]!, p.axis, p.keepDims)),

  // ---- user-defined ops (customOp): their own forward and backward ----
  custom: { forward: customForward, uses: 'both', backward: customBackward },

  // ---- sliding windows: each is the other's adjoint, so gradients of any order work ----
  // d unfold = fold: each column entry's gradient goes back to the input position it was read from
  unfold: {
    forward: (inputs, p) => T.im2col(inputs[0]!, p.options, p.padValue),
    uses: 'none',
    backward: (g, { inputs: [x], params: p }) => [foldCols(g, [x!.shape[2]!, x!.shape[3]!], p.options)],
  },
  // d fold = unfold (zero padding): each column entry reads the gradient of the position it was added to
  fold: {
    forward: (inputs, p) => T.col2im(inputs[0]!, p.outputSize, p.options),
    uses: 'none',
    backward: (g, { params: p }) => [unfoldCols(g, p.options, 0)],
  },
};

/** Gradients of maximum/minimum: all to the winner, half each on a tie. */
function winnerGrads(g: Tensor, aWins: Tensor, tie: Tensor): [Tensor, Tensor] {
  const half = F.mul(F.mul(g, tie), 0.5);
  return [F.add(F.mul(g, aWins), half), F.add(F.mul(g, F.logicalNot(F.logicalOr(aWins, tie))), half)];
}

/** max/min reductions: the gradient goes to the elements equal to the result, split evenly. */
function extremumGrad(g: Tensor, { inputs: [x], output, params: p }: RuleContext<OpParams['max']>): Tensor {
  const gk = keptGrad(g, x!.shape, p.axes, p.keepDims);
  const ok = keptGrad(output, x!.shape, p.axes, p.keepDims);
  if (!isGradEnabled() && p.axes.length === 1) {
    // fused, bit-identical to the chain below (which stays for createGraph: it differentiates again)
    const fused = oneAxisExtremumGrad(x!.value, ok.value, gk.value, p.axes[0]!);
    if (fused !== undefined) return new Tensor(fused);
  }
  const mask = F.eq(x!, ok);
  const count = F.sum(F.cast(mask, x!.dtype), p.axes, true);
  return F.div(F.mul(gk, mask), count);
}

/** Whether every |element| is a finite normal number (so nothing is 0 and nothing underflowed). */
function allNormal(x: NDArray): boolean {
  const smallest = x.dtype === 'float32' ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
  const c = x.contiguous();
  for (let i = 0; i < c.size; i++) {
    const v = Math.abs(c.data[c.offset + i]!);
    if (!(v >= smallest && v < Infinity)) return false;
  }
  return true;
}

/**
 * For each element, the product of the other elements of its reduced slice, without dividing
 * (so zeros are exact, and it differentiates again correctly): the reduced axes are moved last
 * and flattened to n, each slice is repeated n times with the diagonal set to 1, and multiplied out.
 */
function productOfOthers(x: Tensor, axes: readonly number[]): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const order = [...kept, ...axes];
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const keptShape = kept.map((i) => x.shape[i]!);
  const rows = F.reshape(F.permute(x, order), [...keptShape, n]);
  const repeated = F.expand(F.unsqueeze(rows, -2), [...keptShape, n, n]);
  const positions = T.arange(0, n, 1, 'int32');
  const diagonal = new Tensor(T.eq(positions.reshape([n, 1]), positions.reshape([1, n])));
  const others = F.prod(F.where(diagonal, 1, repeated), -1);
  const unflat = F.reshape(others, order.map((i) => x.shape[i]!));
  return F.permute(unflat, inversePermutation(order));
}

function inversePermutation(order: readonly number[]): number[] {
  const inv = new Array<number>(order.length);
  order.forEach((o, i) => { inv[o] = i; });
  return inv;
}
