// x.at(...), indexPut and maskedFill (composites of views, gather and scatter): gradcheck and
// gradgradcheck on random index specs, the spellings agreeing with each other, views, and the
// in-place forms. Values against PyTorch: indexing-fixtures.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';
import {
  ELLIPSIS,
  type IndexItem,
  NEW_AXIS,
  type Tensor,
  arange,
  gradcheck,
  gradgradcheck,
  noGrad,
  sl,
  tensor,
  zeros,
} from '@chainrule/autograd';
import {
  type TensorData,
  dataArb,
  indexTensor,
  leaf,
  maskTensor,
  operandShapeArb,
  shapeArb,
  smooth,
} from './helpers/arbitraries.js';

const SEED = 20261206;
const nullable = (n: number) => fc.option(fc.integer({ min: -n - 1, max: n + 1 }), { nil: null });

type Item =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number }
  | { kind: 'index'; values: number[] }
  | { kind: 'mask'; values: boolean[] }
  | { kind: 'full' };

/** One item for an axis of size n; index arrays have length `len` or 1 (so they broadcast together). */
const itemArb = (n: number, len: number, masks: boolean): fc.Arbitrary<Item> =>
  fc.oneof(
    fc.integer({ min: -n, max: n - 1 }).map((value): Item => ({ kind: 'int', value })),
    fc
      .tuple(nullable(n), nullable(n), fc.constantFrom(-2, -1, 1, 2, 3))
      .map(([start, stop, step]): Item => ({ kind: 'slice', start, stop, step })),
    fc
      .constantFrom(len, 1)
      .chain((l) => fc.array(fc.integer({ min: -n, max: n - 1 }), { minLength: l, maxLength: l }))
      .map((values): Item => ({ kind: masks ? 'full' : 'index', values }) as Item),
    (masks
      ? fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((values): Item => ({ kind: 'mask', values }))
      : fc.constant<Item>({ kind: 'full' })) as fc.Arbitrary<Item>,
    fc.constant<Item>({ kind: 'full' }),
  );

interface AtCase {
  x: TensorData;
  items: Item[];
  newAxisAt: number | null;
  ellipsis: boolean;
}

const atCases: fc.Arbitrary<AtCase> = fc
  .tuple(shapeArb(3, 4, 1), fc.integer({ min: 1, max: 3 }), fc.boolean())
  .chain(([s, len, masks]) =>
    fc.record({
      x: dataArb(s, smooth),
      items: fc.tuple(...s.map((n) => itemArb(n, len, masks))),
      newAxisAt: fc.option(fc.integer({ min: 0, max: s.length }), { nil: null }),
      ellipsis: fc.boolean(),
    }),
  )
  // at most one mask (its count would have to broadcast with the others)
  .filter((c) => c.items.filter((i) => i.kind === 'mask').length <= 1);

function toItems(c: AtCase): IndexItem[] {
  const items: IndexItem[] = c.items.map((i) => {
    if (i.kind === 'int') return i.value;
    if (i.kind === 'slice') return sl(i.start, i.stop, i.step);
    if (i.kind === 'index') return indexTensor([i.values.length], i.values);
    if (i.kind === 'mask') return maskTensor([i.values.length], i.values);
    return sl();
  });
  if (c.ellipsis) {
    let k = items.length; // trailing full slices become one ellipsis
    while (k > 0 && c.items[k - 1]!.kind === 'full') k--;
    items.splice(k, items.length - k, ELLIPSIS);
  }
  if (c.newAxisAt !== null) items.splice(Math.min(c.newAxisAt, items.length), 0, NEW_AXIS);
  return items;
}

describe('x.at(...): gradcheck and gradgradcheck on random specs', () => {
  it('integers, slices with steps and negative bounds, new axes, ellipsis, index arrays and masks', () => {
    fc.assert(
      fc.property(atCases, (c) => {
        const items = toItems(c);
        const f = (x: Tensor) => x.at(...items).mul(1.5);
        const x = leaf(c.x);
        const first = gradcheck(f, [x]);
        if (!first.ok) throw new Error(first.report);
        const second = gradgradcheck(f, [x]);
        if (!second.ok) throw new Error(second.report);
      }),
      { numRuns: 40, seed: SEED },
    );
  });
});

