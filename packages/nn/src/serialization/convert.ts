/**
 * Reading the safetensors dtypes chainrule has no storage for: the narrow floats (F16, BF16 and
 * the F8 formats) widen exactly to float32; the integers other than I32 narrow to int32, and a
 * value outside int32 is an error naming the tensor and the element, never a wrapped number.
 */
import type { TypedArray } from '@chainrule/tensor';
import type { SafetensorsDType } from './dtypes.js';
import { CheckpointError } from './errors.js';

/** The float32 value of an IEEE binary16 bit pattern (exact: every half is a float32). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** F8_E5M2: 1 sign, 5 exponent (bias 15), 2 mantissa bits, with infinities and NaNs as IEEE. */
export function e5m2ToFloat(bits: number): number {
  return halfToFloat(bits << 8); // the top byte of a binary16
}

/** F8_E4M3 (the "fn" variant PyTorch and safetensors use): bias 7, no infinities, NaN at S.1111.111. */
export function e4m3ToFloat(bits: number): number {
  const sign = bits & 0x80 ? -1 : 1;
  const exponent = (bits >> 3) & 0xf;
  const mantissa = bits & 0x7;
  if (exponent === 0xf && mantissa === 0x7) return Number.NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -9;
  return sign * (1 + mantissa / 8) * 2 ** (exponent - 7);
}

/** F8_E8M0: an unsigned power of two, 2^(bits − 127); 0xff is NaN. */
export function e8m0ToFloat(bits: number): number {
  return bits === 0xff ? Number.NaN : 2 ** (bits - 127);
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * The values of `bytes` (little-endian `dtype`, not one of chainrule's own four) as a fresh
 * Float32Array (floats) or Int32Array (integers).
 * @throws CheckpointError (problem `value`) for an integer outside int32, naming `name`.
 */
export function convertToStorage(bytes: Uint8Array, dtype: SafetensorsDType, name: string): TypedArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F16':
      return Float32Array.from({ length: bytes.length / 2 }, (_, i) => halfToFloat(view.getUint16(2 * i, true)));
    case 'BF16': {
      const out = new Float32Array(bytes.length / 2);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < out.length; i++) bits[i] = view.getUint16(2 * i, true) << 16; // the top half of a float32
      return out;
    }
    case 'F8_E5M2':
      return Float32Array.from(bytes, e5m2ToFloat);
    case 'F8_E4M3':
      return Float32Array.from(bytes, e4m3ToFloat);
    case 'F8_E8M0':
      return Float32Array.from(bytes, e8m0ToFloat);
    case 'I16':
      return Int32Array.from({ length: bytes.length / 2 }, (_, i) => view.getInt16(2 * i, true));
    case 'U16':
      return Int32Array.from({ length: bytes.length / 2 }, (_, i) => view.getUint16(2 * i, true));
    case 'I8':
      return Int32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    case 'U8':
      return Int32Array.from(bytes);
    case 'U32':
      return narrow(bytes.length / 4, (i) => view.getUint32(4 * i, true), dtype, name);
    case 'I64':
      return narrow(bytes.length / 8, (i) => Number(view.getBigInt64(8 * i, true)), dtype, name);
    case 'U64':
      return narrow(bytes.length / 8, (i) => Number(view.getBigUint64(8 * i, true)), dtype, name);
    default:
      throw new CheckpointError('dtype', `tensor "${name}": ${dtype} is read without conversion`);
  }
}

function narrow(count: number, at: (i: number) => number, dtype: SafetensorsDType, name: string): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = at(i);
    if (v < INT32_MIN || v > INT32_MAX)
      throw new CheckpointError(
        'value',
        `tensor "${name}" (${dtype}) holds ${v} at element ${i}, which does not fit int32 (chainrule's integer dtype)`,
      );
    out[i] = v;
  }
  return out;
}
