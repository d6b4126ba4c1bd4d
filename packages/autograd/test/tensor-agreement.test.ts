// autograd's ops accept exactly what the tensor package's accept, and give the same results and the
// same errors (class and message), over dtypes, shapes (empty ones included), axes and indices
// (issue 16, defect 6). Each family is one test that lists every case where the two disagree.
import * as T from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';
import * as A from '../src/index.js';

const DTYPES = ['float32', 'float64', 'int32', 'bool'] as const;

/** 1, 2, 3, ... in `shape`, as `dtype`. */
function arr(shape: readonly number[], dtype: T.DType = 'float32'): T.NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  return T.cast(T.add(T.arange(0, n).reshape([...shape]), 1), dtype);
}

/** What a call gives: its error's class and message, or its result's dtype, shape and values. */
function outcome(call: () => T.NDArray | A.Tensor): string {
  try {
    const r = call();
    const v = r instanceof A.Tensor ? r.value : r;
    return `${v.dtype} ${T.fmtShape(v.shape)} ${JSON.stringify(v.toArray(), (_k, x) => (Object.is(x, -0) ? '-0' : x))}`;
  } catch (e) {
    return `${(e as Error).constructor.name}(${(e as Error).name}): ${(e as Error).message}`;
  }
}

type Case = readonly [name: string, tensorCall: () => T.NDArray, autogradCall: () => A.Tensor];

/** The cases whose outcomes differ, with both outcomes. */
function disagreements(cases: readonly Case[]): string[] {
  const out: string[] = [];
  for (const [name, t, a] of cases) {
    const [ot, oa] = [outcome(t), outcome(a)];
    if (ot !== oa) out.push(`${name}\n  tensor:   ${ot}\n  autograd: ${oa}`);
  }
  return out;
}

const wrap = (x: T.NDArray): A.Tensor => A.tensor(x);

