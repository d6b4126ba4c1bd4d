/**
 * The local derivative of every op, for people: a formula in the labels of the op's inputs and
 * output, and (for elementwise ops) its value. Keyed by op name and typed over OpName, so a new
 * op without an entry here fails to compile.
 */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import type { OpName, OpParams } from '../ops/params.js';
import { formatShape } from './format.js';

/** The labels and shapes a formula is written in. */
export interface FormulaContext<P> {
  /** The output's label. */
  readonly out: string;
  /** The inputs' labels, in input order. */
  readonly inputs: readonly string[];
  readonly params: P;
  readonly inputShapes: readonly (readonly number[])[];
  readonly outShape: readonly number[];
}

interface RuleBase<P> {
  /** The forward op written with its labels, e.g. `q + z` or `tanh(x)`. */
  readonly expression: (c: FormulaContext<P>) => string;
}

/**
 * An elementwise op: ∂out/∂input is a factor at each element, and the gradient that flows to
 * the input is the upstream gradient times that factor.
 */
export interface FactorRule<P> extends RuleBase<P> {
  readonly kind: 'factor';
  /** ∂out/∂input, one formula per input (null where no gradient flows). */
  readonly formulas: (c: FormulaContext<P>) => readonly (string | null)[];
  /** The factors' values, each of the output's shape (null where no gradient flows). */
  readonly values: (inputs: readonly NDArray[], output: NDArray, params: P) => readonly (NDArray | null)[];
}

/**
 * An op whose Jacobian is not a plain factor (matmul, reductions, shape ops): the formula gives
 * the input's gradient itself in terms of G, the upstream gradient ∂root/∂out.
 */
export interface VjpRule<P> extends RuleBase<P> {
  readonly kind: 'vjp';
  readonly formulas: (c: FormulaContext<P>) => readonly (string | null)[];
}

/** Not differentiable: no gradient flows through it. */
export interface NoGradRule<P> extends RuleBase<P> {
  readonly kind: 'none';
}

export type LocalDerivativeRule<P> = FactorRule<P> | VjpRule<P> | NoGradRule<P>;

/** One entry per op: leaving one out fails to compile. */
export type LocalDerivativeTable = { readonly [K in OpName]: LocalDerivativeRule<OpParams[K]> };

