import { Dropout, Linear, Module, init as nnInit } from '@chainrule/nn';
import { type Tensor, sigmoid } from '@chainrule/autograd';
import { Rng } from '@chainrule/tensor';
import { ACTIVATION_FUNCTIONS, type Architecture, layerSizes } from './architecture.js';

/**
 * How the weights start: `pytorch` (the default), nn.Linear's U(±1/√fan_in) for weights and
 * biases; `nielsen`, network.py's N(0, 1) for every weight and bias (Nielsen, chapter 1).
 */
export const INITS = ['pytorch', 'nielsen'] as const;
export type InitName = (typeof INITS)[number];

/**
 * A multilayer perceptron built from an `Architecture`: layers `fc1`, `fc2`, ... (so checkpoints
 * name `fc1.weight`, `fc1.bias`, ... whatever the dropout), the hidden activation after each
 * hidden layer, dropout after it while training, and a sigmoid on the outputs when the
 * architecture says so. Weights start as PyTorch's default, drawn from `Rng(seed)`, or with
 * `init = 'nielsen'` as network.py's: all biases, then all weights, N(0, 1) from `Rng(seed)`.
 * @example
 * ```ts
 * const net = new Mlp(
 *   { inputs: 784, hidden: [30], classes: 10, activation: 'sigmoid', output: 'sigmoid', dropout: 0 },
 *   0,
 * );
 * net.forward(x).shape; // [n, 10]
 * ```
 */
export class Mlp extends Module {
  readonly layers: Linear[];
  private readonly activate: (x: Tensor) => Tensor;
  private readonly drop: Dropout | null;

  constructor(
    readonly architecture: Architecture,
    seed = 0,
    init: InitName = 'pytorch',
  ) {
    super();
    const rng = new Rng(seed);
    const sizes = [architecture.inputs, ...architecture.hidden, architecture.classes];
    this.layers = sizes.slice(1).map((out, i) => new Linear(sizes[i]!, out, { rng }));
    this.layers.forEach((layer, i) => {
      this.registerModule(`fc${i + 1}`, layer);
    });
    if (init === 'nielsen') {
      // network.py: biases = [randn(y, 1) ...], then weights = [randn(y, x) ...]
      const normal = new Rng(seed);
      for (const layer of this.layers) nnInit.normal(layer.bias!, 0, 1, { rng: normal });
      for (const layer of this.layers) nnInit.normal(layer.weight, 0, 1, { rng: normal });
    }
    this.activate = ACTIVATION_FUNCTIONS[architecture.activation];
    // the dropout masks get their own stream, so that p does not change the initial weights
    this.drop = architecture.dropout > 0 ? new Dropout(architecture.dropout, { rng: new Rng(seed + 0x5eed) }) : null;
  }

  forward(x: Tensor): Tensor {
    const last = this.layers.length - 1;
    let h = x;
    for (let i = 0; i < last; i++) {
      h = this.activate(this.layers[i]!.forward(h));
      if (this.drop !== null) h = this.drop.forward(h);
    }
    const out = this.layers[last]!.forward(h);
    return this.architecture.output === 'sigmoid' ? sigmoid(out) : out;
  }

  override extraRepr(): string {
    const a = this.architecture;
    return `${layerSizes(a)}, ${a.activation}, ${a.output} outputs${a.dropout > 0 ? `, dropout ${a.dropout}` : ''}`;
  }
}
