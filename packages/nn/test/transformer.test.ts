// Transformer layers: PyTorch's state-dict keys, clones, options, errors. PyTorch's values are in
// attention-fixtures.test.ts.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { type Tensor, gradcheck, gradgradcheck, randn } from '@chainrule/autograd';
import {
  LayerNorm,
  ModuleError,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  generateSquareSubsequentMask,
} from '@chainrule/nn';

const f64 = { dtype: 'float64' as const };
const ENCODER_KEYS = [
  'self_attn.in_proj_weight',
  'self_attn.in_proj_bias',
  'self_attn.out_proj.weight',
  'self_attn.out_proj.bias',
  'linear1.weight',
  'linear1.bias',
  'linear2.weight',
  'linear2.bias',
  'norm1.weight',
  'norm1.bias',
  'norm2.weight',
  'norm2.bias',
];

describe('TransformerEncoderLayer and TransformerDecoderLayer', () => {
  it("have PyTorch's state-dict keys and shapes", () => {
    const enc = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect([...enc.stateDict().keys()]).toEqual(ENCODER_KEYS);
    expect(enc.stateDict().get('linear1.weight')!.shape).toEqual([16, 8]);
    const dec = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
    const keys = [...dec.stateDict().keys()];
    expect(keys.slice(0, 8)).toEqual([
      'self_attn.in_proj_weight',
      'self_attn.in_proj_bias',
      'self_attn.out_proj.weight',
      'self_attn.out_proj.bias',
      'multihead_attn.in_proj_weight',
      'multihead_attn.in_proj_bias',
      'multihead_attn.out_proj.weight',
      'multihead_attn.out_proj.bias',
    ]);
    expect(keys.slice(8)).toEqual([...ENCODER_KEYS.slice(4), 'norm3.weight', 'norm3.bias']);
  });

  it('without bias keep only the weights, as PyTorch (LayerNorm(bias=False) included)', () => {
    const enc = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, bias: false });
    expect([...enc.stateDict().keys()]).toEqual(ENCODER_KEYS.filter((k) => !k.endsWith('bias')));
    expect(enc.forward(randn([3, 2, 8])).shape).toEqual([3, 2, 8]);
  });

  it('keep the layout: [L, N, E], or [N, L, E] with batchFirst, for the decoder too', () => {
    const enc = new TransformerEncoderLayer(8, 4, { dimFeedforward: 8, batchFirst: true, activation: 'gelu' });
    expect(enc.forward(randn([2, 5, 8])).shape).toEqual([2, 5, 8]);
    const dec = new TransformerDecoderLayer(8, 4, { dimFeedforward: 8, normFirst: true });
    expect(dec.forward(randn([3, 2, 8]), randn([6, 2, 8]), { tgtIsCausal: true }).shape).toEqual([3, 2, 8]);
  });

  it('use dropout in training (seeded) and not in eval mode', () => {
    const x = randn([4, 2, 8], { ...f64, rng: new Rng(1) });
    const make = () => new TransformerEncoderLayer(8, 2, { ...f64, dimFeedforward: 16, rng: new Rng(5) });
    const a = make(),
      b = make();
    expect(a.forward(x).toArray()).toEqual(b.forward(x).toArray()); // the same seed: the same masks
    expect(a.forward(x).toArray()).not.toEqual(a.forward(x).toArray()); // fresh masks each call
    a.eval();
    expect(a.forward(x).toArray()).toEqual(a.forward(x).toArray());
  });

  it('clone() copies the weights and the mode into an independent layer', () => {
    const a = new TransformerEncoderLayer(8, 2, { ...f64, dimFeedforward: 16, dropout: 0 });
    const b = a.eval().clone();
    expect(b.training).toBe(false);
    const x = randn([3, 1, 8], f64);
    expect(b.forward(x).toArray()).toEqual(a.forward(x).toArray());
    T.getBackend().assign(b.linear1.weight.value, T.zeros([16, 8], 'float64'));
    expect(a.linear1.weight.value.toArray()).not.toEqual(b.linear1.weight.value.toArray());
  });

  it('pass gradcheck and gradgradcheck with respect to the target and the memory, in both norm placements', () => {
    for (const normFirst of [false, true]) {
      const layer = new TransformerDecoderLayer(4, 2, {
        ...f64,
        dimFeedforward: 6,
        dropout: 0,
        normFirst,
        rng: new Rng(3),
      });
      layer.eval();
      const x = randn([3, 1, 4], { ...f64, rng: new Rng(4), requiresGrad: true });
      const memory = randn([2, 1, 4], { ...f64, rng: new Rng(5), requiresGrad: true });
      const f = (a: Tensor, m: Tensor): Tensor => layer.forward(a, m, { tgtIsCausal: true });
      expect(gradcheck(f, [x, memory]).ok).toBe(true);
      expect(gradgradcheck(f, [x, memory], { fast: true }).ok).toBe(true);
    }
  });

  it('refuse unknown options and bad values with typed errors', () => {
    expect(() => new TransformerEncoderLayer(8, 2, { dim_feedforward: 16 } as never)).toThrow(
      /unknown option key "dim_feedforward"/,
    );
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as never })).toThrow(T.RangeError);
    expect(() => new TransformerEncoderLayer(8, 3)).toThrow(/divisible/);
    expect(() => new TransformerDecoderLayer(8, 2, { dropout: -1 })).toThrow(T.RangeError);
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 8 });
    expect(() => layer.forward(randn([3, 2, 8]), { mask: null } as never)).toThrow(ModuleError);
    expect(() => layer.forward(randn([3, 2, 6]))).toThrow(T.ShapeError);
  });
});

