/**
 * Forward helpers of the rule table. Elementwise ops on 0-d float arrays (the scalar path: a chain
 * of scalar ops is all bookkeeping and no arithmetic) are computed right here, with the same plain
 * scalar definitions the TypeScript kernels map over arrays (`SCALAR_UNARY`/`SCALAR_BINARY`), so a
 * scalar op skips the dispatch through the tensor package. Everything else goes to the tensor function.
 */
import * as T from '@chainrule/tensor';
import { type BinaryOp, type NDArray, NDArray as NDArrayClass, type UnaryOp, SCALAR_BINARY, SCALAR_UNARY } from '@chainrule/tensor';

type Forward = (inputs: readonly NDArray[]) => NDArray;

function isFloatScalar(x: NDArray): boolean {
  return x.shape.length === 0 && (x.dtype === 'float32' || x.dtype === 'float64');
}

/**
 * Scalars are carved out of small shared buffers, as Node's Buffer pool does for small buffers:
 * one ArrayBuffer per 32 scalars instead of one each, which the garbage collector feels most.
 * Their `data` is a 1-element view (mind `byteOffset` when reading `data.buffer`); a live scalar
 * keeps at most its 256-byte chunk alive.
 */
const CHUNK_BYTES = 256;
let chunk = new ArrayBuffer(CHUNK_BYTES);
let used = 0;

function scalarStorage(dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  const bytes = dtype === 'float32' ? 4 : 8;
  if (used + bytes > CHUNK_BYTES) {
    chunk = new ArrayBuffer(CHUNK_BYTES);
    used = 0;
  }
  used += (bytes - (used % bytes)) % bytes; // align
  const data = dtype === 'float32' ? new Float32Array(chunk, used, 1) : new Float64Array(chunk, used, 1);
  used += bytes;
  return data;
}

/** A 0-d result of the input's dtype (its shape array, [], is shared). */
function scalarResult(like: NDArray, value: number): NDArray {
  const data = scalarStorage(like.dtype as 'float32' | 'float64');
  data[0] = value;
  return new NDArrayClass(data, like.shape);
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
