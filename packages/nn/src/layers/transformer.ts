/**
 * The transformer's encoder and decoder layers, PyTorch's `nn.TransformerEncoderLayer` and
 * `nn.TransformerDecoderLayer`: the same children (`self_attn`, `multihead_attn`, `linear1`,
 * `linear2`, `norm1`..`norm3`), the same equations (post-norm by default, pre-norm with normFirst).
 */
import * as T from '@chainrule/tensor';
import { type DType, type Rng, defaultRng } from '@chainrule/tensor';
import { type Tensor, add, relu } from '@chainrule/autograd';
import { type AnyModule, Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { gelu } from '../functional/activations.js';
import { dropout } from '../functional/dropout.js';
import { MultiheadAttention } from './attention.js';
import { Linear } from './linear.js';
import { LayerNorm } from './normalization.js';
import { type LayerOptions, checkOptions, checkPositiveInt, layerDtype } from './options.js';

/** The feed-forward block's activation. */
export type TransformerActivation = 'relu' | 'gelu';

/** Options of `TransformerEncoderLayer` and `TransformerDecoderLayer` (PyTorch's defaults). */
export interface TransformerLayerOptions extends LayerOptions {
  /** The feed-forward block's hidden size (default 2048). */
  dimFeedforward?: number;
  /** Dropout after the attention, in the feed-forward block and on the attention weights (default 0.1). */
  dropout?: number;
  /** 'relu' (default) or 'gelu' (exact). */
  activation?: TransformerActivation;
  /** The layer norms' ε (default 1e-5). */
  layerNormEps?: number;
  /** Inputs and outputs as [N, L, E] instead of [L, N, E] (default false). */
  batchFirst?: boolean;
  /** Pre-norm: x + f(norm(x)) instead of norm(x + f(x)) (default false). */
  normFirst?: boolean;
  /** Biases in the linear layers, the attention and the layer norms (default true). */
  bias?: boolean;
}

const OPTION_KEYS = [
  'dimFeedforward',
  'dropout',
  'activation',
  'layerNormEps',
  'batchFirst',
  'normFirst',
  'bias',
  'rng',
  'dtype',
];

/** The parts both layers share: options read and checked once. */
interface Settings {
  dimFeedforward: number;
  dropout: number;
  activation: TransformerActivation;
  layerNormEps: number;
  batchFirst: boolean;
  normFirst: boolean;
  bias: boolean;
  dtype: DType;
  rng: Rng;
}

function settings(op: string, dModel: number, nhead: number, options: TransformerLayerOptions): Settings {
  checkOptions(op, options, OPTION_KEYS);
  checkPositiveInt(op, 'dModel', dModel);
  checkPositiveInt(op, 'nhead', nhead);
  const s: Settings = {
    dimFeedforward: options.dimFeedforward ?? 2048,
    dropout: options.dropout ?? 0.1,
    activation: options.activation ?? 'relu',
    layerNormEps: options.layerNormEps ?? 1e-5,
    batchFirst: options.batchFirst ?? false,
    normFirst: options.normFirst ?? false,
    bias: options.bias ?? true,
    dtype: layerDtype(op, options),
    rng: options.rng ?? defaultRng,
  };
  checkPositiveInt(op, 'dimFeedforward', s.dimFeedforward);
  if (!(s.dropout >= 0 && s.dropout <= 1)) throw new T.RangeError(op, `dropout must be in [0, 1], got ${s.dropout}`);
  if (s.activation !== 'relu' && s.activation !== 'gelu') {
    throw new T.RangeError(op, `activation must be 'relu' or 'gelu', got ${String(s.activation)}`);
  }
  if (!(s.layerNormEps > 0)) throw new T.RangeError(op, `layerNormEps must be positive, got ${s.layerNormEps}`);
  return s;
}

/** A LayerNorm of [dModel]; without bias, only its weight (PyTorch's `LayerNorm(bias=False)`). */
function norm(dModel: number, s: Settings): LayerNorm {
  const n = new LayerNorm(dModel, { eps: s.layerNormEps, dtype: s.dtype });
  // LayerNorm has no bias option of its own: drop the (zero) shift so it is neither trained nor saved
  if (!s.bias) (n as { bias: Parameter | null }).bias = null;
  return n;
}

/** The shared part: the feed-forward block and the norms. */
abstract class TransformerLayerBase<I extends unknown[]> extends Module<I, Tensor> {
  readonly linear1: Linear;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly settings: Settings;

  constructor(
    op: string,
    readonly dModel: number,
    readonly nhead: number,
    readonly options: TransformerLayerOptions,
  ) {
    super();
    const s = settings(op, dModel, nhead, options);
    this.settings = s;
    const lin = { bias: s.bias, rng: options.rng, dtype: s.dtype };
    this.linear1 = new Linear(dModel, s.dimFeedforward, lin);
    this.linear2 = new Linear(s.dimFeedforward, dModel, lin);
    this.norm1 = norm(dModel, s);
    this.norm2 = norm(dModel, s);
  }

  protected attention(): MultiheadAttention {
    const s = this.settings;
    return new MultiheadAttention(this.dModel, this.nhead, {
      dropout: s.dropout,
      bias: s.bias,
      batchFirst: s.batchFirst,
      rng: this.options.rng,
      dtype: s.dtype,
    });
  }

  protected drop(x: Tensor): Tensor {
    return dropout(x, this.settings.dropout, this.training, this.settings.rng);
  }

  /** linear2(dropout(activation(linear1(x)))), then dropout. */
  protected feedForward(x: Tensor): Tensor {
    const hidden = this.linear1.forward(x);
    const act = this.settings.activation === 'gelu' ? gelu(hidden) : relu(hidden);
    return this.drop(this.linear2.forward(this.drop(act)));
  }

  override extraRepr(): string {
    const s = this.settings;
    return (
      `dModel=${this.dModel}, nhead=${this.nhead}, dimFeedforward=${s.dimFeedforward}, dropout=${s.dropout}, ` +
      `activation=${s.activation}, normFirst=${s.normFirst}, batchFirst=${s.batchFirst}`
    );
  }
}

/** Options of `TransformerEncoderLayer.forward` (PyTorch's `src_mask`, `src_key_padding_mask`, `is_causal`). */
export interface EncoderLayerForwardOptions {
  /** [L, L] or [N·H, L, L]: bool, true = not allowed, or float, added. */
  srcMask?: Tensor | null;
  /** Shape `[N, L]`, bool: true = padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention (used when no srcMask is given). */
  isCausal?: boolean;
}

const ENCODER_FORWARD_KEYS = ['srcMask', 'srcKeyPaddingMask', 'isCausal'];

/**
 * One encoder layer: self-attention then a feed-forward block, each with a residual connection,
 * dropout and a layer norm: x = norm1(x + sa(x)); x = norm2(x + ff(x)), or with normFirst
 * x = x + sa(norm1(x)); x = x + ff(norm2(x)). Input [L, N, E] ([N, L, E] with batchFirst).
 * @example
 * ```ts
 * import { TransformerEncoderLayer } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * layer.forward(randn([2, 5, 16])).shape; // [2, 5, 16]
 * ```
 */
export class TransformerEncoderLayer extends TransformerLayerBase<[Tensor, EncoderLayerForwardOptions?]> {
  readonly selfAttn: MultiheadAttention;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super('TransformerEncoderLayer', dModel, nhead, options);
    this.selfAttn = this.attention();
    // PyTorch's order: self_attn, linear1, linear2, norm1, norm2
    this.registerModule('self_attn', this.selfAttn as unknown as AnyModule);
    for (const [name, m] of [
      ['linear1', this.linear1],
      ['linear2', this.linear2],
      ['norm1', this.norm1],
      ['norm2', this.norm2],
    ] as const) {
      this.registerModule(name, m as unknown as AnyModule);
    }
  }

  forward(src: Tensor, options: EncoderLayerForwardOptions = {}): Tensor {
    checkOptions('TransformerEncoderLayer.forward', options, ENCODER_FORWARD_KEYS);
    const sa = (x: Tensor): Tensor =>
      this.drop(
        this.selfAttn.forward(x, x, x, {
          attnMask: options.srcMask ?? null,
          keyPaddingMask: options.srcKeyPaddingMask ?? null,
          isCausal: options.isCausal ?? false,
          needWeights: false,
        })[0],
      );
    let x = src;
    if (this.settings.normFirst) {
      x = add(x, sa(this.norm1.forward(x)));
      return add(x, this.feedForward(this.norm2.forward(x)));
    }
    x = this.norm1.forward(add(x, sa(x)));
    return this.norm2.forward(add(x, this.feedForward(x)));
  }

  /** A new layer with the same options and a copy of this one's weights (PyTorch's deepcopy). */
  clone(): TransformerEncoderLayer {
    const copy = new TransformerEncoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }
}