describe('TransformerEncoder and TransformerDecoder', () => {
  it('stack copies of the layer under layers.N, PyTorch keys, with an optional final norm', () => {
    const layer = new TransformerEncoderLayer(8, 2, { ...f64, dimFeedforward: 16 });
    const enc = new TransformerEncoder(layer, 3, { norm: new LayerNorm(8, f64) });
    const keys = [...enc.stateDict().keys()];
    expect(keys).toHaveLength(3 * ENCODER_KEYS.length + 2);
    expect(keys.slice(0, 12)).toEqual(ENCODER_KEYS.map((k) => `layers.0.${k}`));
    expect(keys.slice(-2)).toEqual(['norm.weight', 'norm.bias']);
    // every layer starts from the given layer's weights (PyTorch deep-copies it)
    const sd = enc.stateDict();
    expect(sd.get('layers.2.linear1.weight')!.toArray()).toEqual(sd.get('layers.0.linear1.weight')!.toArray());
    expect(enc.layers.at(1)).not.toBe(enc.layers.at(0));
    enc.eval();
    const x = randn([5, 2, 8], f64);
    const mask = generateSquareSubsequentMask(5, 'float64');
    expect(enc.forward(x, { mask }).shape).toEqual([5, 2, 8]);
    expect(enc.forward(x, { isCausal: true }).toArray()).toEqual(enc.forward(x, { mask }).toArray());
  });

  it('decoder: layers attend to the memory', () => {
    const dec = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 8 }), 2);
    expect([...dec.stateDict().keys()][4]).toBe('layers.0.multihead_attn.in_proj_weight');
    expect(dec.forward(randn([3, 2, 8]), randn([4, 2, 8])).shape).toEqual([3, 2, 8]);
    expect(() => new TransformerDecoder(new TransformerEncoderLayer(8, 2) as never, 2)).toThrow(ModuleError);
    expect(() => new TransformerEncoder(new TransformerEncoderLayer(8, 2), 0)).toThrow(T.RangeError);
  });

  it('generateSquareSubsequentMask is float −∞ above the diagonal', () => {
    expect(generateSquareSubsequentMask(3).toArray()).toEqual([
      [0, -Infinity, -Infinity],
      [0, 0, -Infinity],
      [0, 0, 0],
    ]);
  });
});
