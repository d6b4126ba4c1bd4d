/** Bad inputs to x.at(...), indexPut, maskedFill, scatter and the in-place writes. */
import { AutogradError, DTypeError, RangeError, ShapeError } from '../../src/index.js';
import * as A from '../../src/index.js';
import { type Case, bad, ints, leaf, plain } from './types.js';

const x23 = () =>
  leaf([
    [1, 2, 3],
    [4, 5, 6],
  ]);
const p23 = () =>
  plain([
    [1, 2, 3],
    [4, 5, 6],
  ]);

export const advancedIndexingCases: Case[] = [
  bad('at with an integer out of range', RangeError, 'at', 'index 5 is out of range for axis 1 of size 3', () => {
    const x = x23();
    return { watch: [x], call: () => x.at(0, 5) };
  }),
  bad(
    'at with a negative integer out of range',
    RangeError,
    'at',
    'index -3 is out of range for axis 0 of size 2',
    () => {
      const x = x23();
      return { watch: [x], call: () => x.at('-3') };
    },
  ),
  bad('at with an index tensor out of range', RangeError, 'at', 'index 3 is out of range for axis 1 of size 3', () => {
    const x = x23(),
      i = ints([0, 3]);
    return { watch: [x, i], call: () => x.at(':', i) };
  }),
  bad('at with too many indices', RangeError, 'at', 'too many indices for a tensor of 2 dimensions: got 3', () => {
    const x = x23();
    return { watch: [x], call: () => x.at('0, 1, 2') };
  }),
  bad('at with two ellipses', RangeError, 'at', 'only one ellipsis', () => {
    const x = x23();
    return { watch: [x], call: () => x.at('..., 0, ...') };
  }),
  bad('at with an unreadable string', RangeError, 'at', "cannot read 'x' in the index '0, x'", () => {
    const x = x23();
    return { watch: [x], call: () => x.at('0, x') };
  }),
  bad('at with a slice step of zero', RangeError, 'at', 'a slice step cannot be zero', () => {
    const x = x23();
    return { watch: [x], call: () => x.at('::0') };
  }),
  bad('at with a fractional integer', RangeError, 'at', 'index 1.5 (item 0) is not an integer', () => {
    const x = x23();
    return { watch: [x], call: () => x.at(1.5) };
  }),
  bad('at with a float tensor as index', DTypeError, 'at', 'must be int32 or bool, got float32', () => {
    const x = x23(),
      i = plain([0, 1]);
    return { watch: [x, i], call: () => x.at(i) };
  }),
  bad('at with index arrays that do not broadcast', ShapeError, 'at', 'cannot be broadcast', () => {
    const x = x23(),
      i = ints([0, 1]),
      j = ints([0, 1, 2]);
    return { watch: [x, i, j], call: () => x.at(i, j) };
  }),
  bad('at with a mask of the wrong shape', ShapeError, 'at', 'the mask of shape [3] does not match axes 0..0', () => {
    const x = x23(),
      m = A.gt(plain([1, 0, 1]), 0);
    return { watch: [x, m], call: () => x.at(m) };
  }),
  bad('at with an undefined item', DTypeError, 'at', 'index item 0 is undefined', () => {
    const x = x23();
    return { watch: [x], call: () => A.at(x, undefined as unknown as number, 0) };
  }),
  bad(
    'indexPut with values that do not broadcast',
    ShapeError,
    'indexPut',
    'values of shape [2] cannot be broadcast to the indexed shape [2,3]',
    () => {
      const x = x23(),
        v = leaf([1, 2]);
      return { watch: [x, v], call: () => A.indexPut(x, [ints([0, 1])], v) };
    },
  ),
  bad('indexPut with an unknown option', RangeError, 'indexPut', "unknown option 'accumulated'", () => {
    const x = x23();
    return { watch: [x], call: () => A.indexPut(x, '0', 1, { accumulated: true } as never) };
  }),
  bad('maskedFill with a float mask', DTypeError, 'maskedFill', 'the mask must be bool, got float32', () => {
    const x = x23(),
      m = plain([1, 0, 1]);
    return { watch: [x, m], call: () => A.maskedFill(x, m, 0) };
  }),
  bad('maskedFill with a mask larger than x', ShapeError, 'maskedFill', "cannot be broadcast to x's shape [3]", () => {
    const x = leaf([1, 2, 3]),
      m = A.gt(p23(), 2);
    return { watch: [x, m], call: () => A.maskedFill(x, m, 0) };
  }),
  bad('maskedFill with a 1-d value', ShapeError, 'maskedFill', 'a number or a 0-d tensor', () => {
    const x = x23(),
      m = A.gt(plain([1, 0, 1]), 0),
      v = leaf([1]);
    return { watch: [x, m, v], call: () => A.maskedFill(x, m, v) };
  }),
  bad(
    'scatter with an unknown reduction',
    RangeError,
    'scatter',
    "reduce must be 'sum', 'mean', 'amax' or 'amin'",
    () => {
      const x = x23(),
        i = ints([[0]]);
      return { watch: [x, i], call: () => A.scatter(x, 1, i, 1, { reduce: 'prod' as never }) };
    },
  ),
  bad('scatter with an unknown option', RangeError, 'scatter', "unknown option 'include_self'", () => {
    const x = x23(),
      i = ints([[0]]);
    return { watch: [x, i], call: () => A.scatter(x, 1, i, 1, { include_self: false } as never) };
  }),
  bad(
    'scatter with src of another dtype',
    DTypeError,
    'scatter',
    "src must have x's dtype float64, got float32",
    () => {
      const x = x23(),
        i = ints([[0]]),
        src = plain([[1]]);
      return { watch: [x, i, src], call: () => A.scatter(x, 1, i, src) };
    },
  ),
  bad('scatter with an index wider than x', ShapeError, 'scatter', "does not fit x's shape [2,3] on axis 1", () => {
    const x = x23(),
      i = ints([[0], [1], [0]]);
    return { watch: [x, i], call: () => A.scatter(x, 1, i, 0) };
  }),
  bad('scatterReduce with a float index', DTypeError, 'scatterReduce', 'index must be int32, got float32', () => {
    const x = x23(),
      i = plain([[0]]);
    return { watch: [x, i], call: () => A.scatterReduce(x, 1, i, 1, 'amax') };
  }),
  bad('indexPutInPlace on a leaf that requires grad', AutogradError, 'indexPutInPlace', 'x requires grad', () => {
    const x = x23();
    return { watch: [x], call: () => A.indexPutInPlace(x, '0', 1) };
  }),
  bad(
    'maskedFillInPlace with a value that requires grad',
    AutogradError,
    'maskedFillInPlace',
    'the values require',
    () => {
      const x = p23(),
        v = leaf(2, 'float32'),
        m = A.gt(plain([1, 0, 1]), 0);
      return { watch: [x, v, m], call: () => A.maskedFillInPlace(x, m, v) };
    },
  ),
  bad(
    'scatterAddInPlace with an index out of range',
    RangeError,
    'scatterAddInPlace',
    'index 3 is out of range',
    () => {
      const x = p23(),
        i = ints([[3]]);
      return { watch: [x, i], call: () => A.scatterAddInPlace(x, 1, i, 1) };
    },
  ),
];
