// Rows of the bad-input catalogue (bad-input-catalogue.test.ts): creation, dtypes, shapes and axes.
import {
  type DType,
  DTypeError,
  type NDArray,
  RangeError,
  ShapeError,
  add,
  arange,
  argmax,
  array,
  cast,
  concat,
  eye,
  fromTypedArray,
  full,
  im2col,
  indexSelect,
  linspace,
  logsumexp,
  matmul,
  max,
  mean,
  ones,
  rand,
  randint,
  randn,
  split,
  stack,
  sum,
  where,
  zeros,
} from '../src/index.js';

export type ErrorClass = typeof ShapeError | typeof DTypeError | typeof RangeError;

/** A row: what is done, the class it must throw, a fragment of the message, the arrays involved. */
export type Row = [name: string, run: () => unknown, error: ErrorClass, fragment: string, inputs?: NDArray[]];

export const m23 = array([
  [1, 2, 3],
  [4, 5, 6],
]);
export const m33 = arange(9, undefined, 1, 'float32').reshape([3, 3]);
export const v3 = array([1, 2, 3]);
export const v4 = array([1, 2, 3, 4]);
export const i32 = array([0, 1, 2], 'int32');
export const f64nan = array([1, Number.NaN], 'float64');
export const img = rand([1, 2, 4, 4]);
export const idx = array([[0, 5]], 'int32');

export const creation: Row[] = [
  [
    'zeros of 10^12 elements',
    () => zeros([1e6, 1e6]),
    RangeError,
    'zeros: 1000000000000 float32 elements (4000000000000 bytes',
  ],
  ['eye(10^6)', () => eye(1e6), RangeError, 'eye: 1000000000000 float32 elements (4000000000000 bytes'],
  ['arange(0, 10^12)', () => arange(0, 1e12), RangeError, 'arange: 1000000000000 int32 elements (4000000000000 bytes'],
  ['ones of 2^33 float64', () => ones([2 ** 31, 4], 'float64'), RangeError, 'ones: 8589934592 float64 elements'],
  ['full with a size of 2^53 + 2', () => full([2 ** 27, 2 ** 27, 2 ** 26], 0), RangeError, 'full:'],
  ['array of an unknown dtype', () => array([1, 2], 'float16' as DType), DTypeError, 'array: unknown dtype "float16"'],
  ['zeros of an unknown dtype', () => zeros([2], 'int64' as DType), DTypeError, 'zeros: unknown dtype "int64"'],
  ['a dtype that is not a string', () => array([1], 3 as unknown as DType), DTypeError, 'array: unknown dtype 3'],
  [
    'int32 array of 1e10',
    () => array([1e10, Number.NaN, 1.5], 'int32'),
    RangeError,
    "value 10000000000 at [0] is outside int32's range",
  ],
  [
    'int32 array with NaN',
    () =>
      array(
        [
          [1, 2],
          [Number.NaN, 4],
        ],
        'int32',
      ),
    RangeError,
    'array: value NaN at [1,0] is not an integer',
  ],
  [
    'int32 array with Infinity',
    () => array([1, Number.POSITIVE_INFINITY], 'int32'),
    RangeError,
    'value Infinity at [1]',
  ],
  [
    'int32 array with a fraction',
    () => array([0, 2.5], 'int32'),
    RangeError,
    'array: value 2.5 at [1] is not an integer',
  ],
  ['int32 scalar out of range', () => array(2 ** 31, 'int32'), RangeError, 'array: value 2147483648 at []'],
  ['full int32 with a fraction', () => full([2], 1.5, 'int32'), RangeError, 'full: value 1.5 as the fill value'],
  ['full with a string', () => full([2], '1' as unknown as number), DTypeError, 'full: fill value must be a number'],
  ['ragged nested array', () => array([[1, 2], [3]]), ShapeError, 'array: ragged nested array at [1]'],
  ['a string element', () => array([1, 'a' as unknown as number]), DTypeError, 'array: element at [1] is string'],
  ['negative dimension', () => zeros([2, -1]), ShapeError, 'zeros: invalid shape [2,-1]'],
  ['fractional dimension', () => ones([2.5]), ShapeError, 'ones: invalid shape [2.5]'],
  ['arange step 0', () => arange(0, 10, 0), ShapeError, 'arange: step must be finite and non-zero'],
  ['arange to Infinity', () => arange(0, Number.POSITIVE_INFINITY), ShapeError, 'arange: bounds must be finite'],
  ['arange past int32', () => arange(0, 5e9, 1e9), RangeError, "arange: value 4000000000 is outside int32's range"],
  ['linspace with num -1', () => linspace(0, 1, -1), ShapeError, 'linspace: num must be a non-negative integer'],
  ['linspace int32 past its range', () => linspace(0, 5e9, 3, 'int32'), RangeError, 'linspace: value 5000000000'],
  ['linspace int32 of NaN', () => linspace(Number.NaN, 1, 3, 'int32'), RangeError, 'linspace: value NaN'],
  ['eye(-1)', () => eye(-1), ShapeError, 'eye: invalid shape [-1,-1]'],
  [
    'randint past int32',
    () => randint(0, 2 ** 32, [2]),
    RangeError,
    "randint: [0, 4294967296) reaches outside int32's range",
  ],
  ['randint with low >= high', () => randint(3, 3, [2]), RangeError, 'randint: need integers low < high'],
  ['rand of int32', () => rand([2], { dtype: 'int32' }), DTypeError, 'rand: dtype must be float32 or float64'],
  ['randn of bool', () => randn([2], { dtype: 'bool' }), DTypeError, 'randn: dtype must be float32 or float64'],
  ['fromTypedArray of an Int16Array', () => fromTypedArray(new Int16Array(4) as never), DTypeError, 'got Int16Array'],
  [
    'fromTypedArray of a plain array',
    () => fromTypedArray([1, 2] as never),
    DTypeError,
    'fromTypedArray: expected a Float32Array',
  ],
  [
    'fromTypedArray with the wrong size',
    () => fromTypedArray(new Float32Array(4), [3]),
    ShapeError,
    'needs 3 elements, the array has 4',
  ],
];

