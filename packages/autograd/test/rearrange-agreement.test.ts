// autograd's scans, sorts and rearrangements accept exactly what the tensor package's accept, and
// give the same results and the same errors (class and message), over dtypes, shapes (empty ones
// included), axes, offsets and counts. One test per family lists every case where the two disagree.
import * as T from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';
import * as A from '../src/index.js';

const DTYPES = ['float32', 'float64', 'int32', 'bool'] as const;
const SHAPES = [[], [0], [4], [3, 0], [2, 3], [2, 3, 4]];

/** Values with ties and signs in `shape`, as `dtype`. */
function arr(shape: readonly number[], dtype: T.DType): T.NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const v = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2);
  return T.cast(T.fromTypedArray(v, [...shape]), dtype);
}

/** What a call gives: its error's class and message, or its results' dtypes, shapes and values. */
function outcome(call: () => unknown): string {
  try {
    const r = call() as T.NDArray | A.Tensor | { values: T.NDArray | A.Tensor; indices: T.NDArray | A.Tensor };
    const parts = r instanceof A.Tensor || r instanceof T.NDArray ? [r] : [r.values, r.indices];
    return parts
      .map((p) => {
        const v = p instanceof A.Tensor ? p.value : p;
        return `${v.dtype} ${T.fmtShape(v.shape)} ${JSON.stringify(v.toArray())}`;
      })
      .join(' | ');
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

type Case = readonly [name: string, tensorCall: () => unknown, autogradCall: () => unknown];

/** Every case of `calls` over the dtypes and shapes, whose outcomes differ. */
function disagreements(
  params: readonly unknown[],
  call: (pkg: 'tensor' | 'autograd', x: T.NDArray, p: never) => unknown,
  shapes = SHAPES,
): string[] {
  const cases: Case[] = [];
  for (const dtype of DTYPES)
    for (const shape of shapes)
      for (const p of params) {
        const x = arr(shape, dtype);
        cases.push([
          `${dtype}${T.fmtShape(shape)} ${JSON.stringify(p)}`,
          () => call('tensor', x, p as never),
          () => call('autograd', x, p as never),
        ]);
      }
  const out: string[] = [];
  for (const [name, t, a] of cases) {
    const [ot, oa] = [outcome(t), outcome(a)];
    if (ot !== oa) out.push(`${name}\n  tensor:   ${ot}\n  autograd: ${oa}`);
  }
  expect(cases.length).toBeGreaterThan(20);
  return out;
}

const wrap = (x: T.NDArray): A.Tensor => A.tensor(x);

describe('autograd agrees with the tensor package', () => {
  it('cumprod and logcumsumexp', () => {
    const axes = [0, -1, 1, 2, 3, -4];
    expect(
      disagreements(axes, (pkg, x, axis: number) => (pkg === 'tensor' ? T.cumprod(x, axis) : A.cumprod(wrap(x), axis))),
    ).toEqual([]);
    expect(
      disagreements(axes, (pkg, x, axis: number) =>
        pkg === 'tensor' ? T.logcumsumexp(x, axis) : A.logcumsumexp(wrap(x), axis),
      ),
    ).toEqual([]);
  });

  it('sort, argsort and topk', () => {
    const sorts = [0, -1, 1, 3].flatMap((axis) => [false, true].map((d) => [axis, d] as const));
    expect(
      disagreements(sorts, (pkg, x, [axis, d]: readonly [number, boolean]) =>
        pkg === 'tensor' ? T.sort(x, axis, d) : A.sort(wrap(x), axis, d),
      ),
    ).toEqual([]);
    expect(
      disagreements(sorts, (pkg, x, [axis, d]: readonly [number, boolean]) =>
        pkg === 'tensor' ? T.argsort(x, axis, d) : A.argsort(wrap(x), axis, d),
      ),
    ).toEqual([]);
    const topks = [0, 1, 2, 5, -1].flatMap((k) =>
      [-1, 0].flatMap((axis) => [true, false].map((sorted) => [k, axis, !sorted, sorted] as const)),
    );
    expect(
      disagreements(topks, (pkg, x, [k, axis, largest, sorted]: readonly [number, number, boolean, boolean]) =>
        pkg === 'tensor' ? T.topk(x, k, axis, largest, sorted) : A.topk(wrap(x), k, axis, largest, sorted),
      ),
    ).toEqual([]);
  });

  it('flip and roll', () => {
    const flips = [[0], [-1], [0, 1], [2], []];
    expect(
      disagreements(flips, (pkg, x, axes: number[]) => (pkg === 'tensor' ? T.flip(x, axes) : A.flip(wrap(x), axes))),
    ).toEqual([]);
    const rolls: [number | number[], number[] | undefined][] = [
      [1, undefined],
      [-7, undefined],
      [
        [1, 2],
        [0, -1],
      ],
      [[2], [1]],
      [[1, 2], undefined],
      [[1], [0, 1]],
    ];
    expect(
      disagreements(rolls, (pkg, x, [s, a]: [number | number[], number[] | undefined]) =>
        pkg === 'tensor' ? T.roll(x, s, a) : A.roll(wrap(x), s, a),
      ),
    ).toEqual([]);
  });

  it('tril, triu, diag and the diagonal of the last two axes', () => {
    const offsets = [0, 1, -1, 5, -5, 0.5];
    for (const name of ['tril', 'triu'] as const)
      expect(
        disagreements(offsets, (pkg, x, k: number) => (pkg === 'tensor' ? T[name](x, k) : A[name](wrap(x), k))),
      ).toEqual([]);
    expect(
      disagreements(offsets, (pkg, x, k: number) => (pkg === 'tensor' ? T.diag(x, k) : A.diag(wrap(x), k))),
    ).toEqual([]);
    expect(
      disagreements(offsets, (pkg, x, k: number) =>
        pkg === 'tensor' ? T.diagonal(x, k) : A.diagonal(wrap(x), k, -2, -1),
      ),
    ).toEqual([]);
  });
});
