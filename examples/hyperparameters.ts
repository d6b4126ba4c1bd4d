/**
 * Hyperparameter search on the validation split, as in the notes: the learning rate and the
 * hidden-layer size are chosen by the validation accuracy — never the test accuracy, which is
 * looked at once, for the winner only.
 *   - grid search tries every combination of a few values;
 *   - random search draws combinations (the learning rate log-uniformly), which covers each
 *     parameter's range more densely for the same budget.
 *
 * Run: npx tsx examples/hyperparameters.ts
 */
import { type Trial, gridSearch, randomSearch } from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';
import { type Digits, digits } from './lib/digits.js';
import { type Params, digitAccuracy, trainDigitMlp } from './lib/digit-mlp.js';
import { isMain } from './lib/is-main.js';

/** A combination to try. */
export type { Params };

/** What to run. */
export interface SearchOptions {
  /** Training digits per trial (default 2,000) and epochs per trial (default 3). */
  trainSize?: number;
  epochs?: number;
  /** Grid values. */
  lrs?: readonly number[];
  hiddens?: readonly number[];
  /** Random-search trials (default 6), learning rates drawn in [lrRange], sizes in [hiddenRange]. */
  randomTrials?: number;
  lrRange?: readonly [number, number];
  hiddenRange?: readonly [number, number];
  seed?: number;
}

/** Both searches, best first, and the winner's test accuracy. */
export interface SearchResult {
  grid: Trial<Params>[];
  random: Trial<Params>[];
  best: Trial<Params>;
  /** The test accuracy of the overall best combination, retrained. */
  bestTestAccuracy: number;
}

const trainNetwork = (data: Digits, p: Params, epochs: number, seed: number) =>
  trainDigitMlp(data.train, p, epochs, seed);
const accuracy = digitAccuracy;

/** Runs the grid and the random search, each trial scored by validation accuracy. */
export function searchHyperparameters(options: SearchOptions = {}): SearchResult {
  const {
    trainSize = 2000,
    epochs = 3,
    lrs = [0.01, 0.1, 1],
    hiddens = [10, 30, 100],
    randomTrials = 6,
    lrRange = [0.003, 3],
    hiddenRange = [10, 100],
    seed = 0,
  } = options;
  const data = digits({ train: trainSize });
  const score = (p: Params): number => accuracy(trainNetwork(data, p, epochs, seed), data.val);
  const grid = gridSearch({ lr: lrs, hidden: hiddens }, score);
  const random = randomSearch(
    { lr: { logUniform: lrRange }, hidden: { int: hiddenRange } },
    randomTrials,
    score,
    new Rng(seed + 1),
  );
  const best = [...grid, ...random].reduce((a, b) => (b.score > a.score ? b : a));
  const bestTestAccuracy = accuracy(trainNetwork(data, best.params, epochs, seed), data.test);
  return { grid, random, best, bestTestAccuracy };
}

const fmt = (t: Trial<Params>): string =>
  `lr ${t.params.lr.toPrecision(3).padStart(6)}  hidden ${String(t.params.hidden).padStart(3)}  validation ` +
  `${(100 * t.score).toFixed(1)}%`;

if (isMain(import.meta.url)) {
  console.log(
    'Each trial: 784-h-10 sigmoid, cross-entropy, SGD batch 10, 3 epochs on 2,000 digits; ' +
      'scored on 1,000 validation digits.\n',
  );
  const r = searchHyperparameters();
  console.log('grid search (3 × 3), best first:');
  for (const t of r.grid) console.log(`  ${fmt(t)}`);
  console.log('\nrandom search (6 draws: lr log-uniform in [0.003, 3], hidden in [10, 100]), best first:');
  for (const t of r.random) console.log(`  ${fmt(t)}`);
  console.log(
    `\nbest: ${fmt(r.best)}; its test accuracy ${(100 * r.bestTestAccuracy).toFixed(1)}% ` +
      `(test data used once, for the winner)`,
  );
}
