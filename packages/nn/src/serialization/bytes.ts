import type { TypedArray } from '@chainrule/tensor';
import { DTYPE_SIZE, HOST_LITTLE_ENDIAN, type NativeDType } from './dtypes.js';

/**
 * The little-endian bytes of `data`: a view when the host is little-endian (no copy), else a
 * copy written element by element as unsigned integers of the element's width, so float bits
 * (NaN payloads, signalling NaNs) pass through untouched. Bool storage is written as 0/1.
 */
export function littleEndianBytes(data: TypedArray, dtype: NativeDType, littleHost = HOST_LITTLE_ENDIAN): Uint8Array {
  const size = DTYPE_SIZE[dtype];
  if (dtype === 'BOOL') return Uint8Array.from(data as Uint8Array, (v) => (v !== 0 ? 1 : 0));
  if (littleHost) return new Uint8Array(data.buffer, data.byteOffset, data.length * size);
  const out = new Uint8Array(data.length * size);
  const view = new DataView(out.buffer);
  if (size === 8) {
    const words = new BigUint64Array(data.buffer, data.byteOffset, data.length);
    for (let i = 0; i < words.length; i++) view.setBigUint64(i * 8, words[i]!, true);
  } else {
    const words = new Uint32Array(data.buffer, data.byteOffset, data.length);
    for (let i = 0; i < words.length; i++) view.setUint32(i * 4, words[i]!, true);
  }
  return out;
}

/**
 * Copies little-endian `bytes` into a fresh, properly aligned typed array of `dtype` (the
 * file's bytes may sit at any offset, so a view is never returned). Bits are kept exactly.
 */
export function typedArrayFromLittleEndian(
  bytes: Uint8Array,
  dtype: NativeDType,
  littleHost = HOST_LITTLE_ENDIAN,
): TypedArray {
  const size = DTYPE_SIZE[dtype];
  const count = bytes.length / size;
  const copy = new Uint8Array(bytes.length); // `slice` would not do: on a Node Buffer it returns a view
  if (dtype === 'BOOL' || littleHost) copy.set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (size === 8) {
      const words = new BigUint64Array(copy.buffer);
      for (let i = 0; i < count; i++) words[i] = view.getBigUint64(i * 8, true);
    } else {
      const words = new Uint32Array(copy.buffer);
      for (let i = 0; i < count; i++) words[i] = view.getUint32(i * 4, true);
    }
  }
  if (dtype === 'BOOL') return copy;
  if (dtype === 'F64') return new Float64Array(copy.buffer, 0, count);
  if (dtype === 'F32') return new Float32Array(copy.buffer, 0, count);
  return new Int32Array(copy.buffer, 0, count);
}
