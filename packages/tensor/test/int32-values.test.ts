// Values int32 storage cannot hold are refused, never wrapped or truncated silently: `array`, `full`,
// `set` take only integers in [-2^31, 2^31 - 1]; an explicit `cast` truncates finite floats toward
// zero, as PyTorch does, and refuses NaN, ±∞ and values whose truncation is out of range. Allocation
// failures are chainrule errors naming the op and the bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTypeError, RangeError, allocate, array, cast, full, zeros } from '../src/index.js';

const holds = (v: number): boolean => Number.isInteger(v) && v >= -(2 ** 31) && v <= 2 ** 31 - 1;
const anyDouble = fc.oneof(
  fc.double(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 31 - 0.5, -(2 ** 31) - 0.5, 1e10, -0, 0.5),
);

describe('int32 values', () => {
  it('array and full store an int32 value exactly, and refuse any other naming it and its position', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { minLength: 1, maxLength: 6 }), (values) => {
        const bad = values.findIndex((v) => !holds(v));
        if (bad < 0) {
          expect(Array.from(array(values, 'int32').data)).toEqual(values.map((v) => v | 0));
          return;
        }
        let err: unknown;
        try {
          array(values, 'int32');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(RangeError);
        expect((err as Error).message).toContain(`array: value ${values[bad]} at [${bad}]`);
        expect(() => full([2], values[bad]!, 'int32')).toThrow(`full: value ${values[bad]} as the fill value`);
      }),
      { seed: 32, numRuns: 400 },
    );
  });

  it('cast truncates finite floats toward zero and refuses NaN, ±∞ and what truncates out of range', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { minLength: 1, maxLength: 6 }), (values) => {
        const x = array(values, 'float64');
        const bad = values.findIndex((v) => !holds(Math.trunc(v)));
        if (bad < 0) expect(Array.from(cast(x, 'int32').data)).toEqual(values.map((v) => Math.trunc(v) | 0));
        else expect(() => cast(x, 'int32')).toThrow(`cast: value ${values[bad]} at flat index ${bad}`);
      }),
      { seed: 33, numRuns: 400 },
    );
  });

  it('set checks int32 values and stores bool as 0/1', () => {
    const i = zeros([2], 'int32');
    i.set(-7, 1);
    expect(Array.from(i.data)).toEqual([0, -7]);
    expect(() => i.set(2 ** 31, 0)).toThrow(RangeError);
    expect(Array.from(i.data)).toEqual([0, -7]);
    const b = zeros([3], 'bool');
    b.set(5, 0);
    b.set(Number.NaN, 1);
    expect(Array.from(b.data)).toEqual([1, 1, 0]);
  });
});

describe('allocation', () => {
  it('names the op, the bytes and the limit; an unknown dtype names what is allowed', () => {
    expect(() => allocate('float64', 2 ** 33, 'myOp')).toThrow(
      'myOp: 8589934592 float64 elements (68719476736 bytes, 64.0 GiB) are more than one array may hold',
    );
    expect(() => allocate('float32', -1, 'myOp')).toThrow(RangeError);
    expect(() => allocate('float32', 1.5)).toThrow('allocate: cannot allocate 1.5 elements of float32');
    expect(() => allocate('complex64' as never, 2, 'myOp')).toThrow(DTypeError);
    expect(() => allocate('complex64' as never, 2, 'myOp')).toThrow(
      'myOp: unknown dtype "complex64" (expected bool, int32, float32 or float64)',
    );
    expect(allocate('bool', 3)).toBeInstanceOf(Uint8Array);
  });
});
