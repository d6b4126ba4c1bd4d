/**
 * Model interpretation with @chainrule/interpret, on two models:
 *
 * 1. A digit classifier (784-64-10 ReLU, trained for a few epochs on 2,000 digits). For some test
 *    digits it draws the digit, its gradient saliency, its SmoothGrad map and its integrated
 *    gradients (black baseline) as one SVG, and checks completeness: each digit's integrated
 *    gradients sum to f(x) − f(baseline) of the explained logit.
 * 2. A regression on synthetic tabular data with known importances, y = 3x₀ + 1.5x₁ + 0.5x₂ + noise
 *    (x₃ and x₄ unused), fitted by a small MLP: permutation importance, mean |SHAP| and the partial
 *    dependence of x₀ should all rank x₀ > x₁ > x₂ > {x₃, x₄}, and the partial dependence of x₀
 *    should be a line of slope about 3.
 *
 * Run: npx tsx examples/interpretation.ts   (writes runs/interpretation/digits.svg)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Adam, Linear, ReLU, SGD, Sequential, Tanh, crossEntropy, evaluate, fit, mseLoss } from '@chainrule/nn';
import { type Tensor, noGrad, randn, tensor } from '@chainrule/autograd';
import { Rng } from '@chainrule/tensor';
import {
  integratedGradients,
  kernelShap,
  partialDependence,
  permutationImportance,
  saliency,
  smoothGrad,
} from '@chainrule/interpret';
import { digits } from './lib/digits.js';
import { type Panel, panelsSvg } from './lib/heatmap-svg.js';
import { isMain } from './lib/is-main.js';

/** What to run. */
export interface InterpretationOptions {
  /** Training digits and epochs of the classifier (default 2,000 and 4). */
  trainSize?: number;
  epochs?: number;
  /** Test digits explained (default 4). */
  explain?: number;
  /** Integrated-gradient steps (default 64) and SmoothGrad samples (default 32). */
  nSteps?: number;
  nSamples?: number;
  /** Rows of the tabular data (default 1,000) and Adam steps of its regression (default 300). */
  tabularRows?: number;
  tabularSteps?: number;
  /** Where the SVG goes (default runs/interpretation). */
  outDir?: string;
}

/** What the digit part found. */
export interface DigitReport {
  testAccuracy: number;
  /** The explained class of each digit (its prediction). */
  predicted: number[];
  /** |Σ IG − (f(x) − f(0))| per digit: the Riemann error of `nSteps` steps. */
  completenessGap: number[];
  /** f(x) − f(0) per digit, to compare the gap with. */
  logitGap: number[];
  svgPath: string;
}

/** What the tabular part found, one number per feature. */
export interface TabularReport {
  r2: number;
  permutation: number[];
  meanAbsShap: number[];
  /** The slope of the partial dependence of each feature (least squares over its grid). */
  pdSlope: number[];
}

const TRUE_WEIGHTS = [3, 1.5, 0.5, 0, 0];