describe('indexPut and maskedFill: gradcheck and gradgradcheck', () => {
  it('indexPut writes and accumulates, values broadcast', () => {
    const cases = fc
      .tuple(shapeArb(3, 3, 1), fc.boolean(), fc.integer({ min: 1, max: 4 }))
      .chain(([s, accumulate, len]) =>
        fc.record({
          x: dataArb(s, smooth),
          accumulate: fc.constant(accumulate),
          // writes: each position once (a permutation prefix); accumulation: repeats allowed
          rows: accumulate
            ? fc.array(fc.integer({ min: 0, max: s[0]! - 1 }), { minLength: len, maxLength: len })
            : fc.shuffledSubarray(
                Array.from({ length: s[0]! }, (_, i) => i),
                { minLength: 1 },
              ),
          tail: fc.constant(s.slice(1)),
        }),
      )
      .chain((c) => fc.tuple(fc.constant(c), operandShapeArb([c.rows.length, ...c.tail])))
      .chain(([c, vs]) => fc.tuple(fc.constant(c), dataArb(vs, smooth)));
    fc.assert(
      fc.property(cases, ([c, v]) => {
        const rows = indexTensor([c.rows.length], c.rows);
        const f = (x: Tensor, values: Tensor) => A.indexPut(x, [rows], values, { accumulate: c.accumulate });
        const inputs = [leaf(c.x), leaf(v)];
        const first = gradcheck(f, inputs);
        if (!first.ok) throw new Error(first.report);
        const second = gradgradcheck(f, inputs);
        if (!second.ok) throw new Error(second.report);
      }),
      { numRuns: 25, seed: SEED },
    );
  });

  it('maskedFill with a broadcast mask and a 0-d value', () => {
    const cases = shapeArb(3, 3).chain((s) =>
      operandShapeArb(s).chain((ms) =>
        fc.tuple(
          dataArb(s, smooth),
          fc.constant(ms),
          fc.array(fc.boolean(), {
            minLength: ms.reduce((p, d) => p * d, 1),
            maxLength: ms.reduce((p, d) => p * d, 1),
          }),
          dataArb([], smooth),
        ),
      ),
    );
    fc.assert(
      fc.property(cases, ([x, ms, mv, v]) => {
        const mask = maskTensor(ms, mv);
        const f = (a: Tensor, value: Tensor) => A.maskedFill(a, mask, value);
        const inputs = [leaf(x), leaf(v)];
        const first = gradcheck(f, inputs);
        if (!first.ok) throw new Error(first.report);
        const second = gradgradcheck(f, inputs);
        if (!second.ok) throw new Error(second.report);
      }),
      { numRuns: 25, seed: SEED },
    );
  });
});

/** Python's `list(range(n))[start:stop:step]`, from the definition of `slice.indices`. */
function pythonSlice(n: number, start: number | null, stop: number | null, step: number): number[] {
  const [lower, upper] = step > 0 ? [0, n] : [-1, n - 1];
  const bound = (v: number | null, dflt: number) =>
    v === null ? dflt : v < 0 ? Math.max(v + n, lower) : Math.min(v, upper);
  const from = bound(start, step > 0 ? lower : upper),
    to = bound(stop, step > 0 ? upper : lower);
  const out: number[] = [];
  for (let i = from; step > 0 ? i < to : i > to; i += step) out.push(i);
  return out;
}

describe('slices follow Python', () => {
  it('every start, stop (out of range too) and step on lengths 0, 1 and 4', () => {
    const bounds = [null, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6];
    for (const n of [0, 1, 4]) {
      const x = arange(0, n, 1, { dtype: 'int32' });
      for (const a of bounds)
        for (const b of bounds)
          for (const step of [-3, -2, -1, 1, 2, 3])
            expect(x.at(sl(a, b, step)).toArray(), `${n} [${a}:${b}:${step}]`).toEqual(pythonSlice(n, a, b, step));
    }
  });
});

