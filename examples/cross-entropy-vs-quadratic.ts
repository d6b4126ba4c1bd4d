/**
 * Cross-entropy against the quadratic cost on one saturated sigmoid neuron (Nielsen, chapter 3):
 * input x = 1, target y = 0, starting weight w = 2 and bias b = 2, so the output a = σ(wx + b) =
 * σ(4) ≈ 0.98 is badly wrong, and the neuron is saturated (σ'(4) ≈ 0.018).
 *   - quadratic cost C = (a − y)²/2: ∂C/∂w = (a − y)·σ'(z)·x, small because σ'(z) is: the neuron
 *     learns slowly at first, just when it is most wrong;
 *   - cross-entropy C = −[y ln a + (1 − y) ln(1 − a)]: ∂C/∂w = (a − y)·x, σ' cancels: the neuron
 *     learns fastest when it is most wrong.
 * Both trained by gradient descent with Nielsen's learning rate 0.15 for 300 epochs.
 *
 * Run: npx tsx examples/cross-entropy-vs-quadratic.ts   (writes runs/cross-entropy-vs-quadratic/curves.svg)
 */
import { join } from 'node:path';
import { type Tensor, tensor } from '@chainrule/autograd';
import { SGD, bce, quadraticCost } from '@chainrule/nn';
import { writeChartsSvg } from './lib/charts-file.js';
import { isMain } from './lib/is-main.js';

/** What to run (defaults: Nielsen's). */
export interface SaturationOptions {
  w?: number;
  b?: number;
  /** Input (default 1) and target (default 0). */
  x?: number;
  y?: number;
  lr?: number;
  epochs?: number;
}

/** One cost's learning curve. */
export interface NeuronRun {
  cost: 'quadratic' | 'cross-entropy';
  /** The output a before each epoch's step, then after the last one (epochs + 1 values). */
  output: number[];
  /** The cost before each epoch's step, then after the last one. */
  loss: number[];
  /** |∂C/∂w| at the start. */
  firstGradient: number;
}

const DEFAULTS: Required<SaturationOptions> = { w: 2, b: 2, x: 1, y: 0, lr: 0.15, epochs: 300 };

function run(cost: NeuronRun['cost'], o: Required<SaturationOptions>): NeuronRun {
  const w = tensor([o.w], { dtype: 'float64', requiresGrad: true });
  const b = tensor([o.b], { dtype: 'float64', requiresGrad: true });
  const x = tensor([[o.x]], { dtype: 'float64' });
  const y = tensor([[o.y]], { dtype: 'float64' });
  const costOf = (a: Tensor): Tensor => (cost === 'quadratic' ? quadraticCost(a, y) : bce(a, y));
  const optimizer = new SGD([w, b], { lr: o.lr });
  const output: number[] = [];
  const loss: number[] = [];
  let firstGradient = 0;
  for (let epoch = 0; epoch <= o.epochs; epoch++) {
    const a = x.mul(w).add(b).sigmoid();
    const c = costOf(a);
    output.push(a.item());
    loss.push(c.item());
    if (epoch === o.epochs) break;
    optimizer.zeroGrad();
    c.backward();
    if (epoch === 0) firstGradient = Math.abs(w.grad!.item());
    optimizer.step();
  }
  return { cost, output, loss, firstGradient };
}

/** Trains the neuron once with each cost from the same start. */
export function crossEntropyVsQuadratic(options: SaturationOptions = {}): NeuronRun[] {
  const o = { ...DEFAULTS, ...options };
  return [run('quadratic', o), run('cross-entropy', o)];
}

if (isMain(import.meta.url)) {
  const o = DEFAULTS;
  console.log(`one sigmoid neuron, x = ${o.x}, y = ${o.y}, start w = ${o.w}, b = ${o.b}, lr ${o.lr}\n`);
  const runs = crossEntropyVsQuadratic();
  console.log(`${'cost'.padEnd(14)} |∂C/∂w| at start   output a after epoch:`);
  const marks = [0, 10, 30, 50, 100, 200, 300];
  console.log(`${''.padEnd(33)}${marks.map((e) => `${e}`.padStart(8)).join('')}`);
  for (const r of runs) {
    const cells = marks.map((e) => r.output[e]!.toFixed(3).padStart(8)).join('');
    console.log(`${r.cost.padEnd(14)} ${r.firstGradient.toFixed(4).padStart(17)}  ${cells}`);
  }
  const series = (pick: (r: NeuronRun) => number[]) => runs.map((r) => ({ name: r.cost, values: pick(r) }));
  const path = writeChartsSvg(join('runs', 'cross-entropy-vs-quadratic', 'curves.svg'), [
    { title: 'output a by epoch (target 0)', xLabel: 'epoch', xStart: 0, yLabel: 'a', series: series((r) => r.output) },
    { title: 'cost by epoch', xLabel: 'epoch', xStart: 0, yLabel: 'cost', series: series((r) => r.loss) },
  ]);
  console.log(`\nwrote ${path}`);
}
