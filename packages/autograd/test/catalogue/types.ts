/**
 * The bad-input catalogue's vocabulary: a case is a wrong call, the error class it must throw, the
 * op its message must start with (`op: ...`), a fragment saying what was expected, and the tensors
 * it must leave as they were (values, shape, dtype, version, requiresGrad, gradient). A backward
 * that fails may have released the saved values of the nodes it ran (as PyTorch's), so a graph is
 * not part of what is compared; every `.grad` is.
 */
import { type DType, type Tensor, tensor } from '../../src/index.js';

/** An error class (typed errors of chainrule, or a JS class they extend). */
export type ErrorClass = abstract new (...args: never[]) => Error;

export interface Case {
  readonly name: string;
  readonly error: ErrorClass;
  /** The op the message names first: it starts with `${op}: `. */
  readonly op: string;
  /** What the message must also say (what was expected, or what was wrong). */
  readonly message: string | RegExp;
  /** Makes the tensors involved, fresh for each case, and the call that must fail. */
  readonly setup: () => { readonly watch: readonly Tensor[]; readonly call: () => unknown };
}

/** A case, written on one line per part. */
export function bad(name: string, error: ErrorClass, op: string, message: string | RegExp, setup: Case['setup']): Case {
  return { name, error, op, message, setup };
}

/** A float64 tensor that requires grad. */
export const leaf = (values: number | number[] | number[][], dtype: DType = 'float64'): Tensor =>
  tensor(values, { dtype, requiresGrad: true });

/** A tensor that needs no grad. */
export const plain = (values: number | number[] | number[][], dtype: DType = 'float32'): Tensor =>
  tensor(values, { dtype });

/** An int32 tensor. */
export const ints = (values: number | number[] | number[][]): Tensor => tensor(values, { dtype: 'int32' });

/** Everything a failed call must leave alone on one tensor. */
export function snapshot(t: Tensor): unknown {
  return {
    shape: [...t.shape],
    dtype: t.dtype,
    values: t.toArray(),
    version: t.version,
    requiresGrad: t.requiresGrad,
    grad: t.grad === null ? null : { shape: [...t.grad.shape], values: t.grad.toArray() },
  };
}