describe('autograd agrees with the tensor package', () => {
  it('logsumexp, including empty axes (log 0 = -inf)', () => {
    const cases: Case[] = [];
    for (const dtype of DTYPES)
      for (const shape of [[0], [3, 0], [0, 3], [2, 0, 2], [2, 3], []])
        for (const axis of [undefined, 0, -1, 1, [0, 1], 3])
          for (const keepDims of [false, true])
            cases.push([
              `logsumexp ${dtype}${T.fmtShape(shape)} axis ${JSON.stringify(axis)} keepDims ${keepDims}`,
              () => T.logsumexp(arr(shape, dtype), axis, keepDims),
              () => A.logsumexp(wrap(arr(shape, dtype)), axis, keepDims),
            ]);
    expect(cases.length).toBeGreaterThan(250);
    expect(disagreements(cases)).toEqual([]);
  });

  it('matmul: the same operands refused (int or bool ones included), the same products', () => {
    const cases: Case[] = [];
    const pairs: [number[], number[]][] = [
      [
        [2, 3],
        [3, 2],
      ],
      [[3], [3]],
      [[2, 3], [3]],
      [[3], [3, 2]],
      [[], [2]],
      [
        [2, 3],
        [4, 2],
      ],
      [
        [0, 3],
        [3, 0],
      ],
      [
        [2, 0],
        [0, 2],
      ],
      [
        [2, 2, 3],
        [3, 3, 2],
      ],
      [
        [2, 2, 3],
        [1, 3, 2],
      ],
      [
        [4, 1, 2, 3],
        [5, 3, 2],
      ],
    ];
    for (const da of DTYPES)
      for (const db of DTYPES)
        for (const [sa, sb] of pairs)
          cases.push([
            `matmul ${da}${T.fmtShape(sa)} ${db}${T.fmtShape(sb)}`,
            () => T.matmul(arr(sa, da), arr(sb, db)),
            () => A.matmul(wrap(arr(sa, da)), wrap(arr(sb, db))),
          ]);
    expect(disagreements(cases)).toEqual([]);
  });

  it('elementwise binary ops and comparisons: dtype promotion, broadcasting, plain numbers', () => {
    const cases: Case[] = [];
    const ops = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'lt', 'ge'] as const;
    const shapes: [number[], number[]][] = [
      [[2], [2]],
      [[2, 3], [3]],
      [[0], [1]],
      [[2], [3]],
      [[], [2]],
    ];
    for (const op of ops) {
      for (const da of DTYPES)
        for (const db of DTYPES)
          for (const [sa, sb] of shapes)
            cases.push([
              `${op} ${da}${T.fmtShape(sa)} ${db}${T.fmtShape(sb)}`,
              () => T[op](arr(sa, da), arr(sb, db)),
              () => A[op](wrap(arr(sa, da)), wrap(arr(sb, db))),
            ]);
      for (const d of DTYPES)
        for (const n of [2, 2.5, -1, Number.NaN])
          cases.push(
            [`${op} ${d} and ${n}`, () => T[op](arr([2], d), n), () => A[op](wrap(arr([2], d)), n)],
            [`${op} ${n} and ${d}`, () => T[op](n, arr([2], d)), () => A[op](n, wrap(arr([2], d)))],
          );
    }
    for (const d of DTYPES)
      cases.push([
        `where with a ${d} condition`,
        () => T.where(arr([2], d), arr([2]), 0),
        () => A.where(wrap(arr([2], d)), wrap(arr([2])), 0),
      ]);
    expect(disagreements(cases)).toEqual([]);
  });

  it('unary ops and reductions: dtypes, empty arrays, axes out of range or repeated', () => {
    const cases: Case[] = [];
    const unary = ['neg', 'abs', 'exp', 'log', 'sqrt', 'square', 'tanh', 'sigmoid', 'relu', 'sign', 'round'] as const;
    for (const op of unary)
      for (const d of DTYPES)
        for (const s of [[2], [], [0]])
          cases.push([`${op} ${d}${T.fmtShape(s)}`, () => T[op](arr(s, d)), () => A[op](wrap(arr(s, d)))]);
    const reductions = ['sum', 'max', 'min', 'prod', 'mean', 'argmax', 'argmin'] as const;
    for (const op of reductions)
      for (const d of DTYPES)
        for (const s of [[2, 3], [0], [3, 0]])
          for (const axis of [undefined, 1, -3, [0, 0]])
            cases.push([
              `${op} ${d}${T.fmtShape(s)} axis ${JSON.stringify(axis)}`,
              () => (T[op] as (x: T.NDArray, a?: T.Axes) => T.NDArray)(arr(s, d), axis),
              () => (A[op] as (x: A.Tensor, a?: T.Axes) => A.Tensor)(wrap(arr(s, d)), axis),
            ]);
    for (const [lo, hi] of [
      [0, 1],
      [0.5, 2.5],
      [3, 1],
    ] as const)
      for (const d of DTYPES)
        cases.push([
          `clamp ${d} ${lo} ${hi}`,
          () => T.clamp(arr([3], d), lo, hi),
          () => A.clamp(wrap(arr([3], d)), lo, hi),
        ]);
    expect(disagreements(cases)).toEqual([]);
  });

  it('indexing, joining and splitting: index dtypes and ranges, 0-d indices, mismatched shapes', () => {
    const x = (): T.NDArray => arr([2, 3]);
    const cases: Case[] = [];
    for (const d of DTYPES)
      for (const idx of [[0, 1], [2], [-1], 1]) {
        const i = (): T.NDArray => T.cast(T.array(idx), d);
        const name = `${d} index ${JSON.stringify(idx)}`;
        cases.push(
          [`indexSelect ${name}`, () => T.indexSelect(x(), 0, i()), () => A.indexSelect(wrap(x()), 0, wrap(i()))],
          [`oneHot ${name}`, () => T.oneHot(i(), 3), () => A.oneHot(wrap(i()), 3)],
        );
        if (typeof idx !== 'number') {
          const g = (): T.NDArray => i().reshape([1, -1]);
          cases.push([`gather ${name}`, () => T.gather(x(), 1, g()), () => A.gather(wrap(x()), 1, wrap(g()))]);
        }
      }
    cases.push([
      'indexSelect 2-d index',
      () => T.indexSelect(x(), 0, T.array([[1]], 'int32')),
      () => A.indexSelect(wrap(x()), 0, wrap(T.array([[1]], 'int32'))),
    ]);
    for (const axis of [0, 1, -1, 2]) {
      cases.push(
        [`concat axis ${axis}`, () => T.concat([x(), x()], axis), () => A.concat([wrap(x()), wrap(x())], axis)],
        [`stack axis ${axis}`, () => T.stack([x(), x()], axis), () => A.stack([wrap(x()), wrap(x())], axis)],
        [`split axis ${axis}`, () => T.split(x(), [1, 1], axis)[0]!, () => A.split(wrap(x()), [1, 1], axis)[0]!],
      );
    }
    cases.push(
      ['concat of nothing', () => T.concat([], 0), () => A.concat([], 0)],
      ['stack of nothing', () => T.stack([], 0), () => A.stack([], 0)],
      [
        'concat mismatched',
        () => T.concat([arr([2, 2]), arr([3, 3])], 0),
        () => A.concat([wrap(arr([2, 2])), wrap(arr([3, 3]))], 0),
      ],
    );
    expect(disagreements(cases)).toEqual([]);
  });
});

describe('logsumexp and the softmax family over empty axes', () => {
  it.each([
    [[0], 0],
    [[3, 0], 1],
    [[3, 0], 0],
    [[0, 3], 0],
  ])('%j along %d: -inf (or empty) values, an empty gradient of x’s shape', (shape, axis) => {
    const x = A.zeros(shape, { dtype: 'float64', requiresGrad: true });
    const y = A.logsumexp(x, axis);
    expect(y.requiresGrad).toBe(true);
    expect(y.toArray()).toEqual(T.logsumexp(x.value, axis).toArray());
    y.sum().backward();
    expect(x.grad!.shape).toEqual(shape);
    for (const f of [A.softmax, A.logSoftmax]) {
      x.zeroGrad();
      const s = f(x, axis);
      expect(s.shape).toEqual(shape);
      s.sum().backward();
      expect(x.grad!.shape).toEqual(shape);
    }
  });

  it('rows that are not empty keep their values beside empty reductions elsewhere', () => {
    const x = A.tensor([[1, 2, 3]], { dtype: 'float64' });
    expect(A.logsumexp(x, 1).item()).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), 12);
    expect(A.logsumexp(A.zeros([1, 0]), 1).toArray()).toEqual([-Infinity]);
  });
});
