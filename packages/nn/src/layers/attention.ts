/**
 * Multi-head attention with PyTorch's parameters (`in_proj_weight` [3E, E], `in_proj_bias`,
 * `out_proj.weight`, `out_proj.bias`; `q_proj_weight`, `k_proj_weight`, `v_proj_weight` when the
 * key or value size differs from E), its masks and its [L, N, E] layout.
 */
import * as T from '@chainrule/tensor';
import { type DType, type Rng, defaultRng } from '@chainrule/tensor';
import {
  Tensor,
  add,
  linear,
  matmul,
  mean,
  permute,
  reshape,
  slice,
  squeeze,
  transpose,
  unsqueeze,
} from '@chainrule/autograd';
import { type AnyModule, Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { ModuleError } from '../errors.js';
import * as init from '../init.js';
import { attentionWeights, causalMask } from '../functional/attention.js';
import { dropout } from '../functional/dropout.js';
import { Linear } from './linear.js';
import { checkInputDtype } from './input-checks.js';
import { type LayerOptions, checkOptions, checkPositiveInt, emptyParameter, layerDtype } from './options.js';

/** Options of `MultiheadAttention`. */
export interface MultiheadAttentionOptions extends LayerOptions {
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** Inputs and outputs as [N, L, E] instead of [L, N, E] (default false). */
  batchFirst?: boolean;
  /** The key's feature size (default embedDim). */
  kdim?: number;
  /** The value's feature size (default embedDim). */
  vdim?: number;
}

/** Options of `MultiheadAttention.forward`. */
export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): bool, true = padding, ignored (PyTorch's sense), or float, added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights too (default true). */
  needWeights?: boolean;
  /** [L, S] or [N·H, L, S]: bool, true = not allowed (PyTorch's sense), or float, added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true): [N, L, S], else [N, H, L, S]. */
  averageAttnWeights?: boolean;
  /** Causal attention; as PyTorch, a given attnMask is what is applied. Without one, the causal mask is made. */
  isCausal?: boolean;
}

const OPTION_KEYS = ['dropout', 'bias', 'batchFirst', 'kdim', 'vdim', 'rng', 'dtype'];
const FORWARD_KEYS = ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal'];
const OP = 'MultiheadAttention';

/**
 * Multi-head attention, PyTorch's `nn.MultiheadAttention`: the query, key and value are projected,
 * split into `numHeads` heads of embedDim/numHeads features, attended (softmax(q kᵀ/√d + mask) v)
 * and projected back by `out_proj`. `forward(query, key, value, options)` returns
 * `[output, weights | null]`: output [L, N, E] ([N, L, E] with batchFirst; [L, E] unbatched), weights
 * [N, L, S] averaged over the heads or [N, H, L, S]. Masks take PyTorch's sense: true = masked out.
 * A query whose keys are all masked gets zero weights (PyTorch gives NaN when needWeights is true,
 * zeros when it is false). The state dict moves to and from PyTorch's.
 * @example
 * ```ts
 * import { MultiheadAttention } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * const mha = new MultiheadAttention(16, 4, { batchFirst: true });
 * const x = randn([2, 5, 16]);
 * const [out, weights] = mha.forward(x, x, x);
 * console.log(out.shape, weights!.shape); // [2, 5, 16] [2, 5, 5]
 * console.log([...mha.stateDict().keys()]); // ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']
 * ```
 */
export class MultiheadAttention extends Module<
  [Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?],
  [Tensor, Tensor | null]
