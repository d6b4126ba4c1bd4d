import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { Tensor, linear, tensor } from '@chainrule/autograd';
import {
  BatchNorm1d,
  Dropout,
  Embedding,
  Flatten,
  LayerNorm,
  Linear,
  Sequential,
  batchNorm,
  layerNorm,
} from '@chainrule/nn';
import { checkGradients, expectClose, randLeaf } from './helpers.js';

const flat = (t: Tensor | T.NDArray) => [(t instanceof Tensor ? t.value : t).toArray()].flat(Infinity as 1) as number[];
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('Linear', () => {
  it('computes x Wᵀ + b', () => {
    const fc1 = new Linear(3, 2, { dtype: 'float64' });
    const W = fc1.weight.toArray() as number[][],
      b = fc1.bias!.toArray() as number[];
    const x = [
      [1, 2, 3],
      [-1, 0.5, 2],
    ];
    const ref = x.map((row) => W.map((w, j) => w.reduce((s, wk, k) => s + wk * row[k]!, 0) + b[j]!));
    expectClose(fc1.forward(tensor(x, { dtype: 'float64' })).toArray(), ref, 1e-15);
    expect(fc1.forward(randLeaf([4, 5, 3], 1)).shape).toEqual([4, 5, 2]);
  });

  it('initializes W and b from U(−1/√in, 1/√in) (PyTorch default), seeded', () => {
    const fc1 = new Linear(100, 50, { rng: new Rng(3) });
    const w = flat(fc1.weight),
      b = flat(fc1.bias!);
    const bound = 1 / Math.sqrt(100);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * bound); // 5000 draws reach the edge
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound);
    // the variance of U(−a, a) is a²/3
    expect(Math.abs(meanOf(w.map((v) => v * v)) / ((bound * bound) / 3) - 1)).toBeLessThan(0.05);
    expect(flat(new Linear(100, 50, { rng: new Rng(3) }).weight)).toEqual(w);
    expect(flat(new Linear(100, 50, { rng: new Rng(4) }).weight)).not.toEqual(w);
  });

  it('supports no bias and float64, and refuses bad sizes and inputs', () => {
    const l = new Linear(2, 3, { bias: false, dtype: 'float64' });
    expect(l.bias).toBeNull();
    expect(l.weight.dtype).toBe('float64');
    expect(l.parameters().length).toBe(1);
    expect(() => new Linear(0, 3)).toThrow('Linear: inFeatures must be a positive integer, got 0');
    expect(() => new Linear(2, 3, { dtype: 'int32' })).toThrow(T.DTypeError);
    expect(() => l.forward(tensor([[1, 2, 3]], { dtype: 'float64' }))).toThrow(
      'Linear: expected input of shape [..., 2], got [1,3]',
    );
  });

  it('gradient-checks for random shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 99 }),
        (n, i, o, seed) => {
          checkGradients(linear, [randLeaf([n, i], seed), randLeaf([o, i], seed + 1), randLeaf([o], seed + 2)]);
        },
      ),
      { numRuns: 15, seed: 1 },
    );
  });
});

describe('Flatten', () => {
  it('flattens all but the batch axis by default, or a chosen range', () => {
    const x = randLeaf([2, 3, 4, 5], 1);
    expect(new Flatten().forward(x).shape).toEqual([2, 60]);
    expect(new Flatten(0).forward(x).shape).toEqual([120]);
    expect(new Flatten(1, 2).forward(x).shape).toEqual([2, 12, 5]);
    expect(flat(new Flatten().forward(x))).toEqual(flat(x));
    expect(() => new Flatten(2, 1).forward(x)).toThrow(/endDim 1 comes before startDim 2/);
  });
});

describe('Dropout', () => {
  it('zeroes about p of the elements, scales the rest by 1/(1 − p), and is off in eval', () => {
    const drop = new Dropout(0.3, { rng: new Rng(5) });
    const x = tensor(T.ones([100, 100], 'float64'));
    const y = flat(drop.forward(x));
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zeros - 0.3)).toBeLessThan(0.02); // 10000 Bernoulli draws: sd 0.0046
    expect(y.filter((v) => v !== 0).every((v) => v === 1 / 0.7)).toBe(true);
    expect(Math.abs(meanOf(y) - 1)).toBeLessThan(0.03);
    drop.eval();
    expect(drop.forward(x)).toBe(x);
  });

  it('is reproducible from its seed, and gradients flow only through kept elements', () => {
    const a = flat(new Dropout(0.5, { rng: new Rng(9) }).forward(tensor(T.ones([50]))));
    expect(flat(new Dropout(0.5, { rng: new Rng(9) }).forward(tensor(T.ones([50]))))).toEqual(a);
    const x = tensor(T.ones([50], 'float64'), { requiresGrad: true });
    const y = new Dropout(0.5, { rng: new Rng(9) }).forward(x);
    y.sum().backward();
    expect(flat(x.grad!)).toEqual(flat(y));
    expect(() => new Dropout(1.5)).toThrow('Dropout: p must be in [0, 1], got 1.5');
  });
});

