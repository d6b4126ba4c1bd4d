// The bad-input catalogue of the tensor package: one row per bad input, with the error class it must
// throw (exactly that class: a chainrule ShapeError, DTypeError or RangeError, never a native error),
// a fragment of the message (which names the op first), and the arrays involved, which must be left
// exactly as they were (data bits, shape, strides, offset). The rows of creation, dtypes, shapes and
// axes are in bad-input-rows.ts; indices, matmul, convolution geometry, gather/scatter and joins here.
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  NDArray,
  RangeError,
  ShapeError,
  array,
  col2im,
  concat,
  gather,
  im2col,
  indexSelect,
  matmul,
  oneHot,
  scatterAdd,
  split,
  stack,
  zeros,
} from '../src/index.js';
import { linalgRows } from './bad-input-linalg-rows.js';
import { type Row, axes, creation, dtypes, f64nan, i32, idx, img, m23, m33, shapes, v3, v4 } from './bad-input-rows.js';

const indices: Row[] = [
  [
    'get(2, 0) of [2,3]',
    () => m23.get(2, 0),
    RangeError,
    'get: index 2 is out of range for dimension 0 of size 2',
    [m23],
  ],
  ['get with one index of two', () => m23.get(0), ShapeError, 'get: expected 2 indices for shape [2,3], got 1', [m23]],
  ['get(0.5, 0)', () => m23.get(0.5, 0), RangeError, 'get: index 0.5 is out of range', [m23]],
  ['set(1, 5, 5)', () => m23.set(1, 5, 5), RangeError, 'set: index 5 is out of range for dimension 0', [m23]],
  [
    'select index 3 of 2',
    () => m23.select(0, 3),
    RangeError,
    'select: index 3 is out of range for dimension 0 of size 2',
    [m23],
  ],
  [
    'indexSelect of 3 on 3',
    () => indexSelect(m33, 0, array([0, 3], 'int32')),
    RangeError,
    'indexSelect: index 3 is out of range for axis 0 of size 3 (at flat position 1',
    [m33],
  ],
  [
    'indexSelect of -1',
    () => indexSelect(m33, 1, array([-1], 'int32')),
    RangeError,
    'indexSelect: index -1 is out of range',
    [m33],
  ],
  [
    'indexSelect with a 2-D index',
    () => indexSelect(m33, 0, array([[0]], 'int32')),
    ShapeError,
    'indexSelect: index must be 1-D',
    [m33],
  ],
  [
    'oneHot label 3 of 3 classes',
    () => oneHot(i32.add(1), 3),
    RangeError,
    'oneHot: label 3 is out of range for 3 classes',
    [i32],
  ],
  ['oneHot with 0 classes', () => oneHot(i32, 0), ShapeError, 'oneHot: numClasses must be a positive integer', [i32]],
  ['oneHot of float labels', () => oneHot(v3, 4), DTypeError, 'oneHot: index must be int32', [v3]],
];

const matmuls: Row[] = [
  [
    '[2,3] @ [4,5]',
    () => matmul(m23, zeros([4, 5])),
    ShapeError,
    'matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)',
    [m23],
  ],
  ['a 0-d operand', () => matmul(array(2), m23), ShapeError, 'matmul: both operands need at least 1 dimension', [m23]],
  ['[3] @ [4]', () => matmul(v3, v4), ShapeError, 'matmul: shapes [3] and [4] cannot be multiplied (3 != 4)', [v3, v4]],
  [
    'batches 2 and 3',
    () => matmul(zeros([2, 2, 3]), zeros([3, 3, 2])),
    ShapeError,
    'matmul: batch dimensions of shapes [2,2,3] and [3,3,2] cannot be broadcast',
  ],
  ['float32 @ bool', () => matmul(m33, zeros([3, 3], 'bool')), DTypeError, 'got float32 and bool', [m33]],
];

const conv: Row[] = [
  [
    'im2col of a 3-D input',
    () => im2col(zeros([2, 4, 4]), { kernel: 2 }),
    ShapeError,
    'im2col: expected input [N, C, H, W], got [2,4,4]',
  ],
  [
    'a 5x5 kernel over 4x4',
    () => im2col(img, { kernel: 5 }),
    ShapeError,
    'im2col: a 5x5 kernel (dilation 1x1) does not fit an input of 4x4',
    [img],
  ],
  [
    'stride 0',
    () => im2col(img, { kernel: 2, stride: 0 }),
    RangeError,
    'im2col: stride must be a positive integer',
    [img],
  ],
  [
    'padding -1',
    () => im2col(img, { kernel: 2, padding: -1 }),
    RangeError,
    'im2col: padding must be a non-negative integer',
    [img],
  ],
  [
    'kernel 1.5',
    () => im2col(img, { kernel: [1.5, 2] }),
    RangeError,
    'im2col: kernel size must be a positive integer',
    [img],
  ],
  [
    'dilation 0',
    () => im2col(img, { kernel: 2, dilation: 0 }),
    RangeError,
    'im2col: dilation must be a positive integer',
    [img],
  ],
  [
    'dilated kernel too wide',
    () => im2col(img, { kernel: 3, dilation: 2 }),
    ShapeError,
    'does not fit an input of 4x4',
    [img],
  ],
  [
    'col2im of the wrong columns',
    () => col2im(zeros([1, 5, 9]), [4, 4], { kernel: 2 }),
    ShapeError,
    'col2im: columns [1,5,9] do not fit a 2x2 kernel',
  ],
  [
    'col2im of 2-D columns',
    () => col2im(zeros([4, 9]), [4, 4], { kernel: 2 }),
    ShapeError,
    'col2im: expected columns [N, C·kh·kw, L]',
  ],
];