/** A label as an operand: parenthesized unless it is a plain name or a non-negative number. */
export function operand(label: string): string {
  return /^[\p{L}_][\p{L}\p{N}_'′]*$/u.test(label) || /^\d+(\.\d+)?(e[+-]?\d+)?$/.test(label) ? label : `(${label})`;
}

type UnaryFormula = (x: string, out: string) => string;
type UnaryValue = (x: NDArray, out: NDArray) => NDArray;

function unary<P>(show: (x: string) => string, formula: UnaryFormula, value: UnaryValue): FactorRule<P> {
  return {
    kind: 'factor',
    expression: (c) => show(c.inputs[0]!),
    formulas: (c) => [formula(operand(c.inputs[0]!), c.out)],
    values: ([x], out) => [value(x!, out)],
  };
}

const call = (name: string) => (x: string): string => `${name}(${x})`;
const nonDiff = <P>(expression: (c: FormulaContext<P>) => string): NoGradRule<P> => ({ kind: 'none', expression });
const binaryShow = (symbol: string) => (c: FormulaContext<unknown>): string => `${operand(c.inputs[0]!)} ${symbol} ${operand(c.inputs[1]!)}`;
const ones = (x: NDArray): NDArray => T.fullLike(x, 1);
const asFloat = (mask: NDArray, like: NDArray): NDArray => T.cast(mask, like.dtype);
const axesText = (axes: readonly number[]): string => `[${axes.join(',')}]`;

/** The axes along which `expand` broadcast `from` to `to` (leading new axes and stretched 1s). */
export function broadcastAxes(from: readonly number[], to: readonly number[]): number[] {
  const lead = to.length - from.length;
  const axes: number[] = [];
  for (let i = 0; i < to.length; i++) if (i < lead || (from[i - lead] === 1 && to[i] !== 1)) axes.push(i);
  return axes;
}

/** Gradient share of a winner in maximum/minimum: 1, ½ on a tie, 0 otherwise. */
function winnerShare(wins: NDArray, tie: NDArray, like: NDArray): NDArray {
  return T.add(asFloat(wins, like), T.mul(asFloat(tie, like), 0.5));
}

const reduction = (name: string) => (c: FormulaContext<{ axes: number[]; keepDims: boolean }>): string =>
  c.params.axes.length === c.inputShapes[0]!.length ? `${name}(${c.inputs[0]})` : `${name}(${c.inputs[0]}, axes ${axesText(c.params.axes)})`;

export const LOCAL_DERIVATIVES: LocalDerivativeTable = {
  // d(-x) = -1
  neg: unary((x) => `-${operand(x)}`, () => '-1', (x) => T.fullLike(x, -1)),
  // d|x| = sign(x)
  abs: unary((x) => `|${x}|`, (x) => `sign(${x})`, (x) => T.sign(x)),
  // d e^x = e^x
  exp: unary(call('exp'), (x) => `exp(${x})`, (_, out) => out),
  // d log x = 1/x
  log: unary(call('log'), (x) => `1/${x}`, (x) => T.reciprocal(x)),
  // d log(1+x) = 1/(1+x)
  log1p: unary(call('log1p'), (x) => `1/(1 + ${x})`, (x) => T.reciprocal(T.add(x, 1))),
  // d (e^x - 1) = e^x
  expm1: unary(call('expm1'), (x) => `exp(${x})`, (_, out) => T.add(out, 1)),
  // d √x = 1/(2√x)
  sqrt: unary(call('√'), (x) => `1/(2·√${x})`, (_, out) => T.reciprocal(T.mul(out, 2))),
  // d x² = 2x
  square: unary((x) => `${operand(x)}²`, (x) => `2·${x}`, (x) => T.mul(x, 2)),
  // d (1/x) = -1/x²
  reciprocal: unary((x) => `1/${operand(x)}`, (x) => `-1/${x}²`, (_, out) => T.neg(T.square(out))),
  // d sin x = cos x
  sin: unary(call('sin'), (x) => `cos(${x})`, (x) => T.cos(x)),
  // d cos x = -sin x
  cos: unary(call('cos'), (x) => `-sin(${x})`, (x) => T.neg(T.sin(x))),
  // d tanh x = 1 - tanh(x)²
  tanh: unary(call('tanh'), (x) => `1 - tanh(${x})²`, (_, out) => T.sub(1, T.square(out))),
  // d σ(x) = σ(x)(1 - σ(x))
  sigmoid: unary(call('σ'), (x) => `σ(${x})(1 - σ(${x}))`, (_, out) => T.mul(out, T.sub(1, out))),
  // d relu(x) = [x > 0]
  relu: unary(call('relu'), (x) => `[${x} > 0]`, (x) => asFloat(T.gt(x, 0), x)),
  // d erf x = (2/√π) e^{-x²}
  erf: unary(call('erf'), (x) => `(2/√π)·exp(-${x}²)`, (x) => T.mul(T.exp(T.neg(T.square(x))), 2 / Math.sqrt(Math.PI))),
  // d softplus(x) = σ(x)
  softplus: unary(call('softplus'), (x) => `σ(${x})`, (x) => T.sigmoid(x)),
  // d clamp(x) = [min ≤ x ≤ max]
  clamp: {
    kind: 'factor',
    expression: (c) => `clamp(${c.inputs[0]}, ${c.params.min}, ${c.params.max})`,
    formulas: (c) => [`[${c.params.min} ≤ ${operand(c.inputs[0]!)} ≤ ${c.params.max}]`],
    values: ([x], _, p) => [T.mul(asFloat(T.ge(x!, p.min), x!), asFloat(T.le(x!, p.max), x!))],
  },
  // d cast(x) = 1
  cast: {
    kind: 'factor',
    expression: (c) => `cast(${c.inputs[0]}, ${c.params.dtype})`,
    formulas: () => ['1'],
    values: (_, out) => [ones(out)],
  },

  // d(a+b) = (1, 1)
  add: { kind: 'factor', expression: binaryShow('+'), formulas: () => ['1', '1'], values: (_, out) => [ones(out), ones(out)] },
  // d(a-b) = (1, -1)
  sub: { kind: 'factor', expression: binaryShow('-'), formulas: () => ['1', '-1'], values: (_, out) => [ones(out), T.fullLike(out, -1)] },
  // d(ab) = (b, a)
  mul: {
    kind: 'factor',
    expression: binaryShow('·'),
    formulas: (c) => [c.inputs[1]!, c.inputs[0]!],
    values: ([a, b]) => [b!, a!],
  },
  // d(a/b) = (1/b, -a/b²)
  div: {
    kind: 'factor',
    expression: binaryShow('/'),
    formulas: (c) => [`1/${operand(c.inputs[1]!)}`, `-${operand(c.inputs[0]!)}/${operand(c.inputs[1]!)}²`],
    values: ([a, b]) => [T.reciprocal(b!), T.neg(T.div(a!, T.square(b!)))],
  },
  // d a^b = (b a^(b-1), a^b log a), log a taken as 0 where a ≤ 0
  pow: {
    kind: 'factor',
    expression: (c) => `${operand(c.inputs[0]!)}^${operand(c.inputs[1]!)}`,
    formulas: (c) => {
      const a = operand(c.inputs[0]!), b = operand(c.inputs[1]!);
      return [`${b}·${a}^(${b} - 1)`, `${a}^${b}·log(${a})`];
    },
    values: ([a, b], out) => {
      const positive = T.gt(a!, 0);
      const safeLog = T.where(positive, T.log(T.where(positive, a!, 1)), 0);
      return [T.mul(b!, T.pow(a!, T.sub(b!, 1))), T.mul(out, safeLog)];
    },
  },
  // d max(a,b) = ([a > b], [b > a]), ½ each on a tie
  maximum: {
    kind: 'factor',
    expression: (c) => `max(${c.inputs[0]}, ${c.inputs[1]})`,
    formulas: (c) => [`[${c.inputs[0]} > ${c.inputs[1]}] (½ on a tie)`, `[${c.inputs[1]} > ${c.inputs[0]}] (½ on a tie)`],
    values: ([a, b]) => [winnerShare(T.gt(a!, b!), T.eq(a!, b!), a!), winnerShare(T.gt(b!, a!), T.eq(a!, b!), a!)],
  },
  // d min(a,b) = ([a < b], [b < a]), ½ each on a tie
  minimum: {
    kind: 'factor',
    expression: (c) => `min(${c.inputs[0]}, ${c.inputs[1]})`,
    formulas: (c) => [`[${c.inputs[0]} < ${c.inputs[1]}] (½ on a tie)`, `[${c.inputs[1]} < ${c.inputs[0]}] (½ on a tie)`],
    values: ([a, b]) => [winnerShare(T.lt(a!, b!), T.eq(a!, b!), a!), winnerShare(T.lt(b!, a!), T.eq(a!, b!), a!)],
  },
  // d where(c, a, b) = (none, [c], [not c])
  where: {
    kind: 'factor',
    expression: (c) => `where(${c.inputs[0]}, ${c.inputs[1]}, ${c.inputs[2]})`,
    formulas: (c) => [null, `[${c.inputs[0]}]`, `[not ${c.inputs[0]}]`],
    values: ([cond, a]) => [null, asFloat(cond!, a!), asFloat(T.eq(cond!, 0), a!)],
  },

  // d Σx / dxᵢ = 1: G is copied back to every element
  sum: { kind: 'vjp', expression: reduction('sum'), formulas: (c) => [`G copied to every element of ${formatShape(c.inputShapes[0]!)} (∂Σ/∂xᵢ = 1)`] },
  // d max = 1 at the maxima (split among ties)
  max: { kind: 'vjp', expression: reduction('max'), formulas: (c) => [`G at the maxima of ${c.inputs[0]} (split among ties)`] },
  // d min = 1 at the minima (split among ties)
  min: { kind: 'vjp', expression: reduction('min'), formulas: (c) => [`G at the minima of ${c.inputs[0]} (split among ties)`] },
  // d Πx / dxᵢ = Πx / xᵢ
  prod: { kind: 'vjp', expression: reduction('prod'), formulas: (c) => [`G·${operand(c.out)}/${operand(c.inputs[0]!)}`] },
  // d(AB) = (G Bᵀ, Aᵀ G)
  matmul: {
    kind: 'vjp',
    expression: (c) => `${operand(c.inputs[0]!)} @ ${operand(c.inputs[1]!)}`,
    formulas: (c) => [`G·${operand(c.inputs[1]!)}ᵀ`, `${operand(c.inputs[0]!)}ᵀ·G`],
  },
  // d(x·Wᵀ + b) = (G·W, Gᵀ·x, Σ G over the leading axes)
  linear: {
    kind: 'vjp',
    expression: (c) => `${operand(c.inputs[0]!)} @ ${operand(c.inputs[1]!)}ᵀ` + (c.inputs.length > 2 ? ` + ${operand(c.inputs[2]!)}` : ''),
    formulas: (c) => {
      const rows = c.inputShapes[0]!.length > 2 ? ' (leading axes flattened)' : '';
      const grads = [`G·${operand(c.inputs[1]!)}`, `Gᵀ·${operand(c.inputs[0]!)}${rows}`];
      return c.inputs.length > 2 ? [...grads, `Σ of G over the leading axes`] : grads;
    },
  },
  // d reshape = reshape back
  reshape: {
    kind: 'vjp',
    expression: (c) => `reshape(${c.inputs[0]}, ${formatShape(c.params.shape)})`,
    formulas: (c) => [`G reshaped to ${formatShape(c.inputShapes[0]!)}`],
  },
  // d permute = the inverse permutation
  permute: {
    kind: 'vjp',
    expression: (c) => `permute(${c.inputs[0]}, ${axesText(c.params.order)})`,
    formulas: (c) => [`G permuted by ${axesText(inverse(c.params.order))}`],
  },
  // d expand = Σ over the broadcast axes (broadcasting undone)
  expand: {
    kind: 'vjp',
    expression: (c) => `expand(${c.inputs[0]}, ${formatShape(c.params.shape)})`,
    formulas: (c) => [`Σ of G over the broadcast axes ${axesText(broadcastAxes(c.inputShapes[0]!, c.params.shape))}`],
  },
  // d slice = G placed back into zeros
  slice: {
    kind: 'vjp',
    expression: (c) => `${c.inputs[0]}[${c.params.start}:${c.params.stop}:${c.params.step} on axis ${c.params.axis}]`,
    formulas: (c) => [`G placed into zeros of ${formatShape(c.inputShapes[0]!)} at ${c.params.start}:${c.params.stop}:${c.params.step} on axis ${c.params.axis}`],
  },
  // d (place into zeros) = the slice of G
  sliceBackward: {
    kind: 'vjp',
    expression: (c) => `zeros ${formatShape(c.params.shape)} with ${c.inputs[0]} at ${c.params.start}:${c.params.stop}:${c.params.step} on axis ${c.params.axis}`,
    formulas: (c) => [`G[${c.params.start}:${c.params.stop}:${c.params.step} on axis ${c.params.axis}]`],
  },
  // d concat = G split into the inputs' pieces
  concat: {
    kind: 'vjp',
    expression: (c) => `concat([${c.inputs.join(', ')}], axis ${c.params.axis})`,
    formulas: (c) => {
      let at = 0;
      return c.inputShapes.map((s) => {
        const n = s[c.params.axis]!;
        const piece = `G[${at}:${at + n} on axis ${c.params.axis}]`;
        at += n;
        return piece;
      });
    },
  },
  // d gather = G scatter-added back to the picked positions
  gather: {
    kind: 'vjp',
    expression: (c) => `gather(${c.inputs[0]}, axis ${c.params.axis}, ${c.inputs[1]})`,
    formulas: (c) => [`G scatter-added into zeros of ${formatShape(c.inputShapes[0]!)} at ${c.inputs[1]}`, null],
  },
  // d scatterAdd = G gathered from the same positions
  scatterAdd: {
    kind: 'vjp',
    expression: (c) => `scatterAdd(${formatShape(c.params.shape)}, axis ${c.params.axis}, ${c.inputs[0]}, ${c.inputs[1]})`,
    formulas: (c) => [null, `G gathered at ${c.inputs[0]} along axis ${c.params.axis}`],
  },

  // d unfold (im2col) = fold (col2im): each window entry's gradient is added back where it was read
  unfold: {
    kind: 'vjp',
    expression: (c) => `unfold(${c.inputs[0]})`,
    formulas: (c) => [`fold(G): each window entry added back to the position of ${c.inputs[0]} it was read from`],
  },
  // d fold (col2im) = unfold (im2col) of G
  fold: {
    kind: 'vjp',
    expression: (c) => `fold(${c.inputs[0]}, ${formatShape(c.params.outputSize)})`,
    formulas: () => ['unfold(G): each column entry reads the gradient of the position it was added to'],
  },

  sign: nonDiff((c) => `sign(${c.inputs[0]})`),
  floor: nonDiff((c) => `floor(${c.inputs[0]})`),
  ceil: nonDiff((c) => `ceil(${c.inputs[0]})`),
  round: nonDiff((c) => `round(${c.inputs[0]})`),
  eq: nonDiff(binaryShow('==')),
  ne: nonDiff(binaryShow('!=')),
  lt: nonDiff(binaryShow('<')),
  le: nonDiff(binaryShow('≤')),
  gt: nonDiff(binaryShow('>')),
  ge: nonDiff(binaryShow('≥')),
  argmax: nonDiff((c) => `argmax(${c.inputs[0]})`),
  argmin: nonDiff((c) => `argmin(${c.inputs[0]})`),

  // a custom op's own backward
  custom: {
    kind: 'vjp',
    expression: (c) => `${c.params.definition.name}(${c.inputs.join(', ')})`,
    formulas: (c) => c.inputs.map((_, i) => `${c.params.definition.name}'s backward(G), gradient ${i}`),
  },

};

function inverse(order: readonly number[]): number[] {
  const inv = new Array<number>(order.length);
  order.forEach((o, i) => { inv[o] = i; });
  return inv;
}
