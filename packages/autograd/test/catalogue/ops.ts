/** Bad inputs to the ops: factories, elementwise ops, reductions, shape ops, products, indexing, windows, casts. */
import { DTypeError, RangeError, ShapeError } from '../../src/index.js';
import * as A from '../../src/index.js';
import { type Case, bad, ints, leaf, plain } from './types.js';

const x23 = () =>
  leaf([
    [1, 2, 3],
    [4, 5, 6],
  ]);

export const factoryCases: Case[] = [
  bad('tensor of ragged rows', ShapeError, 'array', /ragged|same length|shape/, () => ({
    watch: [],
    call: () => A.tensor([[1, 2], [3]] as unknown as number[][]),
  })),
  bad('tensor of strings', DTypeError, 'array', /expected a number or boolean/, () => ({
    watch: [],
    call: () => A.tensor(['a'] as unknown as number[]),
  })),
  bad('an int tensor that requires grad', DTypeError, 'requiresGrad', /only floating point/, () => ({
    watch: [],
    call: () => A.tensor([1, 2], { dtype: 'int32', requiresGrad: true }),
  })),
  bad('a bool tensor that requires grad', DTypeError, 'requiresGrad', /only floating point/, () => ({
    watch: [],
    call: () => A.zeros([2], { dtype: 'bool', requiresGrad: true }),
  })),
  bad('zeros of a negative size', ShapeError, 'zeros', /-1/, () => ({ watch: [], call: () => A.zeros([-1]) })),
  bad('ones of a fractional size', ShapeError, 'ones', /2.5/, () => ({ watch: [], call: () => A.ones([2.5]) })),
  bad('full of a NaN size', ShapeError, 'full', /NaN/, () => ({ watch: [], call: () => A.full([Number.NaN], 1) })),
  bad('arange with step 0', ShapeError, 'arange', 'step must be finite and non-zero', () => ({
    watch: [],
    call: () => A.arange(0, 10, 0),
  })),
  bad('eye of a negative size', ShapeError, 'eye', /-1/, () => ({ watch: [], call: () => A.eye(-1) })),
  bad('linspace of a negative count', ShapeError, 'linspace', 'num must be a non-negative integer', () => ({
    watch: [],
    call: () => A.linspace(0, 1, -1),
  })),
  bad('randint with low >= high', RangeError, 'randint', /5.*1|low|high/, () => ({
    watch: [],
    call: () => A.randint(5, 1, [2]),
  })),
];

export const elementwiseCases: Case[] = [
  ...(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2'] as const).map((op) =>
    bad(`${op} of shapes that do not broadcast`, ShapeError, op, '[2] and [3] cannot be broadcast', () => {
      const a = leaf([1, 2]),
        b = leaf([1, 2, 3]);
      return { watch: [a, b], call: () => A[op](a, b) };
    }),
  ),
  ...(['eq', 'lt', 'ge'] as const).map((op) =>
    bad(`${op} of shapes that do not broadcast`, ShapeError, op, '[2,3] and [2] cannot be broadcast', () => {
      const a = x23(),
        b = plain([1, 2]);
      return { watch: [a, b], call: () => A[op](a, b) };
    }),
  ),
  bad('where with a float condition', DTypeError, 'where', 'condition must be bool', () => {
    const c = plain([1, 0]),
      a = leaf([1, 2]);
    return { watch: [c, a], call: () => A.where(c, a, 0) };
  }),
  bad('where with shapes that do not broadcast', ShapeError, 'where', 'cannot be broadcast', () => {
    const a = leaf([1, 2]),
      c = A.gt(plain([1, 2, 3]), 1);
    return { watch: [c, a], call: () => A.where(c, a, 0) };
  }),
  bad('clamp with a string bound', DTypeError, 'clamp', 'min must be a number or undefined, got string', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.clamp(x, '0' as unknown as number) };
  }),
  ...(
    [
      ['a string', '1'],
      ['null', null],
      ['undefined', undefined],
      ['an array', [1, 2]],
    ] as const
  ).map(([what, operand]) =>
    bad(
      `add of ${what} (JavaScript callers)`,
      DTypeError,
      'add',
      /expected a Tensor or a number as the second operand, got/,
      () => {
        const x = leaf([1, 2]);
        return { watch: [x], call: () => A.add(x, operand as unknown as number) };
      },
    ),
  ),
  bad('mul of an NDArray, not wrapped', DTypeError, 'mul', 'wrap an NDArray with tensor(...)', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => x.mul(x.value as unknown as number) };
  }),
  bad('lt of a string', DTypeError, 'lt', 'as the first operand, got string', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.lt('1' as unknown as number, x) };
  }),
  bad('exp of a plain number', DTypeError, 'exp', 'expected a Tensor as its input, got number', () => ({
    watch: [],
    call: () => A.exp(2 as unknown as A.Tensor),
  })),
  bad('where with a number condition', DTypeError, 'where', 'expected a Tensor as the condition, got number', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.where(1 as unknown as A.Tensor, x, 0) };
  }),
];

