/**
 * Where the scalar path keeps its numbers. Every 0-d float result of an elementwise op is one
 * element of a small shared array (16 float32 or 8 float64: 64 bytes, small enough for V8 to keep
 * on its own heap, where such arrays are cheap to make and to collect), one array per 16 or 8
 * results instead of one each. A result is a tensor pointing at its element (Tensor.ofScalar),
 * or an array viewing it at an offset, like an element picked out of a vector (`select`).
 * Nothing else is ever stored in a chunk; a live scalar keeps at most its 64-byte chunk alive.
 */
import { NDArray } from '@chainrule/tensor';
import type { Node } from '../node.js';
import { Tensor } from '../tensor.js';

const CHUNK_BYTES = 64;
let chunk32 = new Float32Array(CHUNK_BYTES / 4);
let used32 = chunk32.length;
let chunk64 = new Float64Array(CHUNK_BYTES / 8);
let used64 = chunk64.length;

/** The shape and strides of a 0-d array. */
const SCALAR_SHAPE: readonly number[] = Object.freeze([]);

/** Stores `value` in the next free element of `chunk32` (a new chunk when it is full); returns its index. */
function store32(value: number): number {
  if (used32 === chunk32.length) {
    chunk32 = new Float32Array(CHUNK_BYTES / 4);
    used32 = 0;
  }
  chunk32[used32] = value;
  return used32++;
}

/** Stores `value` in the next free element of `chunk64`; returns its index. */
function store64(value: number): number {
  if (used64 === chunk64.length) {
    chunk64 = new Float64Array(CHUNK_BYTES / 8);
    used64 = 0;
  }
  chunk64[used64] = value;
  return used64++;
}

/** A 0-d float tensor holding `value` (rounded to float32 for float32), recorded by `node` if not null. */
export function scalarTensor(value: number, dtype: 'float32' | 'float64', node: Node | null): Tensor {
  if (dtype === 'float32') {
    const i = store32(value); // first: it may start a new chunk
    return Tensor.ofScalar(chunk32, i, node);
  }
  const i = store64(value);
  return Tensor.ofScalar(chunk64, i, node);
}

/** A 0-d float array holding `value` (rounded to float32 for float32). */
export function scalarArray(value: number, dtype: 'float32' | 'float64'): NDArray {
  if (dtype === 'float32') {
    const i = store32(value);
    return new NDArray(chunk32, SCALAR_SHAPE, SCALAR_SHAPE, i);
  }
  const i = store64(value);
  return new NDArray(chunk64, SCALAR_SHAPE, SCALAR_SHAPE, i);
}
