// The TypeScript backend's arithmetic loops over rows × cols layouts (contiguous, scalar, row and
// column broadcasts, offsets, merged dimensions) against an element-by-element reference that
// reads every operand through its strides.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, jsBackend, type BinaryOp } from '@chainrule/tensor';
import { allIndices, at, filler } from './helpers.js';

const REF: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};

function randomArray(shape: readonly number[], seed: number, extra = 0): NDArray {
  const n = shape.reduce((p, d) => p * d, 1) + extra;
  const r = filler(seed, 0.05);
  const data = Float32Array.from({ length: n }, () => r() * 10);
  return new NDArray(data, [...shape], undefined, extra); // an offset of `extra` elements
}

describe('js binary arithmetic layouts', () => {
  it('match the strided reference for every broadcast pattern', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.constantFrom<BinaryOp>('add', 'sub', 'mul', 'div'),
        fc.boolean(),
        fc.nat(),
        (shape, bcastA, bcastB, op, transpose, seed) => {
          const base = randomArray(shape, seed, seed % 3);
          const a = transpose && shape.length >= 2 ? randomArray([...shape].reverse(), seed + 7).transpose() : base;
          const bShape = shape.map((d, i) => (bcastB[i] ? 1 : d));
          const b = randomArray(bShape, seed + 1, 1).expand(shape);
          const aShape = shape.map((d, i) => (bcastA[i] ? 1 : d));
          const a2 = bcastA.some((x, i) => x && i < shape.length) ? randomArray(aShape, seed + 2).expand(shape) : a;
          const got = jsBackend.binary(op, a2, b, 'float32');
          expect(got.shape).toEqual(shape);
          for (const idx of allIndices(shape)) {
            const flat = idx.reduce((p, k, d) => p * shape[d]! + k, 0);
            const want = Math.fround(REF[op]!(at(a2, idx), at(b, idx)));
            if (!Object.is(got.data[got.offset + flat], want))
              throw new Error(`${op} at [${idx}]: ${got.data[got.offset + flat]} vs ${want}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes into a given output at its offset', () => {
    const a = randomArray([3, 4], 1),
      b = randomArray([4], 2).expand([3, 4]);
    const out = new NDArray(new Float32Array(15), [3, 4], undefined, 3);
    jsBackend.binary('add', a, b, 'float32', out);
    for (const idx of allIndices([3, 4])) expect(at(out, idx)).toBe(Math.fround(at(a, idx) + at(b, idx)));
    expect(Array.from(out.data.subarray(0, 3))).toEqual([0, 0, 0]);
  });
});
