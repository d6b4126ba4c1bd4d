// MultiheadAttention (exported whole, as MatMul/Softmax/...) and TransformerEncoderLayer (its
// attention whole, the rest op by op), run with onnxruntime-node at a batch size other than the
// traced one, equal chainrule's forward to 1e-5 in float32.
import { Tensor, lt, manualSeed, rand, randn } from '@chainrule/autograd';
import * as T from '@chainrule/tensor';
import * as nn from '@chainrule/nn';
import { toOnnx } from '@chainrule/onnx';
import { describe, expect, it } from 'vitest';
import { expectSameAsOrtMany } from './multi-input.js';
import { expectSameAsOrt } from './ort.js';

manualSeed(5);
const x = (shape: number[]) => randn(shape);

/** Self-attention returning the output or the attention weights. */
class SelfAttention extends nn.Module {
  constructor(
    readonly attn: nn.MultiheadAttention,
    readonly pick: 'output' | 'weights',
    readonly options: nn.MultiheadAttentionForwardOptions = {},
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    const [out, weights] = this.attn.forward(input, input, input, this.options);
    return this.pick === 'output' ? out : weights!;
  }
}

const batchAt = (axis: number) => ({ dynamicAxes: { input: { [axis]: 'batch' }, output: { [axis]: 'batch' } } });

describe('toOnnx: attention run by ONNX Runtime at another batch size', () => {
  it('MultiheadAttention: time-major and batchFirst, with and without bias, output and weights', async () => {
    const mha = new nn.MultiheadAttention(8, 2);
    await expectSameAsOrt(new SelfAttention(mha, 'output'), x([4, 2, 8]), x([4, 3, 8]), 1e-5, batchAt(1));
    // weights are [N, L, S]: the batch is axis 1 of the input, axis 0 of the output
    const weightsAxes = { dynamicAxes: { input: { 1: 'batch' }, output: { 0: 'batch' } } };
    await expectSameAsOrt(new SelfAttention(mha, 'weights'), x([4, 2, 8]), x([4, 3, 8]), 1e-5, weightsAxes);
    const perHead = new SelfAttention(mha, 'weights', { averageAttnWeights: false });
    await expectSameAsOrt(perHead, x([4, 2, 8]), x([4, 3, 8]), 1e-5, weightsAxes);
    const bf = new nn.MultiheadAttention(8, 4, { batchFirst: true, bias: false });
    await expectSameAsOrt(new SelfAttention(bf, 'output'), x([2, 5, 8]), x([3, 5, 8]));
  });

  it('MultiheadAttention with a dynamic sequence length, and unbatched [L, E] input', async () => {
    const mha = new nn.MultiheadAttention(6, 3, { batchFirst: true });
    const both = { 0: 'batch', 1: 'seq' };
    const options = { dynamicAxes: { input: both, output: both } };
    await expectSameAsOrt(new SelfAttention(mha, 'output'), x([2, 4, 6]), x([3, 7, 6]), 1e-5, options);
    await expectSameAsOrt(new SelfAttention(mha, 'output'), x([4, 6]), x([5, 6]));
  });

  it('MultiheadAttention with kdim/vdim (separate projections) on key and value inputs', async () => {
    class Cross extends nn.Module {
      readonly attn = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5 });
      readonly toKey = new nn.Linear(4, 3);
      readonly toValue = new nn.Linear(4, 5);
      forward(q: Tensor): Tensor {
        return this.attn.forward(q, this.toKey.forward(q), this.toValue.forward(q))[0];
      }
    }
    await expectSameAsOrt(new Cross(), x([3, 2, 4]), x([3, 4, 4]), 1e-5, batchAt(1));
  });

  it('MultiheadAttention masks: isCausal, a bool attnMask and a float attnMask (constants)', async () => {
    const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const causal = new SelfAttention(mha, 'output', { isCausal: true });
    await expectSameAsOrt(causal, x([2, 5, 8]), x([3, 5, 8]));
    const float = nn.generateSquareSubsequentMask(5);
    const bool = lt(float, -1); // true where masked
    await expectSameAsOrt(new SelfAttention(mha, 'weights', { attnMask: bool }), x([2, 5, 8]), x([4, 5, 8]));
    const soft = float.add(x([5, 5]).mul(0.5)); // a float mask with finite values too
    await expectSameAsOrt(new SelfAttention(mha, 'output', { attnMask: soft }), x([2, 5, 8]), x([3, 5, 8]));
  });

  it('MultiheadAttention with a keyPaddingMask given as a second graph input (bool [N, S])', async () => {
    class Padded extends nn.Module<[Tensor, Tensor], Tensor> {
      readonly attn = new nn.MultiheadAttention(8, 2, { batchFirst: true });
      forward(input: Tensor, padding: Tensor): Tensor {
        return this.attn.forward(input, input, input, { keyPaddingMask: padding })[0];
      }
    }
    const pad = (n: number) => lt(rand([n, 5]), 0.3); // about a third of the keys masked
    const batch = { 0: 'batch' };
    const options = { dynamicAxes: { input0: batch, input1: batch, output: batch } };
    const other = [x([3, 5, 8]), pad(3)];
    for (let r = 0; r < 3; r++) other[1]!.value.data[r * 5] = 0; // key 0 is never masked: no empty row
    await expectSameAsOrtMany(new Padded(), [x([2, 5, 8]), pad(2)], other, options);
  });

  it('TransformerEncoderLayer: post-norm relu and pre-norm gelu, time-major and batchFirst', async () => {
    const post = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    await expectSameAsOrt(post, x([5, 2, 8]), x([5, 3, 8]), 1e-5, batchAt(1));
    const pre = new nn.TransformerEncoderLayer(8, 4, {
      dimFeedforward: 12,
      normFirst: true,
      activation: 'gelu',
      batchFirst: true,
    });
    await expectSameAsOrt(pre, x([2, 5, 8]), x([4, 5, 8]));
  });

  it('TransformerEncoder (a stack of two layers) and TransformerDecoderLayer (self- and cross-attention)', async () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
    await expectSameAsOrt(new nn.TransformerEncoder(layer, 2), x([2, 5, 8]), x([3, 5, 8]));
    class Decode extends nn.Module {
      readonly decoder = new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
      forward(tgt: Tensor): Tensor {
        return this.decoder.forward(tgt, tgt.mul(0.5), { tgtIsCausal: true });
      }
    }
    await expectSameAsOrt(new Decode(), x([4, 2, 8]), x([4, 3, 8]), 1e-5, batchAt(1));
  });

  it('a mask computed from the input outside the ops is refused (it would be frozen)', () => {
    class Frozen extends nn.Module {
      readonly attn = new nn.MultiheadAttention(4, 2, { batchFirst: true });
      forward(input: Tensor): Tensor {
        const padding = new Tensor(T.lt(T.sum(input.value, [2]), 0)); // from .value: not an op
        return this.attn.forward(input, input, input, { keyPaddingMask: padding })[0];
      }
    }
    expect(() => toOnnx(new Frozen(), x([2, 3, 4]))).toThrow(
      'MultiheadAttention: keyPaddingMask changes with the inputs but is not computed by exported ops',
    );
  });

  it('isCausal is refused when the sequence length is dynamic (its mask would be frozen)', () => {
    const mha = new nn.MultiheadAttention(4, 2, { batchFirst: true });
    const seq = { 0: 'batch', 1: 'seq' };
    expect(() =>
      toOnnx(new SelfAttention(mha, 'output', { isCausal: true }), x([2, 3, 4]), { dynamicAxes: { input: seq } }),
    ).toThrow('MultiheadAttention: isCausal with a dynamic sequence length');
  });
});
