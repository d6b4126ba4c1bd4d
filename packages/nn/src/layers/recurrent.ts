/**
 * Recurrent layers: the cells (one time step) and the sequence layers (a loop over time,
 * stacked layers). Weights and names follow PyTorch (`weight_ih`, `weight_hh_l1`, ...), all
 * initialized U(−1/√H, 1/√H).
 */
import * as T from '@chainrule/tensor';
import type { DType, Rng } from '@chainrule/tensor';
import { Tensor, select, stack, transpose } from '@chainrule/autograd';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import * as init from '../init.js';
import {
  type CellWeights,
  type RnnNonlinearity,
  checkNonlinearity,
  gruCell,
  gruLayer,
  lstmCell,
  lstmLayer,
  rnnCell,
} from '../functional/recurrent.js';
import { checkInputDtype, checkStateShape } from './input-checks.js';
import { type LayerOptions, checkOptions, checkPositiveInt, emptyParameter, layerDtype } from './options.js';

/** Options of the cells. */
export interface CellOptions extends LayerOptions {
  /** Learnable biases b_ih and b_hh (default true). */
  bias?: boolean;
}

type Kind = 'RNN' | 'LSTM' | 'GRU';
const GATES: Record<Kind, number> = { RNN: 1, LSTM: 4, GRU: 3 };

/** Makes and registers one layer's weights under PyTorch's names (suffix '' for cells, '_l0' ...). */
function makeWeights(
  owner: Module<never, unknown>,
  kind: Kind,
  input: number,
  hidden: number,
  bias: boolean,
  dtype: DType,
  rng: Rng | undefined,
  suffix: string,
): CellWeights {
  const g = GATES[kind] * hidden;
  const bound = 1 / Math.sqrt(hidden);
  const make = (name: string, shape: number[]): Parameter => {
    const p = emptyParameter(shape, dtype);
    init.uniform(p, -bound, bound, { rng });
    owner.registerParameter(`${name}${suffix}`, p);
    return p;
  };
  const weightIh = make('weight_ih', [g, input]);
  const weightHh = make('weight_hh', [g, hidden]);
  const biasIh = bias ? make('bias_ih', [g]) : null;
  const biasHh = bias ? make('bias_hh', [g]) : null;
  return { weightIh, weightHh, biasIh, biasHh };
}

/** The option keys every cell and sequence layer reads. */
const CELL_KEYS = ['bias', 'rng', 'dtype'] as const;

function checkStep(op: string, x: Tensor, input: number, dtype: DType): void {
  if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== input) {
    throw new T.ShapeError(op, `expected input [N, ${input}] or [${input}], got ${T.fmtShape(x.shape)}`);
  }
  checkInputDtype(op, x, dtype);
}

/** The state `name` of a cell given input `x`: checked against [N, H] (or [H]), or zeros when not given. */
function cellState(
  op: string,
  name: string,
  given: Tensor | undefined,
  x: Tensor,
  hidden: number,
  dtype: DType,
): Tensor {
  const shape = x.ndim === 2 ? [x.shape[0]!, hidden] : [hidden];
  if (given === undefined) return new Tensor(T.zeros(shape, dtype));
  checkStateShape(op, name, given, shape);
  checkInputDtype(op, given, dtype, name);
  return given;
}

