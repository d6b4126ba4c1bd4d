import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as T from '@chainrule/tensor';
import { Tensor, logSoftmax, tensor } from '@chainrule/autograd';
import {
  Linear,
  Sequential,
  Sigmoid,
  bce,
  bceWithLogits,
  crossEntropy,
  huberLoss,
  l1Loss,
  l2Penalty,
  mseLoss,
  nllLoss,
} from '@chainrule/nn';
import { checkGradients, expectClose, randLeaf } from './helpers.js';

const f64 = (v: T.NestedArray, requiresGrad = false) => tensor(v, { dtype: 'float64', requiresGrad });
const labels = (v: number[]) => tensor(v, { dtype: 'int32' });

describe('regression losses', () => {
  it('l1Loss and huberLoss match their formulas', () => {
    const p = f64([
        [0.5, -2],
        [3, 1],
      ]),
      y = f64([
        [0, 0],
        [1, 1.2],
      ]);
    const d = [0.5, -2, 2, -0.2];
    expectClose(l1Loss(p, y).item(), d.reduce((s, v) => s + Math.abs(v), 0) / 4, 1e-15);
    expectClose(l1Loss(p, y, { reduction: 'sum' }).item(), 4.7, 1e-15);
    const huber = (v: number, delta: number) =>
      Math.abs(v) <= delta ? 0.5 * v * v : delta * (Math.abs(v) - 0.5 * delta);
    expectClose(
      huberLoss(p, y, { reduction: 'none' }).toArray(),
      [
        [huber(0.5, 1), huber(-2, 1)],
        [huber(2, 1), huber(-0.2, 1)],
      ],
      1e-15,
    );
    expectClose(huberLoss(p, y, { delta: 1.5 }).item(), d.reduce((s, v) => s + huber(v, 1.5), 0) / 4, 1e-15);
  });

  it('mse, l1 and huber gradients match central differences (away from kinks)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 999 }),
        (n, m, seed) => {
          const p = randLeaf([n, m], seed, 2);
          const y = new Tensor(
            T.add(
              p.value,
              T.mul(
                T.add(T.rand([n, m], { rng: new T.Rng(seed + 1), dtype: 'float64' }), 0.2),
                T.sign(T.randn([n, m], { rng: new T.Rng(seed + 2), dtype: 'float64' })),
              ),
            ),
          );
          // p − y is at least 0.2 away from 0 and from ±1 where it matters little: huber's kink at |d| = δ is C¹
          checkGradients((a) => mseLoss(a, y), [p]);
          checkGradients((a) => mseLoss(a, y, { reduction: 'quadratic' }), [p]);
          checkGradients((a) => l1Loss(a, y, { reduction: 'sum' }), [p]);
          checkGradients((a) => huberLoss(a, y, { delta: 0.7 }), [p]);
        },
      ),
      { numRuns: 15, seed: 3 },
    );
  });

  it('regression losses refuse mismatched shapes instead of broadcasting', () => {
    const a = tensor([[1], [2], [3]]),
      b = tensor([1, 2, 3]);
    expect(() => l1Loss(a, b)).toThrow('l1Loss: prediction shape [3,1] and target shape [3] differ');
    expect(() => huberLoss(a, b)).toThrow(/huberLoss: prediction shape \[3,1\]/);
    expect(() => bce(a, b)).toThrow(/bce: prediction shape/);
    expect(() => bceWithLogits(a, b)).toThrow(/bceWithLogits: prediction shape/);
  });
});