describe('BatchNorm1d', () => {
  it('normalizes each channel in training and updates the running statistics', () => {
    const bn = new BatchNorm1d(3, { dtype: 'float64' });
    const x = tensor(
      [
        [1, 10, -2],
        [3, 20, -2.5],
        [5, 60, 4],
        [7, 10, 0],
      ],
      { dtype: 'float64' },
    );
    const y = bn.forward(x).toArray() as number[][];
    const cols = [0, 1, 2].map((c) => (x.toArray() as number[][]).map((r) => r[c]!));
    for (let c = 0; c < 3; c++) {
      const col = y.map((r) => r[c]!);
      expect(Math.abs(meanOf(col))).toBeLessThan(1e-12);
      const v = meanOf(col.map((t) => t * t));
      const biased = meanOf(cols[c]!.map((t) => (t - meanOf(cols[c]!)) ** 2));
      expectClose(v, biased / (biased + 1e-5), 1e-12);
    }
    const mu = cols.map(meanOf);
    const unbiased = cols.map((col, c) => col.reduce((s, t) => s + (t - mu[c]!) ** 2, 0) / 3);
    expectClose(
      flat(bn.runningMean!),
      mu.map((m) => 0.1 * m),
      1e-15,
    );
    expectClose(
      flat(bn.runningVar!),
      unbiased.map((u) => 0.9 + 0.1 * u),
      1e-15,
    );
    expect(bn.numBatchesTracked!.item()).toBe(1);
    // eval uses the running statistics
    bn.eval();
    const z = bn.forward(tensor([[1, 2, 3]], { dtype: 'float64' })).toArray() as number[][];
    const rm = flat(bn.runningMean!),
      rv = flat(bn.runningVar!);
    expectClose(
      z[0],
      [1, 2, 3].map((v, c) => (v - rm[c]!) / Math.sqrt(rv[c]! + 1e-5)),
      1e-14,
    );
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  it('keeps its buffers in the state dict under PyTorch names, and round-trips them', () => {
    const bn = new BatchNorm1d(2);
    bn.forward(randLeaf([5, 2], 3).cast('float32'));
    const net = new Sequential(new Linear(2, 2), bn, new Linear(2, 1));
    const keys = [...net.stateDict().keys()];
    // module by module, parameters then buffers, as PyTorch orders them
    expect(keys).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
      '2.weight',
      '2.bias',
    ]);
    const other = new Sequential(new Linear(2, 2), new BatchNorm1d(2), new Linear(2, 1));
    other.loadStateDict(net.stateDict());
    expect(flat((other.at(1) as BatchNorm1d).runningMean!)).toEqual(flat(bn.runningMean!));
    expect((other.at(1) as BatchNorm1d).numBatchesTracked!.item()).toBe(1);
  });

  it('works on [N, C, L], refuses a wrong channel count, and gradient-checks in training and eval', () => {
    const bn = new BatchNorm1d(3, { dtype: 'float64' });
    expect(bn.forward(randLeaf([4, 3, 5], 1)).shape).toEqual([4, 3, 5]);
    expect(() => bn.forward(randLeaf([4, 2], 1))).toThrow('BatchNorm1d: expected input [N, 3] or [N, 3, L], got [4,2]');
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 99 }),
        (n, c, threeD, seed) => {
          const x = randLeaf(threeD ? [n, c, 2] : [n, c], seed, 2);
          const gamma = randLeaf([c], seed + 1),
            beta = randLeaf([c], seed + 2);
          checkGradients((a, g, b) => batchNorm(a, { weight: g, bias: b, training: true }), [x, gamma, beta]);
          const running = {
            mean: new Tensor(T.randn([c], { rng: new Rng(seed), dtype: 'float64' })),
            variance: new Tensor(T.add(T.rand([c], { rng: new Rng(seed), dtype: 'float64' }), 0.5)),
          };
          checkGradients((a, g, b) => batchNorm(a, { weight: g, bias: b, training: false, running }), [x, gamma, beta]);
        },
      ),
      { numRuns: 12, seed: 2 },
    );
  });
});

describe('LayerNorm', () => {
  it('normalizes each sample over the trailing axes and gradient-checks', () => {
    const ln = new LayerNorm([2, 3], { dtype: 'float64' });
    const x = randLeaf([4, 2, 3], 1, 3);
    const y = ln.forward(x).toArray() as number[][][];
    for (const sample of y) {
      const v = sample.flat();
      expect(Math.abs(meanOf(v))).toBeLessThan(1e-12);
      expect(Math.abs(meanOf(v.map((t) => t * t)) - 1)).toBeLessThan(1e-3);
    }
    expect(() => ln.forward(randLeaf([4, 3, 2], 1))).toThrow(/does not end in the normalized shape \[2,3\]/);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 0, max: 99 }),
        (n, d, seed) => {
          checkGradients(
            (a, g, b) => layerNorm(a, [d], g, b),
            [randLeaf([n, d], seed, 2), randLeaf([d], seed + 1), randLeaf([d], seed + 2)],
          );
        },
      ),
      { numRuns: 12, seed: 3 },
    );
  });
});

describe('Embedding', () => {
  it('looks up rows, accumulates gradients of repeated indices, and keeps the padding row at zero', () => {
    const emb = new Embedding(5, 3, { dtype: 'float64', rng: new Rng(2), paddingIdx: 0 });
    const W = emb.weight.toArray() as number[][];
    expect(W[0]).toEqual([0, 0, 0]);
    const idx = tensor(
      [
        [1, 4],
        [1, 0],
      ],
      { dtype: 'int32' },
    );
    const out = emb.forward(idx);
    expect(out.shape).toEqual([2, 2, 3]);
    expect(out.toArray()).toEqual([
      [W[1], W[4]],
      [W[1], [0, 0, 0]],
    ]);
    out.sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([
      [0, 0, 0],
      [2, 2, 2],
      [0, 0, 0],
      [0, 0, 0],
      [1, 1, 1],
    ]);
    expect(() => emb.forward(tensor([5], { dtype: 'int32' }))).toThrow(
      'embedding: index 5 is out of range for 5 embeddings',
    );
    expect(() => emb.forward(tensor([1]))).toThrow(T.DTypeError);
  });
});
