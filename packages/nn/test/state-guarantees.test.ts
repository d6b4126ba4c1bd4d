import { tensor } from '@chainrule/autograd';
import { describe, expect, it } from 'vitest';
import { Adam, BatchNorm1d, Embedding, SGD } from '../src/index.js';

describe('a failed call changes nothing', () => {
  it('BatchNorm1d: a batch it refuses does not count as tracked', () => {
    const bn = new BatchNorm1d(2);
    expect(() => bn.forward(tensor([[1, 2]]))).toThrow();
    expect(bn.numBatchesTracked!.item()).toBe(0);
    bn.forward(
      tensor([
        [1, 2],
        [3, 5],
      ]),
    );
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  it('Optimizer.loadStateDict refuses hyperparameters the constructor would refuse, and loads nothing', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.01 });
    const dict = opt.stateDict();
    const bad = { ...dict, paramGroups: dict.paramGroups.map((g) => ({ ...g, options: { ...g.options, lr: -5 } })) };
    expect(() => new Adam([p], { lr: -5 })).toThrow();
    expect(() => opt.loadStateDict(bad)).toThrow(/learning rate/);
    expect(opt.paramGroups[0]!.lr).toBe(0.01);
  });

  it("Optimizer.loadStateDict refuses another optimizer's hyperparameters", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const sgd = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const adam = new Adam([p], { lr: 0.01 });
    expect(() => adam.loadStateDict(sgd.stateDict())).toThrow(/group 0: unknown hyperparameter of Adam "momentum"/);
    expect(adam.paramGroups[0]!.lr).toBe(0.01);
  });
});

describe('Embedding paddingIdx (as PyTorch padding_idx)', () => {
  it('returns the padding row as it is, but sends it no gradient', () => {
    const emb = new Embedding(3, 2, { paddingIdx: 1 });
    emb.weight.value.select(0, 1).set(5, 0);
    emb.weight.value.select(0, 1).set(5, 1);
    const idx = tensor([1, 2, 1], { dtype: 'int32' });
    const out = emb.forward(idx);
    expect(out.select(0, 0).toArray()).toEqual([5, 5]);
    out.sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [1, 1],
    ]);
  });
});
