/**
 * BatchNorm, LayerNorm and GroupNorm compared on the same net: 784-64-64-10 with ReLU, a
 * normalization layer after each hidden Linear (or none, the baseline), the same initial Linear
 * weights, the same digits, the same SGD. They differ in what they average over, for a hidden
 * activation h of shape [N, 64]:
 *   - BatchNorm1d(64): each unit over the N samples of the batch — so a sample's output depends on
 *     the rest of its batch during training, and running averages stand in for the batch at eval;
 *   - LayerNorm(64): each sample over its 64 units — per sample, the same in training and eval;
 *   - GroupNorm(8, 64): each sample over each of 8 groups of 8 units — per sample too; 1 group
 *     would be LayerNorm.
 * Measured (the defaults): every normalized net learns much faster than the plain one (first
 * epoch's loss 0.88–1.17 against 2.10), and ends at about the same test accuracy (87–91%) on this
 * small, easy problem; only BatchNorm's output depends on the batch, and only in training mode.
 * The script prints each net's training loss by epoch and final test accuracy, and measures the
 * batch dependence: how much sample 0's output changes when its batch changes.
 *
 * Run: npx tsx examples/normalization-compare.ts   (writes runs/normalization-compare/curves.svg)
 */
import { join } from 'node:path';
import { type Tensor, noGrad } from '@chainrule/autograd';
import {
  BatchNorm1d,
  GroupNorm,
  LayerNorm,
  Linear,
  ReLU,
  SGD,
  Sequential,
  type TensorModule,
  crossEntropy,
  evaluate,
  fit,
} from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';
import { writeChartsSvg } from './lib/charts-file.js';
import { type Digits, digits } from './lib/digits.js';
import { isMain } from './lib/is-main.js';

/** The normalization after each hidden layer. */
export type NormKind = 'none' | 'batch' | 'layer' | 'group';

/** What to run. */
export interface NormCompareOptions {
  trainSize?: number;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  /** Hidden width (default 64) and GroupNorm's groups (default 8). */
  hidden?: number;
  groups?: number;
  seed?: number;
}

/** One net's outcome. */
export interface NormRun {
  kind: NormKind;
  name: string;
  /** Mean training loss of each epoch. */
  trainLoss: number[];
  testAccuracy: number[];
  finalTest: number;
  /** max |Δ output of sample 0| between a batch of the first 32 test digits and of the first 8, training mode. */
  batchDependenceTrain: number;
  /** The same in eval mode. */
  batchDependenceEval: number;
}

const DEFAULTS: Required<NormCompareOptions> = {
  trainSize: 2000,
  epochs: 10,
  lr: 0.1,
  batchSize: 32,
  hidden: 64,
  groups: 8,
  seed: 1,
};

function names(o: Required<NormCompareOptions>): Record<NormKind, string> {
  return { none: 'no norm', batch: 'BatchNorm', layer: 'LayerNorm', group: `GroupNorm(${o.groups})` };
}

function normLayer(kind: NormKind, o: Required<NormCompareOptions>): TensorModule[] {
  if (kind === 'batch') return [new BatchNorm1d(o.hidden)];
  if (kind === 'layer') return [new LayerNorm(o.hidden)];
  if (kind === 'group') return [new GroupNorm(o.groups, o.hidden)];
  return [];
}

function network(kind: NormKind, o: Required<NormCompareOptions>): Sequential {
  const rng = new Rng(o.seed);
  return new Sequential(
    new Linear(784, o.hidden, { rng }),
    ...normLayer(kind, o),
    new ReLU(),
    new Linear(o.hidden, o.hidden, { rng }),
    ...normLayer(kind, o),
    new ReLU(),
    new Linear(o.hidden, 10, { rng }),
  );
}

/** max |f(first 32)[0] − f(first 8)[0]|: how much sample 0's output depends on the rest of its batch. */
function batchDependence(model: Sequential, images: Tensor): number {
  return noGrad(() => {
    const big = model.forward(images.slice(0, 0, 32)).slice(0, 0, 1);
    const small = model.forward(images.slice(0, 0, 8)).slice(0, 0, 1);
    return big.sub(small).abs().max().item();
  });
}

function train(kind: NormKind, data: Digits, o: Required<NormCompareOptions>): NormRun {
  const model = network(kind, o);
  const testAccuracy: number[] = [];
  const accuracy = (): number =>
    evaluate(model, { x: data.test.images, y: data.test.labels }, { metrics: ['accuracy'], batchSize: 1000 }).metrics
      .accuracy!;
  const history = fit(model, {
    train: { x: data.train.images, y: data.train.labels },
    batchSize: o.batchSize,
    seed: o.seed,
    loss: crossEntropy,
    optimizer: new SGD(model.parameters(), { lr: o.lr }),
    epochs: o.epochs,
    callbacks: { onEpochEnd: () => void testAccuracy.push(accuracy()) },
  });
  // measured on a copy of the running statistics' state: a training-mode BatchNorm forward updates them
  const state = model.stateDict();
  const batchDependenceTrain = batchDependence(model.train(), data.test.images);
  model.loadStateDict(state);
  const batchDependenceEval = batchDependence(model.eval(), data.test.images);
  return {
    kind,
    name: names(o)[kind],
    trainLoss: history.trainLoss,
    testAccuracy,
    finalTest: accuracy(),
    batchDependenceTrain,
    batchDependenceEval,
  };
}

/** Trains the four nets on the same digits from the same initial Linear weights. */
export function normalizationCompare(options: NormCompareOptions = {}): NormRun[] {
  const o = { ...DEFAULTS, ...options };
  const data = digits({ train: o.trainSize });
  return (['none', 'batch', 'layer', 'group'] as const).map((kind) => train(kind, data, o));
}

if (isMain(import.meta.url)) {
  const o = DEFAULTS;
  console.log(
    `784-${o.hidden}-${o.hidden}-10 ReLU, a normalization after each hidden Linear; cross-entropy, SGD lr ${o.lr}, ` +
      `batch ${o.batchSize}, ${o.epochs} epochs on ${o.trainSize} digits; test on 1,000 others.\n`,
  );
  const runs = normalizationCompare();
  console.log('net            loss ep 1  loss last   test acc   batch dependence (train / eval)');
  for (const r of runs) {
    console.log(
      `${r.name.padEnd(14)} ${r.trainLoss[0]!.toFixed(4).padStart(9)} ` +
        `${r.trainLoss[r.trainLoss.length - 1]!.toFixed(4).padStart(10)}` +
        `   ${`${(100 * r.finalTest).toFixed(1)}%`.padStart(8)}   ` +
        `${r.batchDependenceTrain.toExponential(1)} / ${r.batchDependenceEval.toExponential(1)}`,
    );
  }
  const path = writeChartsSvg(
    join('runs', 'normalization-compare', 'curves.svg'),
    [
      {
        title: 'training loss by epoch',
        yLabel: 'cross-entropy',
        series: runs.map((r) => ({ name: r.name, values: r.trainLoss })),
      },
      {
        title: 'test accuracy (%) by epoch',
        yLabel: 'accuracy (%)',
        series: runs.map((r) => ({ name: r.name, values: r.testAccuracy.map((v) => 100 * v) })),
      },
    ],
    { width: 600 },
  );
  console.log(`\nwrote ${path}`);
}