export const reductionCases: Case[] = [
  ...(['sum', 'max', 'min', 'prod', 'mean', 'argmax', 'logsumexp', 'cumsum'] as const).map((op) =>
    bad(
      `${op} over an axis out of range`,
      RangeError,
      op === 'cumsum' ? 'cumsum' : op,
      /axis 2 .*2 dimensions|out of range/,
      () => {
        const x = x23();
        return { watch: [x], call: () => (A[op] as (x: A.Tensor, axis: number) => A.Tensor)(x, 2) };
      },
    ),
  ),
  bad('sum over a repeated axis', ShapeError, 'sum', 'axis 0 appears more than once', () => {
    const x = x23();
    return { watch: [x], call: () => A.sum(x, [0, 0]) };
  }),
  bad('sum over a fractional axis', RangeError, 'sum', /0.5/, () => {
    const x = x23();
    return { watch: [x], call: () => A.sum(x, 0.5) };
  }),
  bad('max of an empty tensor', ShapeError, 'max', 'cannot reduce over an empty dimension', () => {
    const x = A.zeros([0], { requiresGrad: true });
    return { watch: [x], call: () => A.max(x) };
  }),
  bad('argmin of an empty tensor', ShapeError, 'argmin', 'empty', () => {
    const x = A.zeros([2, 0]);
    return { watch: [x], call: () => A.argmin(x, 1) };
  }),
  bad('variance over an axis out of range', RangeError, 'var', /out of range/, () => {
    const x = x23();
    return { watch: [x], call: () => A.variance(x, -3) };
  }),
  bad('softmax over an axis out of range', RangeError, 'softmax', /axis 2 .*out of range/, () => {
    const x = x23();
    return { watch: [x], call: () => A.softmax(x, 2) };
  }),
  bad('logSoftmax over an axis out of range', RangeError, 'logSoftmax', /axis -3 .*out of range/, () => {
    const x = x23();
    return { watch: [x], call: () => A.logSoftmax(x, -3) };
  }),
];

export const shapeCases: Case[] = [
  bad('reshape to the wrong size', ShapeError, 'reshape', /6.*\[4\]|\[4\].*6/, () => {
    const x = x23();
    return { watch: [x], call: () => A.reshape(x, [4]) };
  }),
  bad('reshape with two -1', ShapeError, 'reshape', /-1/, () => {
    const x = x23();
    return { watch: [x], call: () => A.reshape(x, [-1, -1]) };
  }),
  bad('reshape to a fractional size', ShapeError, 'reshape', /2.5/, () => {
    const x = x23();
    return { watch: [x], call: () => A.reshape(x, [2.5, 2.4]) };
  }),
  bad('permute with a repeated axis', ShapeError, 'permute', 'repeats an axis', () => {
    const x = x23();
    return { watch: [x], call: () => A.permute(x, [0, 0]) };
  }),
  bad('permute with too few axes', ShapeError, 'permute', 'expected 2', () => {
    const x = x23();
    return { watch: [x], call: () => A.permute(x, [0]) };
  }),
  bad('transpose of an axis out of range', RangeError, 'transpose', /out of range/, () => {
    const x = x23();
    return { watch: [x], call: () => A.transpose(x, 0, 2) };
  }),
  bad('expand to a smaller size', ShapeError, 'expand', /\[2,3\].*\[2,2\]|cannot/, () => {
    const x = x23();
    return { watch: [x], call: () => A.expand(x, [2, 2]) };
  }),
  bad('expand to fewer dimensions', ShapeError, 'expand', /\[3\]/, () => {
    const x = x23();
    return { watch: [x], call: () => A.expand(x, [3]) };
  }),
  bad('squeeze of an axis out of range', RangeError, 'squeeze', /out of range/, () => {
    const x = leaf([[1, 2]]);
    return { watch: [x], call: () => A.squeeze(x, 3) };
  }),
  bad('unsqueeze at an axis out of range', RangeError, 'unsqueeze', /out of range/, () => {
    const x = x23();
    return { watch: [x], call: () => A.unsqueeze(x, 4) };
  }),
  bad('slice with step 0', ShapeError, 'slice', 'step must be a non-zero integer', () => {
    const x = x23();
    return { watch: [x], call: () => A.slice(x, 1, 0, 3, 0) };
  }),
  bad('slice of an axis out of range', RangeError, 'slice', /out of range/, () => {
    const x = x23();
    return { watch: [x], call: () => A.slice(x, 2, 0, 1) };
  }),
  bad('select of an index out of range', RangeError, 'select', /index 3 is out of range/, () => {
    const x = x23();
    return { watch: [x], call: () => A.select(x, 0, 3) };
  }),
  bad('select of a fractional index', RangeError, 'select', /0.5/, () => {
    const x = x23();
    return { watch: [x], call: () => A.select(x, 1, 0.5) };
  }),
  bad('flatten from an axis out of range', RangeError, 'flatten', /out of range/, () => {
    const x = x23();
    return { watch: [x], call: () => A.flatten(x, 5) };
  }),
  bad('mT of a 1-D tensor', ShapeError, 'mT', 'at least 2 dimensions), got shape [2]', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.mT(x) };
  }),
  bad('concat of mismatched shapes', ShapeError, 'concat', /\[2,3\].*\[3,3\]|axis 1/, () => {
    const a = x23(),
      b = leaf([
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
      ]);
    return { watch: [a, b], call: () => A.concat([a, b], 1) };
  }),
  bad('concat of nothing', ShapeError, 'concat', /at least one/, () => ({ watch: [], call: () => A.concat([], 0) })),
  bad('stack of mismatched shapes', ShapeError, 'stack', 'array 1 has shape [3], expected [2]', () => {
    const a = leaf([1, 2]),
      b = leaf([1, 2, 3]);
    return { watch: [a, b], call: () => A.stack([a, b]) };
  }),
  bad('split into sizes that do not add up', ShapeError, 'split', /3/, () => {
    const x = x23();
    return { watch: [x], call: () => A.split(x, [1, 1], 1) };
  }),
];