/** Options of `TransformerDecoderLayer.forward` (PyTorch's masks, camelCased). */
export interface DecoderLayerForwardOptions {
  /** Self-attention mask [T, T] or [N·H, T, T]: bool, true = not allowed, or float, added. */
  tgtMask?: Tensor | null;
  /** Cross-attention mask [T, S] or [N·H, T, S]. */
  memoryMask?: Tensor | null;
  /** Shape `[N, T]`, bool: true = padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** Shape `[N, S]`, bool: true = padding. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Causal self-attention (used when no tgtMask is given). */
  tgtIsCausal?: boolean;
  /** Causal cross-attention (used when no memoryMask is given). */
  memoryIsCausal?: boolean;
}

const DECODER_FORWARD_KEYS = [
  'tgtMask',
  'memoryMask',
  'tgtKeyPaddingMask',
  'memoryKeyPaddingMask',
  'tgtIsCausal',
  'memoryIsCausal',
];

/**
 * One decoder layer: self-attention over the target, cross-attention to the encoder's output
 * (`memory`), then a feed-forward block, each with a residual connection, dropout and a layer norm
 * (norm1, norm2, norm3; before each block with normFirst). Target [T, N, E], memory [S, N, E].
 * @example
 * ```ts
 * import { TransformerDecoderLayer } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * const layer = new TransformerDecoderLayer(16, 4, { dimFeedforward: 32 });
 * layer.forward(randn([3, 2, 16]), randn([5, 2, 16]), { tgtIsCausal: true }).shape; // [3, 2, 16]
 * ```
 */