> {
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly dtype: DType;
  /** The generator of the dropout masks. */
  readonly rng: Rng;
  readonly inProjWeight: Parameter | null;
  readonly qProjWeight: Parameter | null;
  readonly kProjWeight: Parameter | null;
  readonly vProjWeight: Parameter | null;
  readonly inProjBias: Parameter | null;
  readonly outProj: Linear;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    checkOptions(OP, options, OPTION_KEYS);
    checkPositiveInt(OP, 'embedDim', embedDim);
    checkPositiveInt(OP, 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) {
      throw new ModuleError(OP, `embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    }
    this.headDim = embedDim / numHeads;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    checkPositiveInt(OP, 'kdim', this.kdim);
    checkPositiveInt(OP, 'vdim', this.vdim);
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) {
      throw new T.RangeError(OP, `dropout must be in [0, 1], got ${this.dropout}`);
    }
    this.batchFirst = options.batchFirst ?? false;
    this.dtype = layerDtype(OP, options);
    this.rng = options.rng ?? defaultRng;
    const bias = options.bias ?? true;
    const make = (name: string, shape: number[]): Parameter => {
      const p = emptyParameter(shape, this.dtype);
      this.registerParameter(name, p);
      return p;
    };
    // PyTorch's order and initialization: Xavier-uniform projections, zero biases
    const same = this.kdim === embedDim && this.vdim === embedDim;
    this.inProjWeight = same ? make('in_proj_weight', [3 * embedDim, embedDim]) : null;
    this.qProjWeight = same ? null : make('q_proj_weight', [embedDim, embedDim]);
    this.kProjWeight = same ? null : make('k_proj_weight', [embedDim, this.kdim]);
    this.vProjWeight = same ? null : make('v_proj_weight', [embedDim, this.vdim]);
    this.inProjBias = bias ? make('in_proj_bias', [3 * embedDim]) : null;
    for (const w of [this.inProjWeight, this.qProjWeight, this.kProjWeight, this.vProjWeight]) {
      if (w !== null) init.xavierUniform(w, { rng: options.rng });
    }
    this.outProj = new Linear(embedDim, embedDim, { bias, rng: options.rng, dtype: this.dtype });
    this.registerModule('out_proj', this.outProj as unknown as AnyModule);
    if (this.outProj.bias !== null) init.zeros(this.outProj.bias);
  }

  /** The projection weights of the query, key and value. */
  private projections(): [Tensor, Tensor, Tensor] {
    const e = this.embedDim;
    if (this.inProjWeight !== null) {
      const w = this.inProjWeight;
      return [slice(w, 0, 0, e), slice(w, 0, e, 2 * e), slice(w, 0, 2 * e, 3 * e)];
    }
    return [this.qProjWeight!, this.kProjWeight!, this.vProjWeight!];
  }

  forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: MultiheadAttentionForwardOptions = {},
  ): [Tensor, Tensor | null] {
    checkOptions(`${OP}.forward`, options, FORWARD_KEYS);
    const batched = this.checkShapes(query, key, value);
    const seqFirst = (x: Tensor): Tensor => (!batched ? unsqueeze(x, 1) : this.batchFirst ? transpose(x, 0, 1) : x);
    const q = seqFirst(query),
      k = seqFirst(key),
      v = seqFirst(value);
    const [l, n] = q.shape as [number, number];
    const s = k.shape[0]!;
    const h = this.numHeads;
    const mask = this.mergedMask(options, batched, l, n, s);
    const e = this.embedDim;
    const b = this.inProjBias;
    const [wq, wk, wv] = this.projections();
    const heads = (x: Tensor, w: Tensor, i: number, len: number): Tensor =>
      // [len, N, E] → [N, H, len, d]
      permute(
        reshape(linear(x, w, b === null ? null : slice(b, 0, i * e, (i + 1) * e)), [len, n, h, -1]),
        [1, 2, 0, 3],
      );
    const qh = heads(q, wq, 0, l);
    const kh = heads(k, wk, 1, s);
    const vh = heads(v, wv, 2, s);
    let weights = attentionWeights(qh, kh, { attnMask: mask });
    if (this.training && this.dropout > 0) weights = dropout(weights, this.dropout, true, this.rng);
    const attended = reshape(permute(matmul(weights, vh), [2, 0, 1, 3]), [l, n, e]);
    let out = this.outProj.forward(attended);
    out = !batched ? squeeze(out, 1) : this.batchFirst ? transpose(out, 0, 1) : out;
    if (options.needWeights === false) return [out, null];
    let w = options.averageAttnWeights === false ? weights : mean(weights, 1);
    if (!batched) w = squeeze(w, 0);
    return [out, w];
  }

  /** Checks the inputs' shapes; returns whether they are batched (3-d) or not (2-d). */
  private checkShapes(query: Tensor, key: Tensor, value: Tensor): boolean {
    const batched = query.ndim === 3;
    const want = (name: string, x: Tensor, dim: number): void => {
      const ok = x.ndim === query.ndim && x.shape[x.ndim - 1] === dim && (x.ndim === 2 || x.ndim === 3);
      if (!ok) {
        const layout = !batched ? '[L, E]' : this.batchFirst ? '[N, L, E]' : '[L, N, E]';
        throw new T.ShapeError(
          OP,
          `${name} ${T.fmtShape(x.shape)} does not fit: query, key and value are all ${layout}-like with last ` +
            `axes ${this.embedDim}, ${this.kdim}, ${this.vdim} (query ${T.fmtShape(query.shape)})`,
        );
      }
    };
    for (const [name, x] of [
      ['query', query],
      ['key', key],
      ['value', value],
    ] as const) {
      checkInputDtype(OP, x, this.dtype, name);
    }
    want('query', query, this.embedDim);
    want('key', key, this.kdim);
    want('value', value, this.vdim);
    const seq = batched && this.batchFirst ? 1 : 0;
    if (key.shape[seq] !== value.shape[seq] || (batched && key.shape[1 - seq] !== query.shape[1 - seq])) {
      throw new T.ShapeError(
        OP,
        `key ${T.fmtShape(key.shape)} and value ${T.fmtShape(value.shape)} need the same length S, and the ` +
          `query's batch size (query ${T.fmtShape(query.shape)})`,
      );
    }
    if (batched && value.shape[1 - seq] !== query.shape[1 - seq]) {
      throw new T.ShapeError(OP, `value ${T.fmtShape(value.shape)} needs the query's batch size`);
    }
    return batched;
  }

  /** The key padding mask and the attention mask as one additive [N, H, L, S]-broadcastable mask. */
  private mergedMask(
    options: MultiheadAttentionForwardOptions,
    batched: boolean,
    l: number,
    n: number,
    s: number,
  ): Tensor | null {
    const h = this.numHeads;
    const { keyPaddingMask = null, attnMask = null, isCausal = false } = options;
    let merged: Tensor | null = null;
    if (attnMask !== null) {
      const m = additive('attnMask', attnMask, this.dtype);
      const perHead = batched ? [n * h, l, s] : [h, l, s];
      if (T.shapesEqual(m.shape, [l, s])) merged = m;
      else if (T.shapesEqual(m.shape, perHead)) merged = reshape(m, [n, h, l, s]);
      else {
        throw new T.ShapeError(
          OP,
          `attnMask ${T.fmtShape(m.shape)} must be [L, S] = ${T.fmtShape([l, s])} ` +
            `or [N·H, L, S] = ${T.fmtShape(perHead)}`,
        );
      }
    } else if (isCausal) {
      merged = new Tensor(T.where(causalMask(l, s), 0, T.full([], -Infinity, this.dtype)));
    }
    if (keyPaddingMask !== null) {
      const m = additive('keyPaddingMask', keyPaddingMask, this.dtype);
      const want = batched ? [n, s] : [s];
      if (!T.shapesEqual(m.shape, want)) {
        throw new T.ShapeError(OP, `keyPaddingMask ${T.fmtShape(m.shape)} must be [N, S] = ${T.fmtShape(want)}`);
      }
      const padding = reshape(m, [n, 1, 1, s]);
      merged = merged === null ? padding : add(merged, padding);
    }
    return merged;
  }

  override extraRepr(): string {
    const { embedDim, numHeads, dropout: p, batchFirst } = this;
    return `embedDim=${embedDim}, numHeads=${numHeads}, dropout=${p}, batchFirst=${batchFirst}`;
  }
}

/** A PyTorch-sense mask (bool true = masked out) as an additive float mask of `dtype`. */
function additive(name: string, mask: Tensor, dtype: DType): Tensor {
  if (mask.dtype === 'bool') return new Tensor(T.where(mask.value, T.full([], -Infinity, dtype), 0));
  if (!T.isFloat(mask.dtype)) throw new T.DTypeError(OP, `${name} must be bool or float, got ${mask.dtype}`);
  return mask;
}
