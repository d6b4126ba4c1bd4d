/**
 * Where the scalar path keeps its numbers. Every 0-d float result of an elementwise op is one
 * element of a small shared array (16 float32 or 8 float64: 64 bytes, small enough for V8 to keep
 * on its own heap, where such arrays are cheap to make and to collect), one array per 16 or 8
 * results instead of one each. A result is an ordinary 0-d array viewing its element at an
 * offset, like an element picked out of a vector (`select`). Nothing else is ever stored in a
 * chunk; a live scalar keeps at most its 64-byte chunk alive. The shape object `SCALAR_SHAPE` marks
 * these arrays: their version counter belongs to the element, not to the chunk (see versions.ts).
 */
import { NDArray } from '@chainrule/tensor';
import { type Node, Tensor, type TensorInit } from '../tensor.js';
import { SCALAR_SHAPE } from '../versions.js';
import { isRecording } from '../compile/trace-state.js';

const CHUNK_BYTES = 64;
/** Every chunk made (weakly held), so `compile` can tell shared chunks from other storage. */
const CHUNKS = new WeakSet<object>();
let chunk32 = new Float32Array(CHUNK_BYTES / 4);
let used32 = chunk32.length;
let chunk64 = new Float64Array(CHUNK_BYTES / 8);
let used64 = chunk64.length;

/** Whether `data` is one of the scalar path's shared chunks (numbers land in them at whatever offset is free). */
export function isScalarChunk(data: object): boolean {
  return CHUNKS.has(data);
}

/** A result nobody else sees yet (its element is new): it has no version counter. */
const FRESH: TensorInit = Object.freeze({ fresh: true });

/** Whether `x` is a 0-d float32 or float64 array (the scalar path; never while `compile` records). */
export function isFloatScalar(x: NDArray): boolean {
  return x.shape.length === 0 && (x.dtype === 'float32' || x.dtype === 'float64') && !isRecording();
}

/** A 0-d float array holding `value` (rounded to float32 for float32). */
export function scalarArray(value: number, dtype: 'float32' | 'float64'): NDArray {
  if (dtype === 'float32') {
    if (used32 === chunk32.length) {
      chunk32 = new Float32Array(CHUNK_BYTES / 4);
      CHUNKS.add(chunk32);
      used32 = 0;
    }
    chunk32[used32] = value;
    return new NDArray(chunk32, SCALAR_SHAPE, SCALAR_SHAPE, used32++);
  }
  if (used64 === chunk64.length) {
    chunk64 = new Float64Array(CHUNK_BYTES / 8);
    CHUNKS.add(chunk64);
    used64 = 0;
  }
  chunk64[used64] = value;
  return new NDArray(chunk64, SCALAR_SHAPE, SCALAR_SHAPE, used64++);
}

/**
 * How a recorded scalar result is made. One object, refilled per result: the constructor only reads
 * it (the scalar path makes one tensor per op, and this saves an allocation each).
 */
const RECORDED: { requiresGrad: true; node: Node | null; fresh: true } = {
  requiresGrad: true,
  node: null,
  fresh: true,
};

/** A 0-d float tensor holding `value` (rounded to float32 for float32), recorded by `node` if not null. */
export function scalarTensor(value: number, dtype: 'float32' | 'float64', node: Node | null): Tensor {
  const array = scalarArray(value, dtype);
  if (node === null) return new Tensor(array, FRESH);
  RECORDED.node = node;
  const t = new Tensor(array, RECORDED);
  RECORDED.node = null;
  return t;
}

/** The number in a 0-d tensor, without checks (the scalar path). */
export function readScalar(t: Tensor): number {
  const v = t.value;
  return v.data[v.offset]!;
}
