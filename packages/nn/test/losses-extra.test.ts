// PyTorch fixtures: regenerate with `.venv/bin/python scripts/fixtures/losses.py`
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { type Tensor, grad, tensor } from '@chainrule/autograd';
import { Linear, ModuleError, cosineEmbeddingLoss, cosineSimilarity, klDiv, l1Penalty } from '@chainrule/nn';
import { checkGradients, expectClose, randLeaf } from './helpers.js';

interface Case {
  name: string;
  inputs: T.NestedArray[];
  options: Record<string, unknown>;
  output: T.NestedArray;
  seed: T.NestedArray;
  grads: (T.NestedArray | null)[];
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/losses.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const f64 = (v: T.NestedArray) => tensor(v, { dtype: 'float64' });

function run(c: Case, xs: Tensor[]): Tensor {
  const name = c.name.split(' ')[0]!;
  const o = c.options;
  if (name === 'klDiv') return klDiv(xs[0]!, xs[1]!, o as Parameters<typeof klDiv>[2]);
  if (name === 'cosineSimilarity') return cosineSimilarity(xs[0]!, xs[1]!, o);
  if (name === 'cosineEmbeddingLoss')
    return cosineEmbeddingLoss(xs[0]!, xs[1]!, xs[2]!, o as Parameters<typeof cosineEmbeddingLoss>[3]);
  if (name === 'l1Penalty') return l1Penalty([xs[0]!, xs[1]!], o.lambda as number, o.n as number);
  throw new Error(`no function for ${c.name}`);
}

describe('losses against PyTorch (float64, 1e-10)', () => {
  it('has every function in the fixtures', () => {
    const names = new Set(fixtures.cases.map((c) => c.name.split(' ')[0]));
    expect([...names].sort()).toEqual(['cosineEmbeddingLoss', 'cosineSimilarity', 'klDiv', 'l1Penalty']);
  });
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const xs = c.inputs.map(f64);
      expectClose(run(c, xs).toArray(), c.output, 1e-10);
      const wrt = c.grads.flatMap((g, i) => (g === null ? [] : [i]));
      const seed = f64(c.seed);
      const gs = grad((...args: Tensor[]) => run(c, args).mul(seed).sum(), { argnums: wrt })(...xs);
      wrt.forEach((i, k) => {
        expectClose(gs[k]!.toArray(), c.grads[i], 1e-10);
      });
    });
  }
});

describe('the new losses', () => {
  it('pass gradcheck and gradgradcheck', () => {
    const a = randLeaf([3, 4], 1),
      b = randLeaf([3, 4], 2);
    checkGradients((x, y) => cosineSimilarity(x, y), [a, b]);
    checkGradients((x, y) => cosineEmbeddingLoss(x, y, f64([1, -1, 1]), { margin: -0.9 }), [a, b]);
    const logq = randLeaf([2, 3], 3).logSoftmax(1);
    const p = randLeaf([2, 3], 4).softmax(1).detach();
    checkGradients((x) => klDiv(x, p, { reduction: 'batchmean' }), [logq.detach().requiresGrad_()]);
  });

  it('l1Penalty skips biases and scales by lambda / n', () => {
    const fc = new Linear(3, 2, { dtype: 'float64' });
    const w = fc.weight.toArray() as number[][];
    const expected = (w.flat().reduce((s, v) => s + Math.abs(v), 0) * 0.5) / 10;
    expectClose(l1Penalty(fc, 0.5, 10).item(), expected, 1e-14);
    expect(l1Penalty([], 1, 1).item()).toBe(0);
  });

  it('refuses bad input with typed errors naming the function', () => {
    const x = f64([[1, 2]]);
    expect(() => klDiv(x, f64([1, 2]))).toThrow(/klDiv: input shape \[1,2\] and target shape \[2\] differ/);
    expect(() => klDiv(x, x, { reduction: 'avg' as 'mean' })).toThrow(T.RangeError);
    expect(() => klDiv(x, x, { log_target: true } as object)).toThrow(/unknown option key "log_target"/);
    expect(() => cosineSimilarity(x, x, { dim: 2 })).toThrow(/cosineSimilarity: dim 2 is out of range/);
    expect(() => cosineSimilarity(x, f64([1, 2, 3]))).toThrow(T.ShapeError);
    expect(() => cosineEmbeddingLoss(x, x, f64([0]))).toThrow(/must hold 1 or -1, got 0/);
    expect(() => cosineEmbeddingLoss(x, x, f64([1, 1]))).toThrow(/must have shape \[1\]/);
    expect(() => cosineEmbeddingLoss(x, x, f64([1]), { dim: 1 } as object)).toThrow(ModuleError);
    expect(() => l1Penalty([x], 1, 0)).toThrow(/l1Penalty: n/);
  });
});