describe('binary cross-entropy', () => {
  it('bce matches −[y log p + (1 − y) log(1 − p)] and clamps log(0) at −100', () => {
    const p = f64([0.9, 0.2, 0.5]),
      y = f64([1, 0, 1]);
    const ref = [-Math.log(0.9), -Math.log(0.8), -Math.log(0.5)];
    expectClose(bce(p, y, { reduction: 'none' }).toArray(), ref, 1e-15);
    expect(bce(f64([0]), f64([1])).item()).toBe(100);
    const edge = f64([0, 1], true);
    bce(edge, f64([1, 0]), { reduction: 'sum' }).backward();
    expect((edge.grad!.toArray() as number[]).every(Number.isFinite)).toBe(true);
  });

  it('bceWithLogits is exact for extreme logits: BCE from logit −800 with target 1 is 800', () => {
    expect(bceWithLogits(f64([-800]), f64([1])).item()).toBe(800);
    expect(bceWithLogits(f64([800]), f64([0])).item()).toBe(800);
    expect(bceWithLogits(f64([800]), f64([1])).item()).toBe(0);
    expect(bceWithLogits(tensor([-800]), tensor([1])).item()).toBe(800);
    const z = f64([-800, 800, 0.3], true);
    bceWithLogits(z, f64([1, 0, 1]), { reduction: 'sum' }).backward();
    // d/dz = σ(z) − y
    expectClose(z.grad!.toArray(), [-1, 1, 1 / (1 + Math.exp(-0.3)) - 1], 1e-15);
  });

  it('bceWithLogits equals bce of the sigmoid for moderate logits, and gradient-checks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 999 }), (n, seed) => {
        const z = randLeaf([n], seed, 3);
        const y = new Tensor(T.rand([n], { rng: new T.Rng(seed + 5), dtype: 'float64' }));
        expectClose(bceWithLogits(z, y).item(), bce(z.sigmoid(), y).item(), 1e-12);
        checkGradients((a) => bceWithLogits(a, y), [z]);
        checkGradients((a) => bce(a.sigmoid(), y), [z]);
      }),
      { numRuns: 15, seed: 11 },
    );
  });
});

