/**
 * Layers without much state: Flatten, Dropout, Embedding.
 */
import * as T from '@chainrule/tensor';
import { type Rng, defaultRng } from '@chainrule/tensor';
import { type Tensor, reshape } from '@chainrule/autograd';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { dropout } from '../functional/dropout.js';
import { embedding } from '../functional/embedding.js';
import { type LayerOptions, checkOptions, checkPositiveInt, emptyParameter, layerDtype } from './options.js';

/**
 * Flattens axes startDim..endDim into one (default: everything but the batch axis).
 * @example new Flatten().forward(zeros([8, 1, 28, 28])).shape; // [8, 784]
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    const s = T.normalizeAxis('Flatten', this.startDim, x.ndim);
    const e = T.normalizeAxis('Flatten', this.endDim, x.ndim);
    if (e < s)
      throw new T.RangeError(
        'Flatten',
        `endDim ${this.endDim} comes before startDim ${this.startDim} for input ${T.fmtShape(x.shape)}`,
      );
    const mid = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
    return reshape(x, [...x.shape.slice(0, s), mid, ...x.shape.slice(e + 1)]);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/**
 * Inverted dropout: zeroes elements with probability p in training (scaling the rest by
 * 1/(1 − p)); does nothing in eval mode. The mask is drawn from its own seeded generator.
 * @example
 * ```ts
 * const drop = new Dropout(0.2, { rng: new Rng(1) });
 * drop.eval(); // now the identity
 * ```
 */
export class Dropout extends Module {
  readonly rng: Rng;
  constructor(
    readonly p = 0.5,
    options: { rng?: Rng } = {},
  ) {
    super();
    checkOptions('Dropout', options, ['rng']);
    if (!(p >= 0 && p <= 1)) throw new T.RangeError('Dropout', `p must be in [0, 1], got ${p}`);
    this.rng = options.rng ?? defaultRng;
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.rng);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** Options of `Embedding`. */
export interface EmbeddingOptions extends LayerOptions {
  /** An index whose row starts at zero and never gets a gradient (the values it holds are returned as they are). */
  paddingIdx?: number;
}

/**
 * A lookup table of learnable vectors: int32 indices [...] → [..., embeddingDim]. Rows start as
 * N(0, 1), PyTorch's default.
 */
export class Embedding extends Module {
  readonly weight: Parameter;
  readonly paddingIdx: number | null;
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    checkOptions('Embedding', options, ['paddingIdx', 'rng', 'dtype']);
    checkPositiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    checkPositiveInt('Embedding', 'embeddingDim', embeddingDim);
    this.paddingIdx = options.paddingIdx ?? null;
    const pad = this.paddingIdx;
    // checked before the weights are drawn, so a refused layer leaves the rng as it was
    if (pad !== null && (!Number.isInteger(pad) || pad < 0 || pad >= numEmbeddings)) {
      throw new T.RangeError('Embedding', `paddingIdx ${pad} is out of range for ${numEmbeddings} embeddings`);
    }
    this.weight = emptyParameter([numEmbeddings, embeddingDim], layerDtype('Embedding', options));
    init.normal(this.weight, 0, 1, { rng: options.rng ?? defaultRng });
    if (this.paddingIdx !== null) {
      const row = this.weight.value.select(0, this.paddingIdx);
      T.getBackend().assign(row, T.zeros(row.shape, row.dtype));
    }
  }
  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, this.paddingIdx);
  }
  override extraRepr(): string {
    return (
      `${this.numEmbeddings}, ` +
      `${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`
    );
  }
}
