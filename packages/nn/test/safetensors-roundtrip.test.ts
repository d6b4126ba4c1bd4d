import { type DType, NDArray } from '@chainrule/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { littleEndianBytes, typedArrayFromLittleEndian } from '../src/serialization/bytes.js';
import { CheckpointError, decodeSafetensors, encodeSafetensors } from '../src/serialization/index.js';

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });

/** An array of a random dtype and shape whose bytes are arbitrary bit patterns (NaN payloads included). */
const arrayArb = fc
  .tuple(fc.constantFrom<DType>('float32', 'float64', 'int32', 'bool'), shapeArb)
  .chain(([dtype, shape]) => {
    const size = shape.reduce((p, d) => p * d, 1);
    const words = dtype === 'float64' ? 2 * size : size;
    const element = dtype === 'bool' ? fc.integer({ min: 0, max: 1 }) : fc.integer({ min: 0, max: 0xffffffff });
    return fc.array(element, { minLength: words, maxLength: words }).map((raw) => {
      if (dtype === 'bool') return new NDArray(Uint8Array.from(raw), shape);
      const bits = Uint32Array.from(raw);
      const data =
        dtype === 'float64'
          ? new Float64Array(bits.buffer)
          : dtype === 'float32'
            ? new Float32Array(bits.buffer)
            : new Int32Array(bits.buffer);
      return new NDArray(data, shape);
    });
  });

const nameArb = fc.string({ maxLength: 12, unit: 'grapheme' }).filter((s) => s !== '__metadata__');
const bytesOf = (x: NDArray): number[] => [...new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength)];

describe('safetensors round trips', () => {
  it('decode(encode(x)) is bit-exact for random dtypes, shapes, names and metadata', () => {
    fc.assert(
      fc.property(
        fc.dictionary(nameArb, arrayArb, { maxKeys: 5 }),
        fc.option(fc.dictionary(fc.string(), fc.string())),
        (tensors, meta) => {
          const bytes = encodeSafetensors(tensors, meta ?? undefined);
          const n = new DataView(bytes.buffer).getUint32(0, true);
          expect((8 + n) % 8).toBe(0);
          const { tensors: back, metadata } = decodeSafetensors(bytes);
          expect(metadata).toEqual(meta ?? {});
          expect(new Set(back.keys())).toEqual(new Set(Object.keys(tensors)));
          for (const [name, x] of Object.entries(tensors)) {
            const y = back.get(name)!;
            expect(y.dtype).toBe(x.dtype);
            expect(y.shape).toEqual(x.shape);
            expect(bytesOf(y.value)).toEqual(bytesOf(x));
            expect(y.value.data.byteOffset % y.value.data.BYTES_PER_ELEMENT).toBe(0);
          }
          // encoding is a function of the contents: writing what was read gives the same bytes
          expect([...encodeSafetensors(back, meta ?? undefined)]).toEqual([...bytes]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every strict prefix of a valid file is refused', () => {
    fc.assert(
      fc.property(fc.dictionary(nameArb, arrayArb, { minKeys: 1, maxKeys: 3 }), fc.nat(), (tensors, cut) => {
        const bytes = encodeSafetensors(tensors);
        const prefix = bytes.subarray(0, cut % bytes.length);
        expect(() => decodeSafetensors(prefix)).toThrow(CheckpointError);
      }),
      { numRuns: 200 },
    );
  });

  it('the byte-swapping path (big-endian hosts) agrees with the direct path', () => {
    fc.assert(
      fc.property(arrayArb, (x) => {
        const dtype = ({ float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' } as const)[x.dtype];
        const direct = littleEndianBytes(x.data, dtype, true);
        const swapped = littleEndianBytes(x.data, dtype, false);
        expect([...swapped]).toEqual([...direct]);
        const back = typedArrayFromLittleEndian(direct, dtype, false);
        expect([...new Uint8Array(back.buffer, back.byteOffset, back.byteLength)]).toEqual(bytesOf(x));
      }),
      { numRuns: 100 },
    );
  });
});