function slope(xs: readonly number[], ys: readonly number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

/** Trains the digit classifier and draws its attributions. */
export function explainDigits(options: InterpretationOptions = {}): DigitReport {
  const { trainSize = 2000, epochs = 4, explain = 4, nSteps = 64, nSamples = 32 } = options;
  const outDir = options.outDir ?? join('runs', 'interpretation');
  const data = digits({ train: trainSize, test: 1000 });
  const rng = new Rng(0);
  const net = new Sequential(new Linear(784, 64, { rng }), new ReLU(), new Linear(64, 10, { rng }));
  fit(net, {
    train: { x: data.train.images, y: data.train.labels },
    batchSize: 20,
    seed: 0,
    loss: crossEntropy,
    optimizer: new SGD(net.parameters(), { lr: 0.1 }),
    epochs,
  });
  const test = { x: data.test.images, y: data.test.labels };
  const testAccuracy = evaluate(net, test, { metrics: ['accuracy'], batchSize: 1000 }).metrics.accuracy!;
  const x = data.test.images.slice(0, 0, explain);
  const logits = noGrad(() => net.forward(x)).toArray() as number[][];
  const predicted = logits.map((row) => row.indexOf(Math.max(...row)));
  const zeroLogits = noGrad(() => net.forward(x.mul(0))).toArray() as number[][];
  const sal = saliency(net, x, { target: predicted });
  const smooth = smoothGrad(net, x, { target: predicted, nSamples, stdevs: 0.15, rng: new Rng(1) });
  const ig = integratedGradients(net, x, { target: predicted, baselines: 0, nSteps });
  const flat = (t: Tensor, i: number): number[] => (t.toArray() as number[][])[i]!;
  const rows: Panel[][] = [];
  const completenessGap: number[] = [];
  const logitGap: number[] = [];
  for (let i = 0; i < explain; i++) {
    const attribution = flat(ig, i);
    const gap = logits[i]![predicted[i]!]! - zeroLogits[i]![predicted[i]!]!;
    logitGap.push(gap);
    completenessGap.push(Math.abs(attribution.reduce((a, b) => a + b, 0) - gap));
    rows.push([
      { title: `digit (predicted ${predicted[i]})`, values: flat(x, i), style: 'gray' },
      { title: 'saliency |∂f/∂x|', values: flat(sal, i), style: 'heat' },
      { title: `SmoothGrad (${nSamples})`, values: flat(smooth, i), style: 'heat' },
      { title: `integrated gradients (${nSteps})`, values: attribution, style: 'signed' },
    ]);
  }
  mkdirSync(outDir, { recursive: true });
  const svgPath = join(outDir, 'digits.svg');
  writeFileSync(svgPath, panelsSvg(rows));
  return { testAccuracy, predicted, completenessGap, logitGap, svgPath };
}

/** Fits the tabular regression and measures its importances. */
export function explainTabular(options: InterpretationOptions = {}): TabularReport {
  const { tabularRows = 1000, tabularSteps = 300 } = options;
  const d = TRUE_WEIGHTS.length;
  const x = randn([tabularRows, d], { dtype: 'float64', rng: new Rng(2) });
  const noise = randn([tabularRows], { dtype: 'float64', rng: new Rng(3) }).mul(0.3);
  const y = x.matmul(tensor(TRUE_WEIGHTS, { dtype: 'float64' })).add(noise);
  const rng = new Rng(4);
  const net = new Sequential(new Linear(d, 16, { rng }), new Tanh(), new Linear(16, 1, { rng }));
  net.to('float64');
  const model = (z: Tensor): Tensor => net.forward(z).reshape([z.shape[0]!]);
  const opt = new Adam(net.parameters(), { lr: 0.02 });
  for (let step = 0; step < tabularSteps; step++) {
    opt.zeroGrad();
    mseLoss(model(x), y).backward();
    opt.step();
  }
  const perm = permutationImportance(model, x, y, { nRepeats: 5, rng: new Rng(5) });
  const explained = x.slice(0, 0, 40);
  const background = x.slice(0, 40, 140);
  const shap = kernelShap(model, explained, { baselines: background }).toArray() as number[][];
  const meanAbsShap = Array.from(
    { length: d },
    (_, j) => shap.reduce((s, row) => s + Math.abs(row[j]!), 0) / shap.length,
  );
  const pdSlope = Array.from({ length: d }, (_, j) => {
    const pd = partialDependence(model, x, j, { gridResolution: 20 });
    return slope(pd.gridValues[0], pd.average);
  });
  return { r2: perm.baselineScore, permutation: perm.importancesMean, meanAbsShap, pdSlope };
}

if (isMain(import.meta.url)) {
  const digitsReport = explainDigits();
  console.log(`digit classifier: test accuracy ${(100 * digitsReport.testAccuracy).toFixed(1)}%`);
  digitsReport.predicted.forEach((p, i) => {
    console.log(
      `  digit ${i}: predicted ${p}, f(x) − f(0) = ${digitsReport.logitGap[i]!.toFixed(4)}, ` +
        `|Σ IG − (f(x) − f(0))| = ${digitsReport.completenessGap[i]!.toExponential(2)} (64 steps)`,
    );
  });
  console.log(`pictures: ${digitsReport.svgPath}`);
  const t = explainTabular();
  console.log(`\ntabular regression, y = 3x0 + 1.5x1 + 0.5x2 + noise (x3, x4 unused); R² ${t.r2.toFixed(3)}`);
  console.log('feature  true w  permutation  mean|SHAP|  PD slope');
  TRUE_WEIGHTS.forEach((w, j) => {
    const cells = [t.permutation[j]!, t.meanAbsShap[j]!, t.pdSlope[j]!].map((v) => v.toFixed(3).padStart(10));
    console.log(`x${j}       ${String(w).padStart(6)}  ${cells.join('  ')}`);
  });
}