abstract class CellBase extends Module<never, unknown> {
  readonly weights: CellWeights;
  constructor(
    kind: Kind,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: CellOptions,
    extraKeys: readonly string[] = [],
  ) {
    super();
    checkOptions(`${kind}Cell`, options, [...CELL_KEYS, ...extraKeys]);
    checkPositiveInt(`${kind}Cell`, 'inputSize', inputSize);
    checkPositiveInt(`${kind}Cell`, 'hiddenSize', hiddenSize);
    const dtype = layerDtype(`${kind}Cell`, options);
    this.weights = makeWeights(this, kind, inputSize, hiddenSize, options.bias ?? true, dtype, options.rng, '');
  }
  /** The weights' dtype (what `Module.to` last made it), which inputs and states must have. */
  get dtype(): DType {
    return this.weights.weightIh.dtype;
  }
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}, bias=${this.weights.biasIh !== null}`;
  }
}

/**
 * One step of an Elman RNN: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or ReLU).
 * Input [N, I] (or [I]), hidden [N, H]; h defaults to zeros.
 * @example
 * ```ts
 * const cell = new RNNCell(3, 5);
 * let h = cell.forward(x0);
 * h = cell.forward(x1, h);
 * ```
 */
export class RNNCell extends CellBase {
  constructor(
    inputSize: number,
    hiddenSize: number,
    readonly options: CellOptions & { nonlinearity?: RnnNonlinearity } = {},
  ) {
    checkNonlinearity('RNNCell', options?.nonlinearity ?? 'tanh'); // before any weight is drawn from the rng
    super('RNN', inputSize, hiddenSize, options, ['nonlinearity']);
  }
  forward(x: Tensor, h?: Tensor): Tensor {
    checkStep('RNNCell', x, this.inputSize, this.dtype);
    const h0 = cellState('RNNCell', 'h', h, x, this.hiddenSize, this.dtype);
    return rnnCell(x, h0, this.weights, this.options.nonlinearity ?? 'tanh');
  }
}

/** One LSTM step: returns [h', c'] (state defaults to zeros). */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, state?: readonly [Tensor, Tensor]): [Tensor, Tensor] {
    checkStep('LSTMCell', x, this.inputSize, this.dtype);
    const h = cellState('LSTMCell', 'h', state?.[0], x, this.hiddenSize, this.dtype);
    const c = cellState('LSTMCell', 'c', state?.[1], x, this.hiddenSize, this.dtype);
    return lstmCell(x, h, c, this.weights);
  }
}

/** One GRU step: returns h' (h defaults to zeros). */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, h?: Tensor): Tensor {
    checkStep('GRUCell', x, this.inputSize, this.dtype);
    return gruCell(x, cellState('GRUCell', 'h', h, x, this.hiddenSize, this.dtype), this.weights);
  }
}

/** Options of the sequence layers. */
export interface RecurrentOptions extends CellOptions {
  /** Stacked layers, each feeding its output sequence to the next (default 1). */
  numLayers?: number;
  /** Input and output as [N, T, features] instead of [T, N, features] (default false). */
  batchFirst?: boolean;
}

abstract class SequenceBase extends Module<never, unknown> {
  readonly layers: CellWeights[] = [];
  readonly numLayers: number;
  readonly batchFirst: boolean;
  constructor(
    readonly kind: Kind,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentOptions,
    extraKeys: readonly string[] = [],
  ) {
    super();
    checkOptions(kind, options, [...CELL_KEYS, 'numLayers', 'batchFirst', ...extraKeys]);
    checkPositiveInt(kind, 'inputSize', inputSize);
    checkPositiveInt(kind, 'hiddenSize', hiddenSize);
    this.numLayers = options.numLayers ?? 1;
    checkPositiveInt(kind, 'numLayers', this.numLayers);
    this.batchFirst = options.batchFirst ?? false;
    const dtype = layerDtype(kind, options);
    for (let l = 0; l < this.numLayers; l++) {
      this.layers.push(
        makeWeights(
          this,
          kind,
          l === 0 ? inputSize : hiddenSize,
          hiddenSize,
          options.bias ?? true,
          dtype,
          options.rng,
          `_l${l}`,
        ),
      );
    }
  }

  /** The weights' dtype (what `Module.to` last made it), which inputs and states must have. */
  get dtype(): DType {
    return this.layers[0]!.weightIh.dtype;
  }

  /** The input as [T, N, I], checked (shape, at least one step, dtype). */
  protected timeMajor(x: Tensor): Tensor {
    const layout = this.batchFirst ? 'N, T' : 'T, N';
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      throw new T.ShapeError(this.kind, `expected input [${layout}, ${this.inputSize}], got ${T.fmtShape(x.shape)}`);
    }
    if (x.shape[this.batchFirst ? 1 : 0] === 0) {
      throw new T.ShapeError(
        this.kind,
        `expected a sequence of at least one step, got input ${T.fmtShape(x.shape)} ` +
          `([${layout}, ${this.inputSize}], T = 0)`,
      );
    }
    checkInputDtype(this.kind, x, this.dtype);
    return this.batchFirst ? transpose(x, 0, 1) : x;
  }

  protected checkState(name: string, s: Tensor, batch: number): void {
    if (!T.shapesEqual(s.shape, [this.numLayers, batch, this.hiddenSize])) {
      throw new T.ShapeError(
        this.kind,
        `${name} must be [${this.numLayers}, ${batch}, ${this.hiddenSize}], got ${T.fmtShape(s.shape)}`,
      );
    }
  }

  protected initial(name: string, given: Tensor | undefined, batch: number): Tensor[] {
    if (given !== undefined) {
      this.checkState(name, given, batch);
      checkInputDtype(this.kind, given, this.dtype, name);
    }
    return Array.from({ length: this.numLayers }, (_, l) =>
      given === undefined ? new Tensor(T.zeros([batch, this.hiddenSize], this.dtype)) : select(given, 0, l),
    );
  }

  /**
   * Runs `step` over every layer and time step of a time-major `seq`: layer l reads layer l-1's
   * outputs, one per step, and `step` returns the new hidden state (its output). Gives the top
   * layer's outputs, in time order.
   */
  protected runLayers(seq: Tensor, step: (xt: Tensor, layer: number, w: CellWeights) => Tensor): Tensor[] {
    let inputs = Array.from({ length: seq.shape[0]! }, (_, t) => select(seq, 0, t));
    this.layers.forEach((w, l) => {
      inputs = inputs.map((xt) => step(xt, l, w));
    });
    return inputs;
  }

  /**
   * Runs `layer` over every layer on the whole time-major `seq`: layer l reads layer l-1's output
   * sequence [T, N, H]. Gives the top layer's.
   */
  protected runSequences(seq: Tensor, layer: (input: Tensor, l: number, w: CellWeights) => Tensor): Tensor {
    return this.layers.reduce((input, w, l) => layer(input, l, w), seq);
  }

  /** The outputs ([T, N, H], or one tensor per step) back in the caller's layout. */
  protected output(steps: Tensor | Tensor[]): Tensor {
    const out = Array.isArray(steps) ? stack(steps, 0) : steps;
    return this.batchFirst ? transpose(out, 0, 1) : out;
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}, numLayers=${this.numLayers}, batchFirst=${this.batchFirst}`;
  }
}

