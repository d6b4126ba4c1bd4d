import type { DType } from '@chainrule/tensor';

/** The safetensors dtype names chainrule reads and writes. */
export type SafetensorsDType = 'F64' | 'F32' | 'I32' | 'BOOL';

/** Bytes per element of each supported safetensors dtype. */
export const DTYPE_SIZE: Readonly<Record<SafetensorsDType, number>> = { F64: 8, F32: 4, I32: 4, BOOL: 1 };

/** chainrule dtype → safetensors name. */
export const TO_SAFETENSORS: Readonly<Record<DType, SafetensorsDType>> = {
  float64: 'F64',
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
};

/** safetensors name → chainrule dtype. */
export const FROM_SAFETENSORS: Readonly<Record<SafetensorsDType, DType>> = {
  F64: 'float64',
  F32: 'float32',
  I32: 'int32',
  BOOL: 'bool',
};

/** Dtypes the format defines that chainrule cannot hold; naming them gives a clearer error than "unknown". */
export const OTHER_SPEC_DTYPES: ReadonlySet<string> = new Set([
  'F16',
  'BF16',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'C64',
  'I8',
  'U8',
  'I16',
  'U16',
  'U32',
  'I64',
  'U64',
]);

/**
 * Write order rank, as the reference writer sorts: larger alignment first (F64, F32, I32, BOOL),
 * then by name. Keeping every tensor's start aligned to its element size.
 */
export const WRITE_RANK: Readonly<Record<SafetensorsDType, number>> = { F64: 0, F32: 1, I32: 2, BOOL: 3 };

export function isSupported(name: string): name is SafetensorsDType {
  return Object.hasOwn(DTYPE_SIZE, name);
}

/** True where typed arrays store little-endian bytes (every platform Node runs on in practice). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
