// Attention: gradients against finite differences, masks, dropout, errors. PyTorch's values are
// in attention-fixtures.test.ts.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { type Tensor, gradcheck, gradgradcheck, randn, tensor } from '@chainrule/autograd';
import { F, ModuleError, MultiheadAttention, scaledDotProductAttention } from '@chainrule/nn';
import { expectClose } from './helpers.js';

const f64 = { dtype: 'float64' as const };
const leaf = (shape: number[], seed: number): Tensor =>
  randn(shape, { ...f64, rng: new Rng(seed), requiresGrad: true });
const hasNaN = (t: Tensor | null): boolean => (t!.toArray() as unknown[]).flat(Infinity as 1).some(Number.isNaN);

describe('scaledDotProductAttention', () => {
  it('passes gradcheck and gradgradcheck with a broadcast float mask, a bool mask and causal masking', () => {
    const q = leaf([2, 3, 4], 1),
      k = leaf([2, 5, 4], 2),
      v = leaf([2, 5, 3], 3);
    const floatMask = randn([1, 3, 5], { ...f64, rng: new Rng(4) });
    const boolMask = tensor([true, false, true, true, false], { dtype: 'bool' });
    for (const options of [{ attnMask: floatMask }, { attnMask: boolMask }, { isCausal: true }, { scale: 0.7 }]) {
      const f = (a: Tensor, b: Tensor, c: Tensor) => scaledDotProductAttention(a, b, c, options);
      expect(gradcheck(f, [q, k, v]).ok).toBe(true);
      expect(gradgradcheck(f, [q, k, v]).ok).toBe(true);
    }
  });

  it('gives a query whose keys are all masked a zero output and zero gradients, not NaN (PyTorch 2.13)', () => {
    const q = leaf([3, 4], 5),
      k = leaf([4, 4], 6),
      v = leaf([4, 2], 7);
    const mask = tensor(
      [
        [true, true, false, true],
        [false, false, false, false],
        [true, false, false, false],
      ],
      { dtype: 'bool' },
    );
    const out = scaledDotProductAttention(q, k, v, { attnMask: mask });
    expect((out.toArray() as number[][])[1]).toEqual([0, 0]);
    out.sum().backward();
    for (const g of [q.grad, k.grad, v.grad]) expect(hasNaN(g)).toBe(false);
    expect((q.grad!.toArray() as number[][])[1]).toEqual([0, 0, 0, 0]);
    // the other rows are as if the masked row were not there
    const alone = scaledDotProductAttention(q.detach(), k.detach(), v.detach(), { attnMask: mask });
    expectClose((alone.toArray() as number[][])[2], (v.toArray() as number[][])[0], 1e-12);
  });

  it('equals the written-out softmax(q kᵀ/√E) v, and a bool mask equals its −∞ float form', () => {
    const q = leaf([2, 3], 8),
      k = leaf([4, 3], 9),
      v = leaf([4, 2], 10);
    const Q = q.toArray() as number[][],
      K = k.toArray() as number[][],
      V = v.toArray() as number[][];
    const ref = Q.map((qi) => {
      const s = K.map((kj) => kj.reduce((acc, x, d) => acc + x * qi[d]!, 0) / Math.sqrt(3));
      const m = Math.max(...s);
      const e = s.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      return [0, 1].map((c) => e.reduce((acc, w, j) => acc + (w / z) * V[j]![c]!, 0));
    });
    expectClose(scaledDotProductAttention(q, k, v).toArray(), ref, 1e-13);
    const keep = tensor([true, false, true, true], { dtype: 'bool' });
    const additive = tensor([0, -Infinity, 0, 0], f64);
    expectClose(
      scaledDotProductAttention(q, k, v, { attnMask: keep }).toArray(),
      scaledDotProductAttention(q, k, v, { attnMask: additive }).toArray(),
      0,
    );
  });

  it('applies seeded dropout to the weights when dropoutP > 0', () => {
    const q = leaf([4, 3], 11),
      k = leaf([5, 3], 12),
      v = leaf([5, 3], 13);
    const a = scaledDotProductAttention(q, k, v, { dropoutP: 0.5, rng: new Rng(3) });
    const b = scaledDotProductAttention(q, k, v, { dropoutP: 0.5, rng: new Rng(3) });
    const none = scaledDotProductAttention(q, k, v);
    expect(a.toArray()).toEqual(b.toArray());
    expect(a.toArray()).not.toEqual(none.toArray());
    // dropoutP 1 drops every weight
    expect(scaledDotProductAttention(q, k, v, { dropoutP: 1 }).toArray()).toEqual(T.zeros([4, 3]).toArray());
  });

  it('refuses bad input with typed errors, before recording anything', () => {
    const q = leaf([2, 3, 4], 1),
      k = leaf([2, 5, 4], 2),
      v = leaf([2, 5, 3], 3);
    const sdpa = scaledDotProductAttention;
    expect(() => sdpa(q, leaf([2, 5, 3], 4), v)).toThrow(T.ShapeError);
    expect(() => sdpa(q, k, leaf([2, 4, 3], 4))).toThrow(/same sequence length S/);
    expect(() => sdpa(q, k, v, { attnMask: tensor([[1, 0]], { dtype: 'int32' }) })).toThrow(T.DTypeError);
    expect(() => sdpa(q, k, v, { attnMask: tensor([true, false], { dtype: 'bool' }) })).toThrow(
      /attnMask \[2\] does not broadcast to the scores \[\.\.\., L, S\] = \[2,3,5\]/,
    );
    expect(() => sdpa(q, k, v, { isCausal: true, attnMask: tensor([true], { dtype: 'bool' }) })).toThrow(T.RangeError);
    expect(() => sdpa(q, k, v, { dropoutP: 1.5 })).toThrow(/dropoutP must be in \[0, 1\]/);
    expect(() => sdpa(q, k, v, { is_causal: true } as never)).toThrow(ModuleError);
    expect(() => sdpa(q, k.cast('float32'), v)).toThrow(/query is float64 but key is float32/);
    expect(() => sdpa(tensor([1, 2], f64), k, v)).toThrow(/query must be \[\.\.\., seq, features\]/);
    expect(q.grad).toBeNull();
  });

  it('is F.scaledDotProductAttention too, and F.attentionWeights rows sum to 1', () => {
    expect(F.scaledDotProductAttention).toBe(scaledDotProductAttention);
    const w = F.attentionWeights(leaf([3, 4], 1), leaf([6, 4], 2), { isCausal: true });
    expectClose(w.sum(-1).toArray(), [1, 1, 1], 1e-14);
    expect((w.toArray() as number[][])[0]!.slice(1)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('MultiheadAttention', () => {
  it("has PyTorch's state-dict keys for every layout", () => {
    expect([...new MultiheadAttention(8, 2).stateDict().keys()]).toEqual([
      'in_proj_weight',
      'in_proj_bias',
      'out_proj.weight',
      'out_proj.bias',
    ]);
    const kv = new MultiheadAttention(8, 2, { kdim: 3, vdim: 5 });
    expect([...kv.stateDict()].map(([k, t]) => [k, t.shape])).toEqual([
      ['q_proj_weight', [8, 8]],
      ['k_proj_weight', [8, 3]],
      ['v_proj_weight', [8, 5]],
      ['in_proj_bias', [24]],
      ['out_proj.weight', [8, 8]],
      ['out_proj.bias', [8]],
    ]);
    expect([...new MultiheadAttention(8, 2, { bias: false }).stateDict().keys()]).toEqual([
      'in_proj_weight',
      'out_proj.weight',
    ]);
  });

  it('starts with zero biases and Xavier-uniform projections, from its seeded rng', () => {
    const m = new MultiheadAttention(8, 2, { rng: new Rng(1) });
    const sd = m.stateDict();
    expect(T.max(T.abs(sd.get('in_proj_bias')!.value)).item()).toBe(0);
    expect(T.max(T.abs(sd.get('out_proj.bias')!.value)).item()).toBe(0);
    const bound = Math.sqrt(6 / (8 + 24));
    const w = sd.get('in_proj_weight')!.value;
    expect(T.max(T.abs(w)).item()).toBeLessThanOrEqual(bound);
    expect(T.max(T.abs(w)).item()).toBeGreaterThan(bound * 0.9);
    expect(new MultiheadAttention(8, 2, { rng: new Rng(1) }).stateDict().get('in_proj_weight')!.toArray()).toEqual(
      w.toArray(),
    );
  });

  it('a bool key padding mask equals its −∞ float form; a fully padded sequence gets zero weights, not NaN', () => {
    const m = new MultiheadAttention(4, 2, { ...f64, rng: new Rng(2) });
    const x = leaf([3, 2, 4], 3);
    const pad = tensor(
      [
        [false, false, true],
        [true, true, true],
      ],
      { dtype: 'bool' },
    );
    const float = tensor(
      [
        [0, 0, -Infinity],
        [-Infinity, -Infinity, -Infinity],
      ],
      f64,
    );
    const [a, wa] = m.forward(x, x, x, { keyPaddingMask: pad });
    const [b] = m.forward(x, x, x, { keyPaddingMask: float });
    expectClose(a.toArray(), b.toArray(), 0);
    expect(hasNaN(a)).toBe(false);
    expect((wa!.toArray() as number[][][])[1]).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    a.sum().backward();
    expect(hasNaN(x.grad)).toBe(false);
  });

  it('isCausal without a mask equals the explicit causal mask; dropout applies in training only', () => {
    const m = new MultiheadAttention(4, 2, { ...f64, rng: new Rng(2), dropout: 0.5, batchFirst: true });
    const x = leaf([2, 3, 4], 3);
    const causal = tensor(
      [
        [false, true, true],
        [false, false, true],
        [false, false, false],
      ],
      { dtype: 'bool' },
    );
    m.eval();
    const [a, wa] = m.forward(x, x, x, { isCausal: true, averageAttnWeights: false });
    const [b] = m.forward(x, x, x, { attnMask: causal });
    expectClose(a.toArray(), b.toArray(), 0);
    expect(wa!.shape).toEqual([2, 2, 3, 3]);
    m.train();
    const [c] = m.forward(x, x, x, { attnMask: causal });
    expect(c.toArray()).not.toEqual(b.toArray());
  });

  it('refuses bad configurations and inputs with typed errors naming what was expected', () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow(/embedDim 10 must be divisible by numHeads 3/);
    expect(() => new MultiheadAttention(8, 2, { batch_first: true } as never)).toThrow(ModuleError);
    expect(() => new MultiheadAttention(8, 2, { dropout: 2 })).toThrow(T.RangeError);
    const m = new MultiheadAttention(4, 2, f64);
    const x = leaf([3, 2, 4], 1);
    expect(() => m.forward(x, x, leaf([3, 2, 5], 2))).toThrow(T.ShapeError);
    expect(() => m.forward(x, leaf([4, 2, 4], 2), x)).toThrow(/same length S/);
    expect(() => m.forward(x, x, x, { attnMask: tensor([[true]], { dtype: 'bool' }) })).toThrow(
      /attnMask \[1,1\] must be \[L, S\] = \[3,3\] or \[N·H, L, S\] = \[4,3,3\]/,
    );
    expect(() => m.forward(x, x, x, { keyPaddingMask: tensor([false, true, false], { dtype: 'bool' }) })).toThrow(
      /keyPaddingMask \[3\] must be \[N, S\] = \[2,3\]/,
    );
    expect(() => m.forward(x.cast('float32'), x, x)).toThrow(T.DTypeError);
    expect(() => m.forward(x, x, x, { keyPaddingMask: tensor([[0, 1, 0]], { dtype: 'int32' }) })).toThrow(
      /keyPaddingMask must be bool or float, got int32/,
    );
    expect(() => m.forward(x, x, x, { need_weights: false } as never)).toThrow(ModuleError);
    expect(x.grad).toBeNull();
  });
});