/**
 * An Elman RNN over a sequence: input [T, N, I] (or [N, T, I] with batchFirst), optional h0
 * [numLayers, N, H]. Returns [output (every step's top-layer h), hN [numLayers, N, H]].
 * @example
 * ```ts
 * const rnn = new RNN(3, 8, { numLayers: 2 });
 * const [out, hN] = rnn.forward(randn([5, 4, 3])); // out [5, 4, 8], hN [2, 4, 8]
 * ```
 */
export class RNN extends SequenceBase {
  readonly nonlinearity: RnnNonlinearity;
  constructor(
    inputSize: number,
    hiddenSize: number,
    options: RecurrentOptions & { nonlinearity?: RnnNonlinearity } = {},
  ) {
    checkNonlinearity('RNN', options?.nonlinearity ?? 'tanh'); // before any weight is drawn from the rng
    super('RNN', inputSize, hiddenSize, options, ['nonlinearity']);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
  }
  forward(x: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const seq = this.timeMajor(x);
    const h = this.initial('h0', h0, seq.shape[1]!);
    const out = this.runLayers(seq, (xt, l, w) => (h[l] = rnnCell(xt, h[l]!, w, this.nonlinearity)));
    return [this.output(out), stack(h, 0)];
  }
}

/** An LSTM over a sequence. Returns [output, [hN, cN]]; the state defaults to zeros. */
export class LSTM extends SequenceBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, state?: readonly [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const seq = this.timeMajor(x);
    const h = this.initial('h0', state?.[0], seq.shape[1]!);
    const c = this.initial('c0', state?.[1], seq.shape[1]!);
    const last = seq.shape[0]! - 1;
    const out = this.runSequences(seq, (input, l, w) => {
      const [hs, cs] = lstmLayer(input, h[l]!, c[l]!, w);
      [h[l], c[l]] = [select(hs, 0, last), select(cs, 0, last)];
      return hs;
    });
    return [this.output(out), [stack(h, 0), stack(c, 0)]];
  }
}

/** A GRU over a sequence. Returns [output, hN]. */
export class GRU extends SequenceBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const seq = this.timeMajor(x);
    const h = this.initial('h0', h0, seq.shape[1]!);
    const last = seq.shape[0]! - 1;
    const out = this.runSequences(seq, (input, l, w) => {
      const hs = gruLayer(input, h[l]!, w);
      h[l] = select(hs, 0, last);
      return hs;
    });
    return [this.output(out), stack(h, 0)];
  }
}