describe('cross-entropy and NLL', () => {
  it('is stable for extreme logits', () => {
    const logits = f64(
      [
        [1e4, 0, -1e4],
        [-1e4, 0, 1e4],
      ],
      true,
    );
    const loss = crossEntropy(logits, labels([0, 0]), { reduction: 'none' });
    const plusZero = (v: unknown) => (v as number[]).map((a) => a + 0); // −0 and +0 alike
    expect(plusZero(loss.toArray())).toEqual([0, 2e4]);
    loss.sum().backward();
    expect((logits.grad!.toArray() as number[][]).map(plusZero)).toEqual([
      [0, 0, 0],
      [-1, 0, 1],
    ]);
    expectClose(crossEntropy(f64([[1000, 1000]]), labels([1])).item(), Math.LN2, 1e-12);
    // float32: logsumexp = 1000.693 is stored with an ulp of 6.1e-5 at 1000
    expect(Math.abs(crossEntropy(tensor([[1000, 1000]]), labels([1])).item() - Math.LN2)).toBeLessThan(6.2e-5);
  });

  it('with probability targets matches −Σ y log softmax, and one-hot targets equal class labels', () => {
    const logits = f64([
      [2, 0.5, -1],
      [0, 0, 3],
    ]);
    const probs = f64([
      [0.7, 0.2, 0.1],
      [0, 0.5, 0.5],
    ]);
    const lsm = logSoftmax(logits, 1).toArray() as number[][];
    const ref = lsm.map((row, i) => -row.reduce((s, v, c) => s + v * (probs.toArray() as number[][])[i]![c]!, 0));
    expectClose(crossEntropy(logits, probs, { reduction: 'none' }).toArray(), ref, 1e-15);
    const oneHot = f64([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expectClose(crossEntropy(logits, oneHot).item(), crossEntropy(logits, labels([1, 2])).item(), 1e-15);
  });

  it('handles [C] with a scalar label and [N, C, L] with [N, L] labels', () => {
    const one = crossEntropy(f64([1, 2, 3]), tensor(2, { dtype: 'int32' }));
    expectClose(one.item(), Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3, 1e-15);
    const x = randLeaf([2, 3, 4], 5);
    const t = tensor(
      [
        [0, 1, 2, 0],
        [2, 2, 1, 0],
      ],
      { dtype: 'int32' },
    );
    const out = crossEntropy(x, t, { reduction: 'none' });
    expect(out.shape).toEqual([2, 4]);
    const xv = x.toArray() as number[][][];
    const lse = (n: number, l: number) => Math.log([0, 1, 2].reduce((s, c) => s + Math.exp(xv[n]![c]![l]!), 0));
    expectClose(
      out.toArray(),
      [
        [0, 1, 2, 3].map((l) => lse(0, l) - xv[0]![[0, 1, 2, 0][l]!]![l]!),
        [0, 1, 2, 3].map((l) => lse(1, l) - xv[1]![[2, 2, 1, 0][l]!]![l]!),
      ],
      1e-14,
    );
  });

  it('gradients match central differences for labels and for probabilities', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 0, max: 999 }),
        (n, c, seed) => {
          const x = randLeaf([n, c], seed, 3);
          const t = new Tensor(T.randint(0, c, [n], { rng: new T.Rng(seed) }));
          const e = T.exp(T.randn([n, c], { rng: new T.Rng(seed + 9), dtype: 'float64' }));
          const p = new Tensor(T.div(e, T.sum(e, [1], true)));
          checkGradients((a) => crossEntropy(a, t), [x]);
          checkGradients((a) => crossEntropy(a, p, { reduction: 'sum' }), [x]);
          checkGradients((a) => nllLoss(logSoftmax(a, 1), t), [x]);
          expectClose(nllLoss(logSoftmax(x, 1), t).item(), crossEntropy(x, t).item(), 1e-15);
        },
      ),
      { numRuns: 15, seed: 5 },
    );
  });

  it('refuses out-of-range labels, wrong label shapes and dtypes', () => {
    const x = tensor([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    expect(() => crossEntropy(x, labels([0, 5]))).toThrow('crossEntropy: target 5 is out of bounds for 3 classes');
    expect(() => crossEntropy(x, labels([0, 3]))).toThrow(T.RangeError);
    expect(() => nllLoss(x, labels([-1, 0]))).toThrow('nllLoss: target -1 is out of bounds for 3 classes');
    expect(() => crossEntropy(x, labels([0, 1, 2]))).toThrow(
      /crossEntropy: class-index target of shape \[3\] does not fit input \[2,3\]/,
    );
    expect(() => crossEntropy(x, tensor([[1, 0, 0]]))).toThrow(
      /crossEntropy: a float target holds class probabilities and must have the logits' shape \[2,3\], got \[1,3\]/,
    );
    expect(() => crossEntropy(x, tensor([true, false]))).toThrow(T.DTypeError);
    expect(() => nllLoss(x, tensor([0, 1]))).toThrow(/nllLoss: target must be class indices with \{ dtype: 'int32' \}/);
    expect(() => crossEntropy(tensor(1), labels([0]))).toThrow(/class axis/);
  });
});

describe('l2Penalty', () => {
  it('is λ/(2n) Σ w² over the weights, not the biases', () => {
    const net = new Sequential(
      new Linear(3, 4, { dtype: 'float64' }),
      new Sigmoid(),
      new Linear(4, 2, { dtype: 'float64' }),
    );
    let sq = 0;
    for (const [name, p] of net.namedParameters())
      if (name.endsWith('weight')) sq += (p.value.toArray() as number[][]).flat().reduce((s, v) => s + v * v, 0);
    expectClose(l2Penalty(net, 5, 100).item(), (5 / 200) * sq, 1e-14);
    const ps = net.parameters();
    l2Penalty(net, 5, 100).backward();
    // d/dw = (λ/n) w for weights, nothing for biases
    expectClose(
      ps[0]!.grad!.toArray(),
      (ps[0]!.value.toArray() as number[][]).map((r) => r.map((v) => (5 / 100) * v)),
      1e-15,
    );
    expect(ps[1]!.grad).toBeNull();
    expect(() => l2Penalty(net, 1, 0)).toThrow(/n \(the training set size\) must be positive/);
  });
});
