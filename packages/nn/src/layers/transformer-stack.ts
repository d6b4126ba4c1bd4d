/**
 * Stacks of transformer layers, PyTorch's `nn.TransformerEncoder` and `nn.TransformerDecoder`:
 * `numLayers` copies of one layer in a `ModuleList` named `layers` (state-dict keys
 * `layers.0.self_attn.in_proj_weight`, ...), and an optional final `norm`.
 */
import * as T from '@chainrule/tensor';
import type { DType } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';
import { Module } from '../module.js';
import { ModuleError } from '../errors.js';
import { ModuleList } from './containers.js';
import type { LayerNorm } from './normalization.js';
import { checkOptions, checkPositiveInt } from './options.js';
import {
  type DecoderLayerForwardOptions,
  type EncoderLayerForwardOptions,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
} from './transformer.js';

/** Options of `TransformerEncoder` and `TransformerDecoder`. */
export interface TransformerStackOptions {
  /** A module applied to the last layer's output (PyTorch's `norm`; usually a LayerNorm). */
  norm?: LayerNorm | null;
}

/** The layers: the given one first, then clones of it (the same starting weights, as PyTorch's deepcopy). */
function copies<L extends { clone(): L }>(op: string, layer: L, numLayers: number): L[] {
  checkPositiveInt(op, 'numLayers', numLayers);
  const out = [layer];
  for (let i = 1; i < numLayers; i++) out.push(layer.clone());
  return out;
}

function checkLayer(op: string, ok: boolean, name: string): void {
  if (!ok) throw new ModuleError(op, `expected a ${name} as the layer`);
}

/**
 * `numLayers` encoder layers applied in turn, then `norm` if given. Each layer starts with the
 * given layer's weights (PyTorch copies it; here the first layer is the given one, the others clones).
 * `forward(src, { mask, srcKeyPaddingMask, isCausal })`.
 * @example
 * ```ts
 * import { LayerNorm, TransformerEncoder, TransformerEncoderLayer } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32 });
 * const encoder = new TransformerEncoder(layer, 2, { norm: new LayerNorm(16) });
 * encoder.forward(randn([5, 2, 16])).shape; // [5, 2, 16]
 * [...encoder.stateDict().keys()][0]; // 'layers.0.self_attn.in_proj_weight'
 * ```
 */
export class TransformerEncoder extends Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> {
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options: TransformerStackOptions = {}) {
    super();
    const op = 'TransformerEncoder';
    checkOptions(op, options, ['norm']);
    checkLayer(op, encoderLayer instanceof TransformerEncoderLayer, 'TransformerEncoderLayer');
    this.layers = new ModuleList(copies(op, encoderLayer, numLayers));
    this.norm = options.norm ?? null;
  }

  forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    checkOptions('TransformerEncoder.forward', options, ['mask', 'srcKeyPaddingMask', 'isCausal']);
    const layerOptions: EncoderLayerForwardOptions = {
      srcMask: options.mask ?? null,
      srcKeyPaddingMask: options.srcKeyPaddingMask ?? null,
      isCausal: options.isCausal ?? false,
    };
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, layerOptions);
    return this.norm === null ? x : this.norm.forward(x);
  }
}

/** Options of `TransformerEncoder.forward` (PyTorch's `mask`, `src_key_padding_mask`, `is_causal`). */
export interface TransformerEncoderForwardOptions {
  /** [L, L] or [N·H, L, L]: bool, true = not allowed, or float, added. */
  mask?: Tensor | null;
  /** Shape `[N, L]`, bool: true = padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention (used when no mask is given). */
  isCausal?: boolean;
}

/**
 * `numLayers` decoder layers applied in turn to the target, each attending to `memory`, then
 * `norm` if given. `forward(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, ... })`.
 * @example
 * ```ts
 * import { TransformerDecoder, TransformerDecoderLayer } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * const decoder = new TransformerDecoder(new TransformerDecoderLayer(16, 4, { dimFeedforward: 32 }), 2);
 * decoder.forward(randn([3, 2, 16]), randn([5, 2, 16]), { tgtIsCausal: true }).shape; // [3, 2, 16]
 * ```
 */
export class TransformerDecoder extends Module<[Tensor, Tensor, DecoderLayerForwardOptions?], Tensor> {
  readonly layers: ModuleList<TransformerDecoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, options: TransformerStackOptions = {}) {
    super();
    const op = 'TransformerDecoder';
    checkOptions(op, options, ['norm']);
    checkLayer(op, decoderLayer instanceof TransformerDecoderLayer, 'TransformerDecoderLayer');
    this.layers = new ModuleList(copies(op, decoderLayer, numLayers));
    this.norm = options.norm ?? null;
  }

  forward(tgt: Tensor, memory: Tensor, options: DecoderLayerForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, options);
    return this.norm === null ? x : this.norm.forward(x);
  }
}

/**
 * The causal mask PyTorch's `Transformer.generate_square_subsequent_mask` makes: a float [size, size]
 * with −∞ above the diagonal (query i may not see keys after i) and 0 elsewhere.
 * @example
 * ```ts
 * import { generateSquareSubsequentMask } from '@chainrule/nn';
 * generateSquareSubsequentMask(3).toArray(); // [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]
 * ```
 */
export function generateSquareSubsequentMask(size: number, dtype: DType = 'float32'): Tensor {
  checkPositiveInt('generateSquareSubsequentMask', 'size', size);
  const rows = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (j > i ? -Infinity : 0)));
  return new Tensor(T.array(rows, dtype));
}
