import {
  NDArray,
  RangeError as TensorRangeError,
  ShapeError,
  array,
  fromTypedArray,
  zeros as zerosArray,
} from '@chainrule/tensor';
import { Tensor, arange, select, tensor, zeros } from '@chainrule/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DataLoader,
  type Dataset,
  Subset,
  TensorDataset,
  defaultCollate,
  randomPermutation,
} from '../src/data/index.js';

/** x[i] = [i, 10i + 1, 10i + 2] (float32), y[i] = i (int32). */
function toy(n: number): { x: Tensor; y: Tensor } {
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) x.set([i, 10 * i + 1, 10 * i + 2], i * 3);
  return { x: new Tensor(fromTypedArray(x, [n, 3])), y: arange(n, undefined, 1, { dtype: 'int32' }) };
}

const labelsOf = (batches: Iterable<Tensor[]>): number[][] => [...batches].map((b) => b[1]!.toArray() as number[]);
const valuesOf = (tensors: readonly Tensor[]): unknown[] => tensors.map((t) => t.toArray());

describe('TensorDataset', () => {
  it('indexes rows of every tensor', () => {
    const { x, y } = toy(5);
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(5);
    expect(ds.tensors[0]).toBe(x);
    const [xi, yi] = ds.get(3);
    expect(xi).toBeInstanceOf(Tensor);
    expect(xi!.toArray()).toEqual([3, 31, 32]);
    expect(yi!.item()).toBe(3);
    const [xb, yb] = ds.getBatch([4, 0]);
    expect(xb!.toArray()).toEqual([
      [4, 41, 42],
      [0, 1, 2],
    ]);
    expect(yb!.toArray()).toEqual([4, 0]);
  });

  it('refuses tensors of different lengths and bad indices', () => {
    expect(() => new TensorDataset(zeros([3, 2]), zeros([4]))).toThrow(ShapeError);
    expect(() => new TensorDataset(zeros([3, 2]), zeros([4]))).toThrow(
      /tensor 1 has shape \[4\], expected first dimension 3/,
    );
    expect(() => new TensorDataset(tensor(1))).toThrow(ShapeError);
    expect(() => new TensorDataset([1, 2] as unknown as Tensor)).toThrow(/argument 0 is not a Tensor/);
    const ds = new TensorDataset(zeros([3]));
    expect(() => ds.get(3)).toThrow(TensorRangeError);
    expect(() => ds.get(-1)).toThrow(/out of range/);
    expect(() => ds.getBatch([0, 7])).toThrow(/index 7/);
  });

  it('Subset maps indices through, batched or not', () => {
    const { x, y } = toy(6);
    const sub = new Subset(new TensorDataset(x, y), [5, 1, 3]);
    expect(sub.length).toBe(3);
    expect(sub.get(0)[1]!.item()).toBe(5);
    expect(valuesOf(sub.getBatch!([2, 0]) as Tensor[])).toEqual(valuesOf(new TensorDataset(x, y).getBatch([3, 5])));
    const plain: Dataset<number> = { length: 4, get: (i) => i * i };
    expect(new Subset(plain, [3]).getBatch).toBeUndefined();
    expect(() => new Subset(plain, [4])).toThrow(/out of range/);
  });
});

