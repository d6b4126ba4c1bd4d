import { NDArray } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';
import { littleEndianBytes } from './bytes.js';
import { DTYPE_SIZE, TO_SAFETENSORS, WRITE_RANK, type WritableDType } from './dtypes.js';
import { CheckpointError } from './errors.js';

/** Named tensors to write (NDArrays are accepted too, for advanced use): a plain record or a Map. */
export type TensorMap = Readonly<Record<string, Tensor | NDArray>> | ReadonlyMap<string, Tensor | NDArray>;

/** The largest header the reader accepts (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Options of `encodeSafetensors` and `saveSafetensors`. */
export interface EncodeOptions {
  /**
   * Which int32 tensors to write as I64, by name. By default PyTorch's int64 counters: the
   * `num_batches_tracked` buffers of batch normalization, so PyTorch reads them as it wrote them.
   */
  int64?: (name: string) => boolean;
}

/** PyTorch's int64 buffers among chainrule's int32 ones. */
export function isInt64Counter(name: string): boolean {
  return name === 'num_batches_tracked' || name.endsWith('.num_batches_tracked');
}

interface Planned {
  name: string;
  dtype: WritableDType;
  shape: readonly number[];
  bytes: Uint8Array;
  begin: number;
}

/**
 * Serializes named tensors to the safetensors format: an 8-byte little-endian header length N,
 * N bytes of compact JSON padded with spaces to a multiple of 8, then the row-major
 * little-endian data. Tensors are laid out like the reference writer: by dtype alignment
 * (I64, F64, F32, I32, BOOL), then by name; `__metadata__` comes first in the header, its keys
 * sorted. Views are written as their row-major contents. int32 `num_batches_tracked` buffers are
 * written as I64, as PyTorch keeps them (see `EncodeOptions.int64`).
 * @throws CheckpointError (problem `encode`) for a value that is not a Tensor or NDArray, the reserved
 * name `__metadata__`, or a metadata value that is not a string. Nothing is produced then.
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from '@chainrule/nn';
 * import { randn, zeros } from '@chainrule/autograd';
 * const bytes = encodeSafetensors({ w: randn([3, 2]), b: zeros([2]) }, { epoch: '3' });
 * decodeSafetensors(bytes).tensors.get('w')!.shape; // [3, 2]
 * ```
 */
export function encodeSafetensors(
  tensors: TensorMap,
  metadata?: Readonly<Record<string, string>>,
  options: EncodeOptions = {},
): Uint8Array {
  const int64 = options.int64 ?? isInt64Counter;
  if (tensors === null || typeof tensors !== 'object')
    throw new CheckpointError('encode', `the tensors must be a record or a Map of names to tensors, got ${tensors}`);
  const entries =
    tensors instanceof Map
      ? [...tensors.entries()]
      : Object.entries(tensors as Readonly<Record<string, Tensor | NDArray>>);
  const planned: Planned[] = entries.map(([name, value]) => plan(name, value, int64));
  planned.sort((a, b) => WRITE_RANK[a.dtype] - WRITE_RANK[b.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let dataLength = 0;
  for (const p of planned) {
    p.begin = dataLength;
    dataLength += p.bytes.length;
  }
  const header = new TextEncoder().encode(headerJson(planned, checkMetadata(metadata)));
  const padded = Math.ceil(header.length / 8) * 8;
  if (padded > MAX_HEADER_BYTES)
    throw new CheckpointError('encode', `header would be ${padded} bytes, over the ${MAX_HEADER_BYTES}-byte limit`);
  let out: Uint8Array;
  try {
    out = new Uint8Array(8 + padded + dataLength);
  } catch (e) {
    throw new CheckpointError(
      'encode',
      `the file would be ${8 + padded + dataLength} bytes, more than one buffer can hold here ` +
        `(${(e as Error).message})`,
      { cause: e },
    );
  }
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true); // u64 little-endian: low word, high word stays 0
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + padded);
  for (const p of planned) out.set(p.bytes, 8 + padded + p.begin);
  return out;
}

function plan(name: string, value: unknown, int64: (name: string) => boolean): Planned {
  if (name === '__metadata__')
    throw new CheckpointError('encode', 'the name "__metadata__" is reserved for metadata and cannot name a tensor');
  if (value instanceof Tensor) value = value.value;
  if (!(value instanceof NDArray)) {
    const got =
      value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
    throw new CheckpointError('encode', `tensor "${name}" is not a Tensor or an NDArray (got ${got})`);
  }
  const dtype = TO_SAFETENSORS[value.dtype];
  const c = value.contiguous();
  const data = c.offset === 0 && c.data.length === c.size ? c.data : c.data.subarray(c.offset, c.offset + c.size);
  if (dtype === 'I32' && int64(name))
    return { name, dtype: 'I64', shape: [...value.shape], bytes: widen(data), begin: 0 };
  const bytes = littleEndianBytes(data, dtype);
  if (bytes.length !== c.size * DTYPE_SIZE[dtype])
    throw new CheckpointError('encode', `tensor "${name}" storage does not match its shape`);
  return { name, dtype, shape: [...value.shape], bytes, begin: 0 };
}

/** int32 values as little-endian int64 bytes (sign-extended). */
function widen(data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(data.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    view.setInt32(8 * i, data[i]!, true);
    view.setInt32(8 * i + 4, data[i]! < 0 ? -1 : 0, true);
  }
  return out;
}

function checkMetadata(metadata: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
    throw new CheckpointError('encode', 'metadata must be an object of strings');
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(metadata).sort()) {
    const v: unknown = metadata[key];
    if (typeof v !== 'string')
      throw new CheckpointError('encode', `metadata "${key}" must be a string, got ${typeof v}`);
    setOwn(sorted, key, v);
  }
  return sorted;
}

function headerJson(planned: readonly Planned[], metadata: Record<string, string> | undefined): string {
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  for (const p of planned) {
    const info = { dtype: p.dtype, shape: p.shape, data_offsets: [p.begin, p.begin + p.bytes.length] };
    parts.push(`${JSON.stringify(p.name)}:${JSON.stringify(info)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Assigns as an own property even for a key like "__proto__" (plain assignment would not). */
export function setOwn(target: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
