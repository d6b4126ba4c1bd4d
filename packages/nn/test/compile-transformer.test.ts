// compile on steps that used to read values into JavaScript: a causal transformer layer (attention's
// masked-row handling is branch-free now) and gradient clipping (clipGradNorm's norm stays a tensor).
// Replays give the eager step's bits, and the plan is built (no eager fallback).
import { type Tensor, compile, full, ones, randn } from '@chainrule/autograd';
import { Adam, TransformerEncoderLayer, clipGradNorm, mseLoss } from '@chainrule/nn';
import * as T from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';

const bits = (t: Tensor): number[] => Array.from(t.value.contiguous().data as ArrayLike<number>);

function setup() {
  T.manualSeed(21);
  const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true });
  const opt = new Adam(layer.parameters(), { lr: 1e-2 });
  const step = (x: Tensor, y: Tensor) => {
    opt.zeroGrad();
    const loss = mseLoss(layer.forward(x, { isCausal: true }), y);
    loss.backward();
    const norm = clipGradNorm(layer.parameters(), 0.05);
    opt.step();
    return { loss, norm };
  };
  return { layer, step };
}

describe('compile with attention and clipping', () => {
  it('replays a causal transformer step with clipped gradients and Adam, bit for bit', () => {
    T.manualSeed(22);
    const data = Array.from({ length: 3 }, () => [randn([2, 5, 8]), randn([2, 5, 8])] as const);
    const eager = setup(),
      compiled = setup();
    const f = compile(compiled.step);
    for (let i = 0; i < 8; i++) {
      const [x, y] = data[i % data.length]!;
      const a = eager.step(x, y),
        b = f(x, y);
      expect(bits(b.loss)).toEqual(bits(a.loss));
      expect(bits(b.norm)).toEqual(bits(a.norm));
    }
    expect(f.eagerReason(...data[0]!)).toBeUndefined();
    expect(f.stats.replayed).toBeGreaterThanOrEqual(4);
    // the clipping really scaled (the norm is above 0.05), and the weights agree
    expect(eager.step(...data[0]!).norm.item()).toBeGreaterThan(0.05);
    f(...data[0]!);
    compiled.layer.parameters().forEach((p, i) => {
      expect(bits(p)).toEqual(bits(eager.layer.parameters()[i]!));
    });
  });

  it('checks a non-finite norm again on every replay when errorIfNonfinite is set', () => {
    const p = randn([3], { requiresGrad: true });
    const f = compile((x: Tensor) => {
      p.grad = null;
      p.mul(x).sum().backward();
      return clipGradNorm([p], 1, 2, { errorIfNonfinite: true });
    });
    for (let i = 0; i < 4; i++) f(ones([3]));
    expect(f.stats.replayed).toBeGreaterThanOrEqual(1);
    expect(() => f(full([3], Infinity))).toThrow(/the total 2-norm .* is Infinity/);
    expect(f.stats.replayed).toBeGreaterThanOrEqual(3); // the throwing call was a replay
  });
});