describe('x.at spellings', () => {
  const x = arange(0, 120, 1, { dtype: 'float64' }).reshape([2, 3, 4, 5]);

  it('a string spec and typed items give the same result', () => {
    expect(x.at('1, 0:2, ::-2').toArray()).toEqual(x.at(1, sl(0, 2), sl(null, null, -2)).toArray());
    expect(x.at('None, ..., 1:').toArray()).toEqual(x.at(NEW_AXIS, ELLIPSIS, sl(1)).toArray());
    expect(x.at(' -1 , : , 3 ').toArray()).toEqual(x.at(-1, sl(), 3).toArray());
    const cols = tensor([0, 2], { dtype: 'int32' });
    expect(x.at(':', [0, 2]).toArray()).toEqual(x.at(sl(), cols).toArray());
  });

  it('the method takes any number of items', () => {
    const y = x.at(0, ':', NEW_AXIS, 2, [1, 3], NEW_AXIS);
    expect(y.shape).toEqual([3, 1, 2, 1]);
    expect(y.toArray()).toEqual(A.at(x, 0, ':', NEW_AXIS, 2, [1, 3], NEW_AXIS).toArray());
    expect(x.at().shape).toEqual([2, 3, 4, 5]);
  });

  it('nested arrays index as int32 and bool tensors', () => {
    expect(x.at([1, 0], 2, [[3], [0]]).toArray()).toEqual(
      x.at(tensor([1, 0], { dtype: 'int32' }), 2, tensor([[3], [0]], { dtype: 'int32' })).toArray(),
    );
    expect(x.at([true, false]).shape).toEqual([1, 3, 4, 5]);
  });

  it('basic indexing gives a view sharing the version counter; advanced indexing copies', () => {
    const t = arange(0, 6, 1, { dtype: 'float64' }).reshape([2, 3]);
    const view = t.at('1, ::2');
    const copy = t.at([1]);
    t.mulInPlace(2);
    expect(view.toArray()).toEqual([6, 10]);
    expect(view.version).toBe(t.version);
    expect(copy.toArray()).toEqual([[3, 4, 5]]);
    const before = t.version;
    t.at('0, 1:').copyInPlace(tensor([-1, -2], { dtype: 'float64' })); // x[0, 1:] = v through the view
    expect(t.toArray()).toEqual([
      [0, -1, -2],
      [6, 8, 10],
    ]);
    expect(t.version).toBe(before + 1);
  });

  it('works on int tensors and 0-d tensors', () => {
    const i = arange(0, 6, 1, { dtype: 'int32' }).reshape([2, 3]);
    expect(i.at('..., -1').toArray()).toEqual([2, 5]);
    expect(i.at(i.gt(3)).toArray()).toEqual([4, 5]);
    expect(tensor(7).at(NEW_AXIS).toArray()).toEqual([7]);
    expect(tensor(7).at('...').shape).toEqual([]);
  });

  it('an empty selection has an empty gradient', () => {
    const t = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const y = t.at(t.gt(5));
    expect(y.shape).toEqual([0]);
    y.sum().backward();
    expect(t.grad!.toArray()).toEqual([0, 0, 0]);
  });
});

describe('in-place writes', () => {
  it('indexPutInPlace, maskedFillInPlace, scatterInPlace, scatterAddInPlace: x written, its version bumped', () => {
    const x = zeros([2, 3]);
    const v0 = x.version;
    expect(x.indexPutInPlace(':, 1', tensor([1, 2]))).toBe(x);
    expect(x.toArray()).toEqual([
      [0, 1, 0],
      [0, 2, 0],
    ]);
    x.indexPutInPlace([[0, 0]], 5, { accumulate: true });
    expect(x.toArray()).toEqual([
      [10, 11, 10],
      [0, 2, 0],
    ]);
    x.maskedFillInPlace(x.gt(10), -1);
    expect(x.toArray()).toEqual([
      [10, -1, 10],
      [0, 2, 0],
    ]);
    const i = tensor([[2], [0]], { dtype: 'int32' });
    x.scatterInPlace(1, i, 7);
    x.scatterAddInPlace(1, i, tensor([[1], [1]]));
    expect(x.toArray()).toEqual([
      [10, -1, 8],
      [8, 2, 0],
    ]);
    expect(x.version).toBe(v0 + 5);
  });

  it('a leaf that requires grad is written under noGrad (an optimizer-style update)', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    noGrad(() => w.maskedFillInPlace(w.gt(1), 0));
    expect(w.toArray()).toEqual([1, 0, 0]);
    expect(w.requiresGrad).toBe(true);
  });

  it('scatterAdd takes PyTorch arguments, and gather still sends its gradient back through it', () => {
    const i = tensor([0, 0, 2], { dtype: 'int32' });
    expect(A.scatterAdd(tensor([1, 1, 1]), 0, i, tensor([1, 2, 3])).toArray()).toEqual([4, 1, 4]);
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    A.gather(x, 0, i).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 0, 1]);
  });
});
