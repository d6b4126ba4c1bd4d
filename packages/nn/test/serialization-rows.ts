// Rows of the serialization catalogue (serialization-catalogue.test.ts): malformed safetensors bytes.
import type { RangeError as TensorRangeError } from '@chainrule/tensor';
import { expect } from 'vitest';
import type { Adam, SGD, Sequential, StateDictError } from '../src/index.js';
import { CheckpointError, decodeSafetensors } from '../src/serialization/index.js';

/** A file from a header (an object, or raw text) and data bytes, with the header's true length. */
export function file(header: unknown, data: ArrayLike<number> = [], declared?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}
export const f32 = (shape: number[], begin = 0) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, begin + 4 * shape.reduce((p, d) => p * d, 1)],
});
export const zeros8 = new Uint8Array(8);

export interface World {
  dir: string;
  existing: string; // a valid safetensors file
  regular: string; // a plain text file
  model: Sequential;
  sgd: SGD;
  adam: Adam;
}

export type Row = [
  name: string,
  run: (w: World) => unknown,
  error: typeof CheckpointError | typeof StateDictError | typeof TensorRangeError,
  fragment: string,
  problem?: string,
];

/** decodeSafetensors of `bytes`: a row over malformed bytes. */
const bytesRow = (name: string, bytes: Uint8Array, problem: string, fragment: string): Row => [
  name,
  () => {
    const before = bytes.slice();
    try {
      return decodeSafetensors(bytes);
    } finally {
      expect(Buffer.from(bytes).equals(Buffer.from(before))).toBe(true);
    }
  },
  CheckpointError,
  fragment,
  problem,
];

export const malformed: Row[] = [
  bytesRow('3 bytes', new Uint8Array(3), 'truncated', 'file has 3 bytes, too short for the 8-byte header length'),
  bytesRow(
    'a header length past the end',
    file('{}', [], 100n),
    'truncated',
    'header length 100 reaches beyond the file',
  ),
  bytesRow(
    'a header length of 2^64-1',
    file('{}', [], 2n ** 64n - 1n),
    'header-too-large',
    'over the 100000000-byte limit',
  ),
  bytesRow('a header length of 2^53', file('{}', [], 2n ** 53n), 'header-too-large', 'header length 9007199254740992'),
  bytesRow(
    'invalid UTF-8',
    file('{"\xff":1}').map((b, i) => (i === 10 ? 0xff : b)),
    'header-encoding',
    'not valid UTF-8',
  ),
  bytesRow('a header not starting with {', file(' {}'), 'header-json', 'header must start with "{"'),
  bytesRow('a JSON array header', file('[{}]'), 'header-json', 'header must start with "{"'),
  bytesRow('invalid JSON', file('{"w":'), 'header-json', 'header is not valid JSON'),
  bytesRow('an entry that is a number', file({ w: 1 }), 'entry', 'tensor "w" must be an object with dtype, shape'),
  bytesRow('an entry without shape', file({ w: { dtype: 'F32', data_offsets: [0, 0] } }), 'entry', 'has keys'),
  bytesRow('an entry with an extra key', file({ w: { ...f32([2]), x: 1 } }, zeros8), 'entry', 'expected exactly'),
  bytesRow(
    'dtype C64',
    file({ w: { ...f32([2]), dtype: 'C64' } }, zeros8),
    'dtype',
    '"C64" is not supported by chainrule',
  ),
  bytesRow(
    'an I64 value beyond int32',
    file({ w: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, [0, 0, 0, 0, 1, 0, 0, 0]),
    'value',
    'tensor "w" (I64) holds 4294967296 at element 0, which does not fit int32',
  ),
  bytesRow(
    'a U32 value beyond int32',
    file({ w: { dtype: 'U32', shape: [2], data_offsets: [0, 8] } }, [1, 0, 0, 0, 0, 0, 0, 0x80]),
    'value',
    'holds 2147483648 at element 1',
  ),
  bytesRow(
    'F16 with an odd byte count',
    file({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 3] } }, [0, 0, 0]),
    'byte-count',
    'expected 4',
  ),
  bytesRow('dtype XYZ', file({ w: { ...f32([2]), dtype: 'XYZ' } }, zeros8), 'dtype', 'dtype "XYZ" is unknown'),
  bytesRow('dtype 7', file({ w: { ...f32([2]), dtype: 7 } }, zeros8), 'dtype', 'dtype must be a string, got number'),
  bytesRow('a negative dimension', file({ w: { ...f32([2]), shape: [-2] } }, zeros8), 'shape', 'list of non-negative'),
  bytesRow('a fractional dimension', file({ w: { ...f32([2]), shape: [1.5] } }, zeros8), 'shape', 'got [1.5]'),
  bytesRow('a string shape', file({ w: { ...f32([2]), shape: '2' } }, zeros8), 'shape', 'got "2"'),
  bytesRow(
    'reversed offsets',
    file({ w: { ...f32([2]), data_offsets: [8, 0] } }, zeros8),
    'offsets',
    '0 <= begin <= end',
  ),
  bytesRow('three offsets', file({ w: { ...f32([2]), data_offsets: [0, 4, 8] } }, zeros8), 'offsets', 'got [0,4,8]'),
  bytesRow('a hole', file({ w: f32([1], 4) }, zeros8), 'offsets', 'hole in the data: bytes [0, 4) before tensor "w"'),
  bytesRow('an overlap', file({ a: f32([2]), b: f32([1], 4) }, new Uint8Array(12)), 'offsets', 'overlapping "a"'),
  bytesRow(
    'too few bytes for the shape',
    file({ w: { ...f32([3]), data_offsets: [0, 8] } }, zeros8),
    'byte-count',
    'has 8 bytes, expected 12',
  ),
  bytesRow('bytes nobody owns', file({ w: f32([1]) }, zeros8), 'offsets', 'cover 4 bytes but the data buffer has 8'),
  bytesRow(
    'a shape of 10^18 elements',
    file({ w: { ...f32([1e9, 1e9]), data_offsets: [0, 8] } }, zeros8),
    'byte-count',
    'expected 4000000000000000000',
  ),
  bytesRow(
    'a duplicate key',
    file(
      '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
      zeros8,
    ),
    'duplicate-key',
    'header repeats the key "w"',
  ),
  bytesRow(
    'a duplicate key spelt with an escape',
    file(
      '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
        '"\\u0077":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
      zeros8,
    ),
    'duplicate-key',
    'repeats the key "w"',
  ),
  bytesRow(
    'a number in the metadata',
    file({ __metadata__: { epoch: 3 } }),
    'metadata',
    'metadata "epoch" must be a string, got number',
  ),
  bytesRow(
    'metadata that is a list',
    file({ __metadata__: ['a'] }),
    'metadata',
    '"__metadata__" must be an object of strings',
  ),
  bytesRow(
    'a bool byte of 2',
    file({ m: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, [1, 2]),
    'value',
    'has byte 2 at element 1',
  ),
  [
    'not a Uint8Array',
    () => decodeSafetensors([1, 2, 3] as unknown as Uint8Array),
    CheckpointError,
    'expected a Uint8Array',
    'input',
  ],
];
