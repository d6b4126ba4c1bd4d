/**
 * Vanishing and exploding gradients, as in the notes: a 10-layer fully connected network
 * (width 32), one backward pass of a quadratic cost on random inputs, and the norm ‖∂C/∂W_l‖ of
 * each layer's weight gradient. Six networks: sigmoid or ReLU, each initialised three ways:
 *   - small: N(0, 0.01²) — every layer shrinks the signal and the gradient, both vanish;
 *   - Xavier (sigmoid) or He (ReLU): variance 2/(fan_in + fan_out) or 2/fan_in, chosen so the
 *     variance of the signal stays about the same from layer to layer;
 *   - large: N(0, 1) — with ReLU each layer multiplies the signal, forward and backward, by about
 *     √(width/2) = 4, and every layer's gradient explodes (~10¹², against ~10 with He); sigmoid's
 *     units saturate instead.
 * With sigmoid the gradient shrinks towards the input at every init, Xavier included (σ' ≤ 1/4 at
 * every layer: the first layer gets ~10⁻⁶ of the last one's); ReLU with He keeps the layers'
 * gradients within a small factor of each other. (With ReLU the ratio first/last stays near 1
 * at every scale: ∂C/∂W_l = δ_l·a_{l−1}ᵀ, and δ grows backward as fast as a grows forward.)
 *
 * Run: npx tsx examples/vanishing-gradients.ts   (writes runs/vanishing-gradients/gradient-norms.svg)
 */
import { join } from 'node:path';
import { type Tensor, randn } from '@chainrule/autograd';
import { Linear, ReLU, Sequential, Sigmoid, type TensorModule, init, quadraticCost } from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';
import { writeChartsSvg } from './lib/charts-file.js';
import { isMain } from './lib/is-main.js';

/** The nonlinearity after each hidden layer. */
export type Activation = 'sigmoid' | 'relu';
/** How the weights start: `matched` is Xavier for sigmoid and He for ReLU. */
export type InitScheme = 'small' | 'matched' | 'large';

/** What to run. */
export interface VanishingOptions {
  /** Linear layers (default 10). */
  depth?: number;
  /** Units per layer (default 32). */
  width?: number;
  /** Random inputs in the batch (default 64). */
  batch?: number;
  seed?: number;
}

/** One network's per-layer gradient norms, input layer first. */
export interface GradientProfile {
  activation: Activation;
  init: InitScheme;
  /** Human name of the initialisation ("Xavier", "He", "N(0, 0.01²)", "N(0, 1)"). */
  initName: string;
  norms: number[];
}

const DEFAULTS: Required<VanishingOptions> = { depth: 10, width: 32, batch: 64, seed: 1 };

function initName(activation: Activation, scheme: InitScheme): string {
  if (scheme === 'small') return 'N(0, 0.01²)';
  if (scheme === 'large') return 'N(0, 1)';
  return activation === 'sigmoid' ? 'Xavier' : 'He';
}

function network(activation: Activation, scheme: InitScheme, o: Required<VanishingOptions>): Sequential {
  const rng = new Rng(o.seed);
  const layers: TensorModule[] = [];
  for (let l = 0; l < o.depth; l++) {
    const fc = new Linear(o.width, o.width, { rng, dtype: 'float64' });
    if (scheme === 'small') init.normal(fc.weight, 0, 0.01, { rng });
    else if (scheme === 'large') init.normal(fc.weight, 0, 1, { rng });
    else if (activation === 'sigmoid') init.xavierNormal(fc.weight, { rng });
    else init.kaimingNormal(fc.weight, { nonlinearity: 'relu', rng });
    init.zeros(fc.bias!);
    layers.push(fc);
    if (l < o.depth - 1) layers.push(activation === 'sigmoid' ? new Sigmoid() : new ReLU());
  }
  return new Sequential(...layers);
}

/** One backward pass of each of the six networks on the same inputs and targets. */
export function vanishingGradients(options: VanishingOptions = {}): GradientProfile[] {
  const o = { ...DEFAULTS, ...options };
  const rng = new Rng(o.seed + 100);
  const x = randn([o.batch, o.width], { dtype: 'float64', rng });
  const target = randn([o.batch, o.width], { dtype: 'float64', rng });
  const profiles: GradientProfile[] = [];
  for (const activation of ['sigmoid', 'relu'] as const) {
    for (const scheme of ['small', 'matched', 'large'] as const) {
      const net = network(activation, scheme, o);
      quadraticCost(net.forward(x), target).backward();
      const norms = [...net.namedParameters()]
        .filter(([name]) => name.endsWith('weight'))
        .map(([, w]) => (w.grad as Tensor).square().sum().sqrt().item());
      profiles.push({ activation, init: scheme, initName: initName(activation, scheme), norms });
    }
  }
  return profiles;
}

if (isMain(import.meta.url)) {
  const o = DEFAULTS;
  console.log(`${o.depth} linear layers of width ${o.width}, quadratic cost, one batch of ${o.batch} N(0, 1) inputs.`);
  console.log('‖∂C/∂W_l‖ by layer l (1 = input side):\n');
  const profiles = vanishingGradients();
  const header = Array.from({ length: o.depth }, (_, l) => `l=${l + 1}`.padStart(9)).join('');
  console.log(`${'network'.padEnd(24)}${header}   first/last`);
  for (const p of profiles) {
    const cells = p.norms.map((v) => v.toExponential(1).padStart(9)).join('');
    const ratio = (p.norms[0]! / p.norms[p.norms.length - 1]!).toExponential(1);
    console.log(`${`${p.activation}, ${p.initName}`.padEnd(24)}${cells}   ${ratio}`);
  }
  const chart = (activation: Activation) => ({
    title: `${activation}: log10 ‖∂C/∂W‖ by layer`,
    xLabel: 'layer (1 = input side)',
    yLabel: 'log10 gradient norm',
    series: profiles
      .filter((p) => p.activation === activation)
      .map((p) => ({ name: p.initName, values: p.norms.map(Math.log10) })),
  });
  const path = writeChartsSvg(join('runs', 'vanishing-gradients', 'gradient-norms.svg'), [
    chart('sigmoid'),
    chart('relu'),
  ]);
  console.log(`\nwrote ${path}`);
}
