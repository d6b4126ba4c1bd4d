import { ShapeError, array, fromTypedArray, Rng } from '@chainrule/tensor';
import { Tensor, arange, randn, slice, tensor } from '@chainrule/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MinMaxScaler,
  NotFittedError,
  StandardScaler,
  Subset,
  TensorDataset,
  normalize,
  trainValTestSplit,
} from '../src/data/index.js';

/** Column means and population standard deviations, computed here independently. */
function columnStats(x: Tensor): { mean: number[]; std: number[] } {
  const rows = x.toArray() as number[][];
  const f = rows[0]!.length;
  const mean = Array.from({ length: f }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  const std = mean.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / rows.length));
  return { mean, std };
}

describe('trainValTestSplit', () => {
  it('gives disjoint parts of the requested counts covering the chosen items', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.nat(), fc.integer(), (n, r, seed) => {
        const train = r % (n + 1);
        const val = Math.floor((n - train) / 2);
        const test = n - train - val;
        const s = trainValTestSplit(n, { train, val, test }, seed);
        expect([s.train.length, s.val.length, s.test.length]).toEqual([train, val, test]);
        const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('takes fractions, rounding val and test and giving train the rest', () => {
    const s = trainValTestSplit(10, { train: 0.7, val: 0.15, test: 0.15 }, 1);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([7, 2, 2].map((v, i) => (i === 0 ? 10 - 4 : v)));
    const t = trainValTestSplit(10000, { train: 0.8, val: 0.1, test: 0.1 }, 1);
    expect([t.train.length, t.val.length, t.test.length]).toEqual([8000, 1000, 1000]);
  });

  it('counts may leave items out', () => {
    const s = trainValTestSplit(100, { train: 10, val: 5, test: 5 }, 2);
    expect(new Set([...s.train, ...s.val, ...s.test]).size).toBe(20);
  });

  it('is deterministic in the seed and shuffles', () => {
    const a = trainValTestSplit(1000, { train: 800, val: 100, test: 100 }, 42);
    expect(trainValTestSplit(1000, { train: 800, val: 100, test: 100 }, 42)).toEqual(a);
    expect(trainValTestSplit(1000, { train: 800, val: 100, test: 100 }, 43).test).not.toEqual(a.test);
    expect(a.train.slice(0, 20)).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('splits a dataset into Subsets', () => {
    const ds = new TensorDataset(arange(10, undefined, 1, { dtype: 'int32' }));
    const parts = trainValTestSplit(ds, { train: 6, val: 2, test: 2 }, 3);
    expect(parts.val).toBeInstanceOf(Subset);
    const idx = trainValTestSplit(10, { train: 6, val: 2, test: 2 }, 3);
    expect(parts.test.get(1)[0]!.item()).toBe(idx.test[1]);
  });

  it('refuses sizes that are neither fractions nor fitting counts', () => {
    expect(() => trainValTestSplit(10, { train: 8, val: 2, test: 1 })).toThrow(/at most 10/);
    expect(() => trainValTestSplit(10, { train: 0.5, val: 0.2, test: 0.2 })).toThrow(/neither fractions/);
    expect(() => trainValTestSplit(10, { train: -1, val: 0, test: 0 })).toThrow(/non-negative/);
    expect(() => trainValTestSplit(-3, { train: 0, val: 0, test: 0 })).toThrow(/non-negative integer/);
  });
});

describe('StandardScaler', () => {
  const rng = new Rng(4);
  const train = randn([200, 3], { rng, dtype: 'float64' })
    .mul(tensor([1, 5, 0.1], { dtype: 'float64' }))
    .add(tensor([10, -3, 0], { dtype: 'float64' }));
  const test = randn([50, 3], { rng, dtype: 'float64' });

  it('gives columns of mean 0 and std 1 on the training data', () => {
    const scaler = new StandardScaler();
    const z = scaler.fitTransform(train);
    const { mean, std } = columnStats(z);
    mean.forEach((m) => {
      expect(Math.abs(m)).toBeLessThan(1e-12);
    });
    std.forEach((s) => {
      expect(s).toBeCloseTo(1, 12);
    });
    const stats = columnStats(train);
    (scaler.mean.toArray() as number[]).forEach((m, j) => {
      expect(m).toBeCloseTo(stats.mean[j]!, 12);
    });
    (scaler.scale.toArray() as number[]).forEach((s, j) => {
      expect(s).toBeCloseTo(stats.std[j]!, 12);
    });
  });

  it('transforms other data with the training statistics and inverts', () => {
    const scaler = new StandardScaler().fit(train);
    const { mean, std } = columnStats(train);
    const z = scaler.transform(test).toArray() as number[][];
    (test.toArray() as number[][]).forEach((row, i) => {
      row.forEach((v, j) => {
        expect(z[i]![j]).toBeCloseTo((v - mean[j]!) / std[j]!, 12);
      });
    });
    const back = scaler.inverseTransform(scaler.transform(test)).toArray() as number[][];
    (test.toArray() as number[][]).forEach((row, i) => {
      row.forEach((v, j) => {
        expect(back[i]![j]).toBeCloseTo(v, 12);
      });
    });
  });

  it('keeps float32 as float32, centres constant features, and refuses misuse', () => {
    const x = tensor([
      [1, 5],
      [3, 5],
    ]);
    const scaler = new StandardScaler();
    expect(() => scaler.transform(x)).toThrow(NotFittedError);
    const z = scaler.fitTransform(x);
    expect(z.dtype).toBe('float32');
    expect(z.toArray()).toEqual([
      [-1, 0],
      [1, 0],
    ]);
    expect(() => scaler.transform(tensor([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => scaler.transform(tensor([[1, 2, 3]]))).toThrow(/expected shape \[n,2\]/);
    expect(() => scaler.fit(slice(tensor([[1, 2, 3]]), 0, 0, 0))).toThrow(/at least one sample/);
    expect(scaler.transform(tensor([[3, 5]])).toArray()).toEqual([[1, 0]]);
  });

  it('can skip centring or scaling', () => {
    const x = tensor([[1], [3]], { dtype: 'float64' });
    expect(new StandardScaler({ withMean: false }).fitTransform(x).toArray()).toEqual([[1], [3]]);
    expect(new StandardScaler({ withStd: false }).fitTransform(x).toArray()).toEqual([[-1], [1]]);
  });
});

describe('MinMaxScaler', () => {
  it('maps the training range onto the feature range exactly at the ends', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
          { minLength: 1, maxLength: 30 },
        ),
        (rows) => {
          const x = tensor(rows, { dtype: 'float64' });
          const scaler = new MinMaxScaler({ featureRange: [-1, 2] });
          const y = scaler.fitTransform(x).toArray() as number[][];
          for (let j = 0; j < 2; j++) {
            const col = rows.map((r) => r[j]!);
            const lo = Math.min(...col);
            const hi = Math.max(...col);
            y.forEach((r, i) => {
              expect(r[j]!).toBeGreaterThanOrEqual(-1 - 1e-9);
              expect(r[j]!).toBeLessThanOrEqual(2 + 1e-9);
              if (col[i] === lo) expect(r[j]).toBe(-1);
              if (col[i] === hi && hi !== lo) expect(r[j]).toBeCloseTo(2, 9);
            });
            // == rather than Object.is: of a column [0, −0], Math.min keeps −0, the scaler (as
            // scikit-learn's nanmin) the first of two equal values; the ends' sign of zero is no part of it
            expect((scaler.dataMin.toArray() as number[])[j]! === lo).toBe(true);
            expect((scaler.dataMax.toArray() as number[])[j]! === hi).toBe(true);
          }
          const back = scaler.inverseTransform(scaler.transform(x)).toArray() as number[][];
          back.forEach((r, i) => {
            r.forEach((v, j) => {
              expect(v).toBeCloseTo(rows[i]![j]!, 3);
            });
          });
        },
      ),
    );
  });

  it('does not clip unseen values and refuses an empty range', () => {
    const scaler = new MinMaxScaler().fit(tensor([[0], [10]]));
    expect(scaler.transform(tensor([[20], [-5]])).toArray()).toEqual([[2], [-0.5]]);
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(/low < high/);
  });
});

describe('NDArray inputs', () => {
  it('are accepted by the scalers and normalize, which return Tensors', () => {
    const x = array(
      [
        [1, 10],
        [3, 30],
      ],
      'float64',
    );
    const scaler = new StandardScaler();
    const z = scaler.fitTransform(x);
    expect(z).toBeInstanceOf(Tensor);
    expect(z.toArray()).toEqual([
      [-1, -1],
      [1, 1],
    ]);
    expect(scaler.mean).toBeInstanceOf(Tensor);
    expect(scaler.inverseTransform(array([[0, 0]], 'float64')).toArray()).toEqual([[2, 20]]);
    expect(new MinMaxScaler().fit(x).dataMax.toArray()).toEqual([3, 30]);
    expect(normalize(array([[3, 4]], 'float64'))).toBeInstanceOf(Tensor);
    expect(() => normalize([3, 4] as unknown as Tensor)).toThrow(/normalize: expected a Tensor/);
  });
});

describe('normalize', () => {
  it('scales rows to unit L2 norm and leaves zero rows alone', () => {
    expect(
      normalize(
        tensor(
          [
            [3, 4],
            [0, 0],
          ],
          { dtype: 'float64' },
        ),
      ).toArray(),
    ).toEqual([
      [0.6, 0.8],
      [0, 0],
    ]);
    const x = randn([20, 7], { rng: new Rng(1), dtype: 'float64' });
    for (const row of normalize(x).toArray() as number[][]) expect(Math.hypot(...row)).toBeCloseTo(1, 12);
  });

  it('does not overflow on huge values and works on any rank', () => {
    const big = normalize(tensor([[1e300, 1e300]], { dtype: 'float64' })).toArray() as number[][];
    expect(big[0]![0]).toBeCloseTo(Math.SQRT1_2, 12);
    const cube = normalize(new Tensor(fromTypedArray(new Float32Array([3, 4, 0, 5, 6, 8, 0, 0]), [2, 2, 2])));
    expect(cube.shape).toEqual([2, 2, 2]);
    expect(cube.toArray()).toEqual([
      [[0.6, 0.8].map(Math.fround), [0, 1]],
      [[0.6, 0.8].map(Math.fround), [0, 0]],
    ]);
  });
});
