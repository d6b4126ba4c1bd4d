// Every method is its function with `this` first: called with all its arguments, each gives
// exactly what the function gives (a method that dropped a trailing argument, e.g. sum's keepDims,
// would give another shape or other values).
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';
import type { Tensor } from '@chainrule/autograd';

const x = (): Tensor =>
  A.tensor(
    [
      [
        [1, -2, 3],
        [4, 5, -6],
      ],
      [
        [0.5, 2, -1],
        [3, -4, 1],
      ],
    ],
    { dtype: 'float64' },
  );
const idx = A.tensor(
  [
    [
      [0, 2, 1],
      [1, 0, 0],
    ],
    [
      [2, 2, 0],
      [0, 1, 2],
    ],
  ],
  { dtype: 'int32' },
);
const same = (a: Tensor | Tensor[], b: Tensor | Tensor[]): void => {
  const list = (t: Tensor | Tensor[]) => (Array.isArray(t) ? t : [t]);
  expect(list(a).map((t) => [t.shape, t.dtype, t.toArray()])).toEqual(
    list(b).map((t) => [t.shape, t.dtype, t.toArray()]),
  );
};

/** [method name, arguments after `this`, the function form] */
const CASES: [string, unknown[], (t: Tensor) => Tensor | Tensor[]][] = [
  ['sum', [1, true], (t) => A.sum(t, 1, true)],
  ['max', [2, true], (t) => A.max(t, 2, true)],
  ['min', [0, true], (t) => A.min(t, 0, true)],
  ['prod', [[0, 2], true], (t) => A.prod(t, [0, 2], true)],
  ['argmax', [1, true], (t) => A.argmax(t, 1, true)],
  ['argmin', [2, true], (t) => A.argmin(t, 2, true)],
  ['cumsum', [1], (t) => A.cumsum(t, 1)],
  ['mean', [2, true], (t) => A.mean(t, 2, true)],
  ['variance', [1, { correction: 0, keepDims: true }], (t) => A.variance(t, 1, { correction: 0, keepDims: true })],
  ['std', [2, { correction: 0 }], (t) => A.std(t, 2, { correction: 0 })],
  ['logsumexp', [0, true], (t) => A.logsumexp(t, 0, true)],
  ['softmax', [0], (t) => A.softmax(t, 0)],
  ['logSoftmax', [1], (t) => A.logSoftmax(t, 1)],
  ['flatten', [1], (t) => A.flatten(t, 1)],
  ['split', [1, 1], (t) => A.split(t, 1, 1)],
  ['transpose', [0, 2], (t) => A.transpose(t, 0, 2)],
  ['slice', [2, 2, 0, -1], (t) => A.slice(t, 2, 2, 0, -1)],
  ['select', [1, -1], (t) => A.select(t, 1, -1)],
  ['squeeze', [undefined], (t) => A.squeeze(t)],
  ['unsqueeze', [1], (t) => A.unsqueeze(t, 1)],
  ['permute', [[2, 0, 1]], (t) => A.permute(t, [2, 0, 1])],
  ['reshape', [[3, 4]], (t) => A.reshape(t, [3, 4])],
  ['expand', [[2, 2, 2, 3]], (t) => A.expand(t, [2, 2, 2, 3])],
  ['clamp', [-1, 2], (t) => A.clamp(t, -1, 2)],
  ['gather', [2, idx], (t) => A.gather(t, 2, idx)],
  ['cast', ['float32'], (t) => A.cast(t, 'float32')],
  ['add', [2], (t) => A.add(t, 2)],
  ['pow', [2], (t) => A.pow(t, 2)],
  ['atan2', [1], (t) => A.atan2(t, 1)],
];

describe('methods', () => {
  for (const [name, args, fn] of CASES) {
    it(`x.${name}(${args.map((a) => JSON.stringify(a) ?? 'undefined').join(', ')}) is ${name}(x, …)`, () => {
      const method = (x() as unknown as Record<string, (...a: unknown[]) => Tensor | Tensor[]>)[name]!;
      same(method.apply(x(), args), fn(x()));
    });
  }

  it('x.where(cond, other) is where(cond, x, other), as PyTorch', () => {
    const cond = A.gt(x(), 0);
    same(x().where(cond, -1), A.where(cond, x(), -1));
  });
});