export class TransformerDecoderLayer extends TransformerLayerBase<[Tensor, Tensor, DecoderLayerForwardOptions?]> {
  readonly selfAttn: MultiheadAttention;
  readonly multiheadAttn: MultiheadAttention;
  readonly norm3: LayerNorm;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super('TransformerDecoderLayer', dModel, nhead, options);
    this.selfAttn = this.attention();
    this.multiheadAttn = this.attention();
    this.norm3 = norm(dModel, this.settings);
    // PyTorch's order: self_attn, multihead_attn, linear1, linear2, norm1, norm2, norm3
    for (const [name, m] of [
      ['self_attn', this.selfAttn],
      ['multihead_attn', this.multiheadAttn],
      ['linear1', this.linear1],
      ['linear2', this.linear2],
      ['norm1', this.norm1],
      ['norm2', this.norm2],
      ['norm3', this.norm3],
    ] as const) {
      this.registerModule(name, m as unknown as AnyModule);
    }
  }

  forward(tgt: Tensor, memory: Tensor, options: DecoderLayerForwardOptions = {}): Tensor {
    checkOptions('TransformerDecoderLayer.forward', options, DECODER_FORWARD_KEYS);
    const sa = (x: Tensor): Tensor =>
      this.drop(
        this.selfAttn.forward(x, x, x, {
          attnMask: options.tgtMask ?? null,
          keyPaddingMask: options.tgtKeyPaddingMask ?? null,
          isCausal: options.tgtIsCausal ?? false,
          needWeights: false,
        })[0],
      );
    const mha = (x: Tensor): Tensor =>
      this.drop(
        this.multiheadAttn.forward(x, memory, memory, {
          attnMask: options.memoryMask ?? null,
          keyPaddingMask: options.memoryKeyPaddingMask ?? null,
          isCausal: options.memoryIsCausal ?? false,
          needWeights: false,
        })[0],
      );
    let x = tgt;
    if (this.settings.normFirst) {
      x = add(x, sa(this.norm1.forward(x)));
      x = add(x, mha(this.norm2.forward(x)));
      return add(x, this.feedForward(this.norm3.forward(x)));
    }
    x = this.norm1.forward(add(x, sa(x)));
    x = this.norm2.forward(add(x, mha(x)));
    return this.norm3.forward(add(x, this.feedForward(x)));
  }

  /** A new layer with the same options and a copy of this one's weights (PyTorch's deepcopy). */
  clone(): TransformerDecoderLayer {
    const copy = new TransformerDecoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }
}