describe('DataLoader', () => {
  it('has ceil(n/b) batches, or floor with dropLast, of the right shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.boolean(),
        (n, b, dropLast, shuffle) => {
          const { x, y } = toy(n);
          const loader = new DataLoader(new TensorDataset(x, y), { batchSize: b, dropLast, shuffle, seed: 3 });
          const batches = [...loader];
          expect(batches.length).toBe(loader.length);
          expect(loader.length).toBe(dropLast ? Math.floor(n / b) : Math.ceil(n / b));
          batches.forEach((batch, k) => {
            const size = k < batches.length - 1 || dropLast ? b : n - b * k;
            expect(batch[0]!.shape).toEqual([size, 3]);
            expect(batch[1]!.shape).toEqual([size]);
            // rows stay paired: x row i is [i, 10i+1, 10i+2] for label i
            const xs = batch[0]!.toArray() as number[][];
            (batch[1]!.toArray() as number[]).forEach((label, r) => {
              expect(xs[r]).toEqual([label, 10 * label + 1, 10 * label + 2]);
            });
          });
          const seen = batches.flatMap((batch) => batch[1]!.toArray() as number[]);
          expect(new Set(seen).size).toBe(seen.length);
          if (!dropLast) expect([...seen].sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
          if (!shuffle) expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reshuffles each epoch, deterministically from the seed', () => {
    const { x, y } = toy(20);
    const ds = new TensorDataset(x, y);
    const a = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 11 });
    const b = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 11 });
    const a0 = labelsOf(a);
    const a1 = labelsOf(a);
    expect(labelsOf(b)).toEqual(a0);
    expect(labelsOf(b)).toEqual(a1);
    expect(a1).not.toEqual(a0);
    expect(a.epoch).toBe(2);
    const other = labelsOf(new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 12 }));
    expect(other).not.toEqual(a0);
    const resumed = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 11 });
    resumed.setEpoch(1);
    expect(labelsOf(resumed)).toEqual(a1);
    expect(a.order(0).flat()).toEqual(a0.flat());
  });

  it('shuffles uniformly: each item leads an epoch about equally often', () => {
    const loader = new DataLoader({ length: 5, get: (i: number) => i }, { shuffle: true, seed: 5 });
    const first = [0, 0, 0, 0, 0];
    for (let e = 0; e < 5000; e++) first[loader.order(e)[0]!]! += 1;
    // expected 1000 each; the binomial sd is about 28, so 150 is over 5 sd
    for (const c of first) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('uses the collate option, or the default collate when the dataset cannot batch', () => {
    const { x, y } = toy(7);
    const plain: Dataset<[Tensor, number]> = { length: 7, get: (i) => [select(x, 0, i), i] };
    const batches = [...new DataLoader(plain, { batchSize: 3 })];
    expect(batches[0]![0].toArray()).toEqual(new TensorDataset(x).getBatch([0, 1, 2])[0]!.toArray());
    expect(batches[2]![1].dtype).toBe('int32');
    expect(batches[2]![1].toArray()).toEqual([6]);
    const sums = [
      ...new DataLoader(new TensorDataset(x, y), {
        batchSize: 3,
        collate: (items) => items.reduce((s, [, yi]) => s + yi!.item(), 0),
      }),
    ];
    expect(sums).toEqual([3, 12, 6]);
  });

  it('refuses bad options', () => {
    const ds = new TensorDataset(zeros([3]));
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => new DataLoader(ds, { batchSize: 1.5 })).toThrow(/batchSize/);
    expect(() => new DataLoader(ds, { seed: 0.5 })).toThrow(/seed/);
    expect(() => new DataLoader(ds).setEpoch(-1)).toThrow(/epoch/);
  });
});

describe('defaultCollate', () => {
  it('stacks arrays and gathers numbers, booleans, tuples and records', () => {
    const out = defaultCollate([
      { x: tensor([1, 2]), n: 1, f: 0.5, ok: true },
      { x: tensor([3, 4]), n: 2, f: 1, ok: false },
    ]);
    for (const t of [out.x, out.n, out.f, out.ok]) expect(t).toBeInstanceOf(Tensor);
    expect(out.x.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(out.n.dtype).toBe('int32');
    expect(out.f.dtype).toBe('float32');
    expect(out.f.toArray()).toEqual([0.5, 1]);
    expect(out.ok.toArray()).toEqual([true, false]);
  });

  it('names the element that does not match', () => {
    expect(() =>
      defaultCollate([
        [tensor([1]), 1],
        [tensor([2]), 'a'],
      ] as unknown as [Tensor, number][]),
    ).toThrow(/item\[1\] of element 1 is string/);
    expect(() => defaultCollate([[tensor([1])], [1]] as unknown as [Tensor][])).toThrow(
      /item\[0\] of element 1 is not a Tensor/,
    );
    expect(() => defaultCollate([])).toThrow(/empty/);
    expect(() => defaultCollate([tensor([1]), tensor([1, 2])])).toThrow(ShapeError);
  });
});

describe('helpers', () => {
  it('randomPermutation is a permutation and repeats with the seed', () => {
    const p = randomPermutation(50, 9);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(randomPermutation(50, 9)).toEqual(p);
    expect(randomPermutation(50, 10)).not.toEqual(p);
  });

  it('accepts NDArrays (the storage type) where it takes tensors, and returns Tensors', () => {
    const ds = new TensorDataset(fromTypedArray(new Float32Array([1, 2, 3, 4]), [2, 2]), array([0, 1], 'int32'));
    expect(ds.tensors.every((t) => t instanceof Tensor)).toBe(true);
    const [x0, y0] = ds.get(1);
    expect(x0).toBeInstanceOf(Tensor);
    expect([x0!.toArray(), y0!.item()]).toEqual([[3, 4], 1]);
    const [xb] = [...new DataLoader(ds, { batchSize: 2 })][0]!;
    expect(xb).toBeInstanceOf(Tensor);
    const stacked = defaultCollate([zerosArray([2]), zeros([2])]);
    expect(stacked).toBeInstanceOf(Tensor);
    expect(stacked.shape).toEqual([2, 2]);
    expect(stacked.value).toBeInstanceOf(NDArray);
  });

  it('dataset items record no graph, even from a tensor that requires grad', () => {
    const w = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const [row] = new TensorDataset(w).get(0);
    expect(row!.requiresGrad).toBe(false);
    expect(row!.isLeaf).toBe(true);
  });
});
