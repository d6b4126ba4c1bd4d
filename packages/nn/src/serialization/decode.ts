import { NDArray } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';
import { typedArrayFromLittleEndian } from './bytes.js';
import { convertToStorage } from './convert.js';
import { type SafetensorsDType, isNative } from './dtypes.js';
import { MAX_HEADER_BYTES } from './encode.js';
import { CheckpointError } from './errors.js';
import { parseHeader } from './header.js';

/** What a safetensors file holds. */
export interface DecodedSafetensors {
  /** The tensors by name, in file order; each owns freshly allocated, aligned storage. */
  tensors: Map<string, Tensor>;
  /** The `__metadata__` map ({} when absent). */
  metadata: Record<string, string>;
  /**
   * Each tensor's dtype in the file. F16, BF16 and F8 tensors are held as float32 (exactly), the
   * integer dtypes other than I32 as int32 (checked to fit).
   */
  dtypes: Map<string, SafetensorsDType>;
}

/**
 * Reads a safetensors buffer, validating it fully before building anything: header length
 * within the file and under 100 MB, UTF-8 JSON object starting with `{`, no duplicate keys,
 * string metadata, known dtypes (every safetensors dtype but F4, F6 and C64), offsets that tile
 * the data buffer exactly, byte counts matching the shapes, and bool bytes of 0 or 1. Data is copied out of `bytes`.
 * @throws CheckpointError naming the problem (see its `problem` field).
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from '@chainrule/nn';
 * import { ones } from '@chainrule/autograd';
 * const { tensors, metadata } = decodeSafetensors(encodeSafetensors({ x: ones([2]) }));
 * tensors.get('x')!.toArray(); // [1, 1]
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) throw new CheckpointError('input', 'expected a Uint8Array');
  if (bytes.length < 8)
    throw new CheckpointError('truncated', `file has ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const n = high * 2 ** 32 + low;
  if (n > MAX_HEADER_BYTES)
    throw new CheckpointError('header-too-large', `header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit`);
  if (8 + n > bytes.length)
    throw new CheckpointError(
      'truncated',
      `header length ${n} reaches beyond the file (${bytes.length - 8} bytes after the length)`,
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch (e) {
    throw new CheckpointError('header-encoding', 'header is not valid UTF-8', { cause: e });
  }
  const dataStart = 8 + n;
  const { entries, metadata } = parseHeader(text, bytes.length - dataStart);
  for (const e of entries) {
    if (e.dtype !== 'BOOL') continue;
    for (let i = dataStart + e.begin; i < dataStart + e.end; i++) {
      if (bytes[i]! > 1)
        throw new CheckpointError(
          'value',
          `BOOL tensor "${e.name}" has byte ${bytes[i]} at element ${i - dataStart - e.begin}, expected 0 or 1`,
        );
    }
  }
  const tensors = new Map<string, Tensor>();
  const dtypes = new Map<string, SafetensorsDType>();
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    const data = isNative(e.dtype) ? typedArrayFromLittleEndian(raw, e.dtype) : convertToStorage(raw, e.dtype, e.name);
    tensors.set(e.name, new Tensor(new NDArray(data, e.shape)));
    dtypes.set(e.name, e.dtype);
  }
  return { tensors, metadata, dtypes };
}
