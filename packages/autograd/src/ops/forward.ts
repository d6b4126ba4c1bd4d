/**
 * Forward helpers of the rule table. Elementwise ops on 0-d float arrays (the scalar path: a chain
 * of scalar ops is all bookkeeping and no arithmetic) are computed right here, with the same plain
 * scalar definitions the TypeScript kernels map over arrays (`SCALAR_UNARY`/`SCALAR_BINARY`), so a
 * scalar op skips the dispatch through the tensor package. Everything else goes to the tensor function.
 */
import * as T from '@chainrule/tensor';
import { type BinaryOp, type NDArray, type UnaryOp, SCALAR_BINARY, SCALAR_UNARY } from '@chainrule/tensor';
import { scalarArray } from './scalar-storage.js';

type Forward = (inputs: readonly NDArray[]) => NDArray;

/** Whether `x` is a 0-d float32 or float64 array (the scalar path). */
export function isFloatScalar(x: NDArray): boolean {
  return x.shape.length === 0 && (x.dtype === 'float32' || x.dtype === 'float64');
}

/** A 0-d result of the input's dtype. */
function scalarResult(like: NDArray, value: number): NDArray {
  return scalarArray(value, like.dtype as 'float32' | 'float64');
}

/** A unary op: `f` on arrays, `s` (if given) on one number for 0-d float inputs. */
export function unary(f: (x: NDArray) => NDArray, s?: (x: number) => number): Forward {
  if (s === undefined) return (inputs) => f(inputs[0]!);
  return (inputs) => {
    const x = inputs[0]!;
    return isFloatScalar(x) ? scalarResult(x, s(x.data[x.offset]!)) : f(x);
  };
}

/** A binary op (operands already of one shape and dtype): `f` on arrays, `s` on two numbers for 0-d floats. */
export function binary(f: (a: NDArray, b: NDArray) => NDArray, s?: (a: number, b: number) => number): Forward {
  if (s === undefined) return (inputs) => f(inputs[0]!, inputs[1]!);
  return (inputs) => {
    const a = inputs[0]!, b = inputs[1]!;
    return isFloatScalar(a) && isFloatScalar(b) && a.dtype === b.dtype ? scalarResult(a, s(a.data[a.offset]!, b.data[b.offset]!)) : f(a, b);
  };
}

/** The forward of unary elementwise op `name`: the tensor function, with its scalar definition for 0-d floats. */
export function unaryOp(name: UnaryOp): Forward {
  return unary(T[name], SCALAR_UNARY[name]);
}

/** The forward of binary elementwise op `name`: the tensor function, with its scalar definition for 0-d floats. */
export function binaryOp(name: BinaryOp): Forward {
  return binary(T[name], SCALAR_BINARY[name]);
}
