/**
 * Helpers that build op records (see `OpRecord` in tensor.ts), so that each record in ops/defs/
 * states only what is particular to its op: jax-js-style rule builders for the common families.
 */
import * as T from '@chainrule/tensor';
import { type BinaryOp, type NDArray, type UnaryOp, SCALAR_BINARY, SCALAR_UNARY } from '@chainrule/tensor';
import type { ArrayMeta, OpRecord, ScalarGrad, Uses, Vjp } from '../tensor.js';
import type { ElementwiseFormula, Formula, NoGradFormula } from './formula.js';
import { isFloatScalar, scalarArray } from './scalar-storage.js';

/** A record as written in a family's table: its name is the table key. */
export type RecordSpec<P> = Omit<OpRecord<P>, 'name'>;

/** Parameters of the ops that take none. */
export type None = Record<string, never>;

/** The parameters of ops that take none (one shared object: no allocation per call). */
export const NONE: None = Object.freeze({}) as None;

/** Writes a record with its parameter type stated (the table key becomes its name). */
export function op<P = None>(spec: RecordSpec<NoInfer<P>>): RecordSpec<P> {
  return spec;
}

/** A family's table of records, each given its key as its name. */
export type RecordTable<S> = { readonly [K in keyof S]: S[K] & { readonly name: K } };

/**
 * Names the records of a family's table by their keys.
 * @example
 * ```ts
 * const OPS = records({ neg: op({ ... }) }); // OPS.neg.name === 'neg'
 * ```
 */
export function records<S extends Record<string, { readonly uses: Uses }>>(table: S): RecordTable<S> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(table)) out[key] = Object.freeze({ ...table[key], name: key });
  return out as RecordTable<S>;
}

/** The input's shape and dtype (ops that keep both). */
export const sameAsInput = (inputs: readonly ArrayMeta[]): ArrayMeta => inputs[0]!;

/** The shape and dtype of unary kernel `kernel`'s result (the input's shape, the kernel's dtype rule). */
export function elementwiseMeta(kernel: UnaryOp): (inputs: readonly ArrayMeta[]) => ArrayMeta {
  return (inputs) => ({ shape: inputs[0]!.shape, dtype: T.elementwiseResultDtype(kernel, inputs[0]!.dtype) });
}

/** A 0-d result of the input's dtype. */
function scalarResult(like: NDArray, value: number): NDArray {
  return scalarArray(value, like.dtype as 'float32' | 'float64');
}

/** What a unary elementwise record states besides its kernel. */
export interface UnarySpec {
  readonly uses: Uses;
  readonly vjp: Vjp<None>;
  /** The rule on numbers (forward comes from the kernel's scalar definition); omit for no fast path. */
  readonly scalarGrad?: ScalarGrad;
  readonly formula: ElementwiseFormula<None>;
}

/**
 * A differentiable unary elementwise op running tensor kernel `kernel` (0-d float inputs are
 * computed with the kernel's scalar definition directly).
 */
export function unaryRecord(kernel: UnaryOp, spec: UnarySpec): RecordSpec<None> {
  const s = SCALAR_UNARY[kernel];
  const forward = (inputs: readonly NDArray[]): NDArray => {
    const x = inputs[0]!;
    return isFloatScalar(x) ? scalarResult(x, s(x.data[x.offset]!)) : T.unary(kernel, x);
  };
  const record: RecordSpec<None> = {
    infer: elementwiseMeta(kernel),
    forward,
    uses: spec.uses,
    vjp: spec.vjp,
    formula: spec.formula,
  };
  return spec.scalarGrad === undefined ? record : { ...record, scalar: { forward: s, grads: [spec.scalarGrad] } };
}

/** What a binary elementwise record states besides its kernel. */
export interface BinarySpec {
  readonly uses: Uses;
  readonly vjp: Vjp<None>;
  readonly scalarGrads?: readonly [ScalarGrad, ScalarGrad];
  readonly formula: ElementwiseFormula<None>;
}

/**
 * A differentiable binary elementwise op running kernel `kernel` on operands already of one shape
 * and dtype (the public function broadcasts and promotes them with recorded ops); 0-d floats are
 * computed with the kernel's scalar definition directly.
 */
export function binaryRecord(kernel: BinaryOp, spec: BinarySpec): RecordSpec<None> {
  const s = SCALAR_BINARY[kernel];
  const forward = (inputs: readonly NDArray[]): NDArray => {
    const a = inputs[0]!,
      b = inputs[1]!;
    if (isFloatScalar(a) && isFloatScalar(b) && a.dtype === b.dtype)
      return scalarResult(a, s(a.data[a.offset]!, b.data[b.offset]!));
    return T.getBackend().binary(kernel, a, b, a.dtype);
  };
  const record: RecordSpec<None> = {
    infer: sameAsInput,
    forward,
    uses: spec.uses,
    vjp: spec.vjp,
    formula: spec.formula,
  };
  return spec.scalarGrads === undefined ? record : { ...record, scalar: { forward: s, grads: spec.scalarGrads } };
}

/** A non-differentiable op: its results never require grad. */
export function noGradRecord<P>(
  infer: OpRecord<P>['infer'],
  forward: OpRecord<P>['forward'],
  formula: NoGradFormula<P>,
): RecordSpec<P> {
  return { infer, forward, uses: 'none', vjp: null, formula };
}

/** The formula of an op that is not differentiable, shown as `name(inputs)`. */
export function callFormula<P>(name: string): Formula<P> & NoGradFormula<P> {
  return { kind: 'none', show: (c) => `${name}(${c.inputs.join(', ')})` };
}