const gathers: Row[] = [
  [
    'gather with a 1-D index on 2-D',
    () => gather(m33, 1, i32),
    ShapeError,
    'gather: index shape [3] does not fit shape [3,3] on axis 1',
    [m33, i32],
  ],
  [
    'gather index 5 of 3',
    () => gather(m33, 1, idx),
    RangeError,
    'gather: index 5 is out of range for axis 1 of size 3',
    [m33, idx],
  ],
  ['gather with a float index', () => gather(m33, 1, array([[0]])), DTypeError, 'gather: index must be int32', [m33]],
  ['gather over axis 2', () => gather(m33, 2, idx), RangeError, 'gather: axis 2 is out of range', [m33, idx]],
  [
    'scatterAdd src shape',
    () => scatterAdd([3, 3], 1, idx, zeros([1, 3])),
    ShapeError,
    'scatterAdd: src shape [1,3] must equal index shape [1,2]',
    [idx],
  ],
  [
    'scatterAdd index 5 of 3',
    () => scatterAdd([3, 3], 1, idx, zeros([1, 2])),
    RangeError,
    'scatterAdd: index 5 is out of range',
    [idx],
  ],
  [
    'scatterAdd over axis 3',
    () => scatterAdd([3, 3], 3, idx, zeros([1, 2])),
    RangeError,
    'scatterAdd: axis 3 is out of range',
    [idx],
  ],
];

const joins: Row[] = [
  ['concat of nothing', () => concat([]), ShapeError, 'concat: expected at least one array'],
  [
    'concat of [2,3] and [3]',
    () => concat([m23, v3]),
    ShapeError,
    'concat: array 1 has shape [3], expected [*,3]',
    [m23, v3],
  ],
  [
    'concat of 0-d arrays',
    () => concat([array(1), array(2)]),
    ShapeError,
    'concat: zero-dimensional arrays cannot be concatenated',
  ],
  [
    'concat with a number',
    () => concat([v3, 5 as unknown as NDArray]),
    DTypeError,
    'concat: item 1 is not an NDArray (got number)',
    [v3],
  ],
  [
    'concat with a JS array',
    () => concat([v3, [1, 2] as unknown as NDArray]),
    DTypeError,
    'item 1 is not an NDArray (got a JS array)',
    [v3],
  ],
  [
    'stack of different shapes',
    () => stack([v3, v4]),
    ShapeError,
    'stack: array 1 has shape [4], expected [3]',
    [v3, v4],
  ],
  [
    'stack with null',
    () => stack([v3, null as unknown as NDArray]),
    DTypeError,
    'stack: item 1 is not an NDArray (got null)',
    [v3],
  ],
  ['split sizes not adding up', () => split(v4, [1, 2]), ShapeError, 'split: sizes [1,2] do not add up to 4', [v4]],
  ['split in chunks of 0', () => split(v4, 0), ShapeError, 'split: chunk size must be a positive integer', [v4]],
];

/** Everything that identifies an array's contents: dtype, shape, strides, offset and every byte of its buffer. */
function snapshot(x: NDArray): unknown {
  const d = x.data;
  return [
    x.dtype,
    [...x.shape],
    [...x.strides],
    x.offset,
    Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)),
  ];
}

const sections: [string, Row[]][] = [
  ['creation', creation],
  ['dtypes', dtypes],
  ['shapes', shapes],
  ['axes', axes],
  ['indices', indices],
  ['matmul', matmuls],
  ['linear algebra', linalgRows],
  ['conv geometry', conv],
  ['gather and scatter', gathers],
  ['join', joins],
];

describe('bad-input catalogue of @chainrule/tensor', () => {
  it('has at least 60 rows', () => {
    expect(sections.reduce((n, [, rows]) => n + rows.length, 0)).toBeGreaterThanOrEqual(60);
  });
  for (const [section, rows] of sections) {
    describe(section, () => {
      for (const [name, run, error, fragment, inputs = []] of rows) {
        it(`${name}: ${error.name} "${fragment}"`, () => {
          const before = inputs.map(snapshot);
          let thrown: unknown;
          try {
            run();
          } catch (e) {
            thrown = e;
          }
          expect(thrown, 'expected an error').toBeDefined();
          expect((thrown as Error).constructor).toBe(error); // exactly chainrule's class, never a native error
          expect((thrown as Error).message).toContain(fragment);
          expect((thrown as { op?: unknown }).op).toBe((thrown as Error).message.split(':')[0]);
          expect(inputs.map(snapshot)).toEqual(before);
        });
      }
    });
  }
  it('the arrays of the catalogue are plain NDArrays', () => {
    for (const x of [m23, m33, v3, v4, i32, f64nan, img, idx]) expect(x).toBeInstanceOf(NDArray);
  });
});