export const dtypes: Row[] = [
  [
    'cast NaN to int32',
    () => cast(f64nan, 'int32'),
    RangeError,
    'cast: value NaN at flat index 1 of a float64 array',
    [f64nan],
  ],
  ['cast 3e9 to int32', () => cast(array([0, 3e9]), 'int32'), RangeError, 'cast: value 3000000000 at flat index 1'],
  [
    'cast -Infinity to int32 (a view)',
    () => cast(array([[0, Number.NEGATIVE_INFINITY]]).transpose(), 'int32'),
    RangeError,
    'value -Infinity at flat index 1',
  ],
  ['cast to an unknown dtype', () => cast(v3, 'float16' as DType), DTypeError, 'cast: unknown dtype "float16"', [v3]],
  [
    'where with a float condition',
    () => where(v3, v3, v3),
    DTypeError,
    'where: condition must be bool, got float32',
    [v3],
  ],
  [
    'matmul of int32',
    () => matmul(i32, i32),
    DTypeError,
    'matmul: expected float32 or float64 operands, got int32',
    [i32],
  ],
  [
    'im2col of int32',
    () => im2col(zeros([1, 1, 3, 3], 'int32'), { kernel: 2 }),
    DTypeError,
    'im2col: expected a float input',
  ],
  [
    'indexSelect with a float index',
    () => indexSelect(m23, 0, v3),
    DTypeError,
    'indexSelect: index must be int32, got float32',
    [m23, v3],
  ],
  ['set a fraction into int32', () => i32.set(1.5, 0), RangeError, 'set: value 1.5 at [0] is not an integer', [i32]],
  ['set NaN into int32', () => i32.set(Number.NaN, 1), RangeError, 'set: value NaN at [1]', [i32]],
];

export const shapes: Row[] = [
  [
    'add of [3] and [4]',
    () => add(v3, v4),
    ShapeError,
    'add: shapes [3] and [4] cannot be broadcast (dimension 0: 3 vs 4)',
    [v3, v4],
  ],
  ['reshape 6 into [4]', () => m23.reshape([4]), ShapeError, 'reshape: shape [4] is invalid for 6 elements', [m23]],
  ['reshape with two -1', () => m23.reshape([-1, -1]), ShapeError, 'reshape: only one dimension can be -1', [m23]],
  ['reshape with 2.5', () => m23.reshape([2.5, 2]), ShapeError, 'reshape: invalid dimension 2.5', [m23]],
  ['expand [2,3] to [3,3]', () => m23.expand([3, 3]), ShapeError, 'expand: cannot expand shape [2,3] to [3,3]', [m23]],
  ['expand to fewer dims', () => m23.expand([3]), ShapeError, '(fewer dimensions)', [m23]],
  ['squeeze a size-2 axis', () => m23.squeeze(0), ShapeError, 'squeeze: axis 0 has size 2, expected 1', [m23]],
  ['permute repeating an axis', () => m23.permute([0, 0]), ShapeError, 'permute: order [0,0] repeats an axis', [m23]],
  ['permute with too few axes', () => m23.permute([0]), ShapeError, 'permute: order [0] has 1 axes, expected 2', [m23]],
  ['item of two elements', () => array([1, 2]).item(), ShapeError, 'item: only one-element arrays'],
  ['slice with step 0', () => m23.slice(0, 0, 1, 0), ShapeError, 'slice: step must be a non-zero integer', [m23]],
  ['max of nothing', () => max(zeros([0])), ShapeError, 'max: cannot reduce over an empty dimension'],
  ['argmax of nothing', () => argmax(zeros([2, 0]), 1), ShapeError, 'argmax: cannot take argmax of an empty tensor'],
];

export const axes: Row[] = [
  [
    'sum over axis 2 of rank 2',
    () => sum(m23, 2),
    RangeError,
    'sum: axis 2 is out of range for a tensor of rank 2',
    [m23],
  ],
  ['sum over axis -3', () => sum(m23, -3), RangeError, 'sum: axis -3 is out of range', [m23]],
  ['sum over a repeated axis', () => sum(m23, [0, -2]), ShapeError, 'sum: axis 0 appears more than once', [m23]],
  ['mean over axis 0.5', () => mean(m23, 0.5), RangeError, 'mean: axis 0.5 is out of range', [m23]],
  ['transpose axis 5', () => m23.transpose(0, 5), RangeError, 'transpose: axis 5 is out of range', [m23]],
  [
    'unsqueeze at 4',
    () => m23.unsqueeze(4),
    RangeError,
    'unsqueeze: axis 4 is out of range for a tensor of rank 3',
    [m23],
  ],
  ['argmax over axis 3', () => argmax(m23, 3), RangeError, 'argmax: axis 3', [m23]],
  ['logsumexp over axis 9', () => logsumexp(m23, 9), RangeError, 'logsumexp: axis 9', [m23]],
  ['concat on axis 2 of rank 2', () => concat([m23, m23], 2), RangeError, 'concat: axis 2 is out of range', [m23]],
  ['split on axis -5', () => split(m23, 1, -5), RangeError, 'split: axis -5', [m23]],
  [
    'stack at axis 4',
    () => stack([v3, v3], 4),
    RangeError,
    'stack: axis 4 is out of range for a tensor of rank 2',
    [v3],
  ],
];
