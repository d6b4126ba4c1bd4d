import type { DType } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import { MIN_SIZE } from './elementwise.js';
import { beginCall, finish } from './stage.js';

/** Conversion codes shared with assembly/convert.ts, by source then destination dtype. */
const CONVERT_CODES: Partial<Record<DType, Partial<Record<DType, number>>>> = {
  bool: { float32: 0, float64: 1 },
  float32: { float64: 2 },
  float64: { float32: 3 },
  int32: { float32: 4, float64: 5 },
};

const BYTES: Record<DType, number> = { bool: 1, int32: 4, float32: 4, float64: 8 };

/**
 * A contiguous copy of `x` converted to `dtype`, in wasm (see Backend.copy), or undefined when not
 * handled: same-dtype copies (a memcpy already), conversions to int32 or bool, small or
 * non-contiguous inputs. Bit-identical to storing each element into the destination typed array.
 */
export function wasmConvert(ctx: WasmContext, x: NDArray, dtype: DType, out?: NDArray): NDArray | undefined {
  const code = CONVERT_CODES[x.dtype]?.[dtype];
  if (code === undefined || x.size < MIN_SIZE || !x.isContiguous) return undefined;
  const heap = beginCall(ctx.heap, [x, out]);
  const n = x.size;
  const inBytes = BYTES[x.dtype],
    outBytes = BYTES[dtype];
  const src = heap.alloc(n * inBytes);
  const dst = heap.alloc(n * outBytes);
  const data = x.data;
  heap.viewU8().set(new Uint8Array(data.buffer, data.byteOffset + x.offset * inBytes, n * inBytes), src);
  heap.exports.convert_run(code, n, src, dst);
  return finish(heap, dtype === 'float64', dst, n, x.shape, out);
}
