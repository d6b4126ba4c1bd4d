import type { DType } from '@chainrule/tensor';

/**
 * The safetensors dtype names chainrule reads. Every one is held in a chainrule dtype on load
 * (`STORED_AS`): the narrow floats widen exactly to float32, the integers narrow to int32 with a
 * range check, so a value that does not fit is an error, never a wrapped number.
 */
export type SafetensorsDType =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'F8_E5M2'
  | 'F8_E4M3'
  | 'F8_E8M0'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

/** The dtypes chainrule writes: its own four, and I64 for counters PyTorch keeps as int64. */
export type WritableDType = 'F64' | 'F32' | 'I32' | 'BOOL' | 'I64';

/** Bytes per element of each readable safetensors dtype. */
export const DTYPE_SIZE: Readonly<Record<SafetensorsDType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

/** The chainrule dtype each safetensors dtype is held in after loading. */
export const STORED_AS: Readonly<Record<SafetensorsDType, DType>> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float32',
  BF16: 'float32',
  F8_E5M2: 'float32',
  F8_E4M3: 'float32',
  F8_E8M0: 'float32',
  I64: 'int32',
  I32: 'int32',
  I16: 'int32',
  I8: 'int32',
  U64: 'int32',
  U32: 'int32',
  U16: 'int32',
  U8: 'int32',
  BOOL: 'bool',
};

/** chainrule dtype → the safetensors name it is written as. */
export const TO_SAFETENSORS: Readonly<Record<DType, NativeDType>> = {
  float64: 'F64',
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
};

/** The safetensors dtypes read with no conversion: their bytes are the chainrule storage. */
export type NativeDType = 'F64' | 'F32' | 'I32' | 'BOOL';

/** Whether `name` is stored in chainrule exactly as in the file (no widening or narrowing). */
export function isNative(name: SafetensorsDType): name is NativeDType {
  return name === 'F64' || name === 'F32' || name === 'I32' || name === 'BOOL';
}

/** Dtypes the format defines that chainrule cannot hold; naming them gives a clearer error than "unknown". */
export const OTHER_SPEC_DTYPES: ReadonlySet<string> = new Set(['F4', 'F6_E2M3', 'F6_E3M2', 'C64']);

/**
 * Write order rank, as the reference writer sorts: larger alignment first (I64, F64, F32, I32,
 * BOOL), then by name, keeping every tensor's start aligned to its element size.
 */
export const WRITE_RANK: Readonly<Record<WritableDType, number>> = { I64: 0, F64: 1, F32: 2, I32: 3, BOOL: 4 };

/** Whether chainrule reads the safetensors dtype `name`. */
export function isSupported(name: string): name is SafetensorsDType {
  return Object.hasOwn(DTYPE_SIZE, name);
}

/** True where typed arrays store little-endian bytes (every platform Node runs on in practice). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