export const productCases: Case[] = [
  bad('matmul of inner sizes that differ', ShapeError, 'matmul', 'cannot be multiplied (3 != 2)', () => {
    const a = x23(),
      b = leaf([
        [1, 2],
        [3, 4],
      ]);
    return { watch: [a, b], call: () => A.matmul(a, b) };
  }),
  bad('matmul of a 0-d operand', ShapeError, 'matmul', 'at least 1 dimension', () => {
    const a = leaf(2),
      b = leaf([1, 2]);
    return { watch: [a, b], call: () => A.matmul(a, b) };
  }),
  bad(
    'matmul of float32 and int32',
    DTypeError,
    'matmul',
    'expected float32 or float64 operands, got float32 and int32',
    () => {
      const a = leaf([[1, 2]], 'float32'),
        b = ints([[1], [2]]);
      return { watch: [a, b], call: () => A.matmul(a, b) };
    },
  ),
  bad('matmul of bools', DTypeError, 'matmul', 'got bool and bool', () => {
    const m = A.gt(plain([[1, 2]]), 0);
    return { watch: [m], call: () => A.matmul(m, A.mT(m)) };
  }),
  bad(
    'matmul of batches that do not broadcast',
    ShapeError,
    'matmul',
    'batch dimensions of shapes [2,1,3] and [3,3,1]',
    () => {
      const a = A.ones([2, 1, 3], { requiresGrad: true }),
        b = A.ones([3, 3, 1], { requiresGrad: true });
      return { watch: [a, b], call: () => A.matmul(a, b) };
    },
  ),
  bad('linear with a 1-D weight', ShapeError, 'linear', 'weight must be 2-D', () => {
    const x = x23(),
      w = leaf([1, 2, 3]);
    return { watch: [x, w], call: () => A.linear(x, w) };
  }),
  bad('linear of a 0-d input', ShapeError, 'linear', 'at least 1 dimension', () => {
    const x = leaf(1),
      w = leaf([[1]]);
    return { watch: [x, w], call: () => A.linear(x, w) };
  }),
  bad('linear of sizes that differ', ShapeError, 'linear', 'do not match (3 != 2)', () => {
    const x = x23(),
      w = leaf([[1, 2]]);
    return { watch: [x, w], call: () => A.linear(x, w) };
  }),
  bad('linear with a bias of the wrong size', ShapeError, 'linear', 'bias must have shape [1]', () => {
    const x = x23(),
      w = leaf([[1, 2, 3]]),
      b = leaf([1, 2]);
    return { watch: [x, w, b], call: () => A.linear(x, w, b) };
  }),
  bad(
    'linear of an int32 input',
    DTypeError,
    'linear',
    'expected float32 or float64 operands, got int32 and float64',
    () => {
      const x = ints([[1, 2, 3]]),
        w = leaf([[1, 2, 3]]);
      return { watch: [x, w], call: () => A.linear(x, w) };
    },
  ),
];
