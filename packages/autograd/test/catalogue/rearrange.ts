/** Bad inputs to the scans, sorting and rearrangement ops (cumprod ... diag, issue #14). */
import { DTypeError, RangeError, ShapeError } from '../../src/index.js';
import * as A from '../../src/index.js';
import { type Case, bad, leaf } from './types.js';

const x23 = () =>
  leaf([
    [1, 2, 3],
    [4, 5, 6],
  ]);

/** A case on the 2×3 leaf. */
const on = (name: string, error: Case['error'], op: string, message: string | RegExp, call: (x: A.Tensor) => unknown) =>
  bad(name, error, op, message, () => {
    const x = x23();
    return { watch: [x], call: () => call(x) };
  });

export const rearrangeCases: Case[] = [
  on(
    'cumprod along an axis out of range',
    RangeError,
    'cumprod',
    'axis 2 is out of range for a tensor of rank 2',
    (x) => A.cumprod(x, 2),
  ),
  on('logcumsumexp along an axis out of range', RangeError, 'logcumsumexp', 'axis -3 is out of range', (x) =>
    A.logcumsumexp(x, -3),
  ),
  on('sort along an axis out of range', RangeError, 'sort', 'axis 5 is out of range', (x) => A.sort(x, 5)),
  on('argsort along an axis out of range', RangeError, 'argsort', 'axis 2 is out of range', (x) => x.argsort(2)),
  on('topk with k larger than the axis', RangeError, 'topk', 'k = 4 is out of range for axis 1 of size 3', (x) =>
    A.topk(x, 4),
  ),
  on('topk with a fractional k', RangeError, 'topk', 'k = 1.5 is out of range', (x) => A.topk(x, 1.5)),
  on('topk with a negative k', RangeError, 'topk', 'expected 0 ≤ k ≤ 2', (x) => A.topk(x, -1, 0)),
  on('flip along an axis out of range', RangeError, 'flip', 'axis 2 is out of range', (x) => A.flip(x, [0, 2])),
  on(
    'roll with more shifts than axes',
    ShapeError,
    'roll',
    'shifts [1, 2] and axes [0] must have the same length',
    (x) => A.roll(x, [1, 2], [0]),
  ),
  on('roll with two shifts and no axes', ShapeError, 'roll', 'without axes, roll takes one shift', (x) =>
    A.roll(x, [1, 2]),
  ),
  on('roll with a fractional shift', ShapeError, 'roll', 'shifts must be integers, got [0.5]', (x) => A.roll(x, 0.5)),
  on(
    'repeat with fewer counts than axes',
    ShapeError,
    'repeat',
    'expected at least 2 repeat counts for shape [2,3]',
    (x) => A.repeat(x, [2]),
  ),
  on(
    'repeat with a negative count',
    ShapeError,
    'repeat',
    'repeat counts must be non-negative integers, got [1,-1]',
    (x) => A.repeat(x, [1, -1]),
  ),
  on('tile with a fractional count', ShapeError, 'tile', 'repeat counts must be non-negative integers', (x) =>
    A.tile(x, [1.5]),
  ),
  bad('tril of a vector', ShapeError, 'tril', 'expected a matrix or a batch of matrices', () => {
    const v = leaf([1, 2]);
    return { watch: [v], call: () => A.tril(v) };
  }),
  on('triu with a fractional diagonal', ShapeError, 'triu', 'the diagonal offset must be an integer, got 0.5', (x) =>
    A.triu(x, 0.5),
  ),
  on('diagonal of one axis twice', ShapeError, 'diagonal', 'axis1 and axis2 must differ, both are 1', (x) =>
    A.diagonal(x, 0, 1, -1),
  ),
  bad('diag of a 3-D tensor', ShapeError, 'diag', 'expected a 1-D or 2-D input, got shape [2,2,2]', () => {
    const t = leaf([
      [1, 2],
      [3, 4],
    ])
      .reshape([2, 2, 1])
      .expand([2, 2, 2]);
    return { watch: [t], call: () => A.diag(t) };
  }),
  bad('sort of an array, not a tensor', DTypeError, 'sort', 'expected a Tensor as its input, got', () => ({
    watch: [],
    call: () => A.sort([1, 2] as unknown as A.Tensor),
  })),
];
