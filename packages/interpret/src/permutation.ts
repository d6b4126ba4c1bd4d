import { RangeError, Rng, ShapeError } from '@chainrule/tensor';
import { Tensor, noGrad } from '@chainrule/autograd';
import { type Model, asFunction, checkInputs, fromValues, values } from './model.js';

/** A score of predictions against the truth, higher is better. */
export type Scorer = (predictions: Tensor, truth: Tensor) => number;

/** The named scorers: R², −MSE, and accuracy (argmax of a [N, K] output, or a [N] output > 0.5). */
export type ScoringName = 'r2' | 'negMeanSquaredError' | 'accuracy';

/** Options of `permutationImportance` (scikit-learn's names, camel-cased). */
export interface PermutationImportanceOptions {
  /** How predictions are scored (default 'r2'). */
  scoring?: ScoringName | Scorer;
  /** Shuffles per feature (default 5). */
  nRepeats?: number;
  /** The generator of the shuffles (default `new Rng(0)`). */
  rng?: Rng;
}

/** What `permutationImportance` returns; feature j is column j of the inputs. */
export interface PermutationImportance {
  /** The score of the unshuffled data. */
  baselineScore: number;
  /** The mean drop of the score over the repeats, per feature. */
  importancesMean: number[];
  /** The standard deviation (population, as NumPy's std) of the drops, per feature. */
  importancesStd: number[];
  /** Every drop, [feature][repeat]. */
  importances: number[][];
}

function flatten(t: Tensor): number[] {
  return Array.from(values(t));
}

const SCORERS: Record<ScoringName, Scorer> = {
  r2: (p, y) => {
    const a = flatten(p);
    const b = flatten(y);
    const mean = b.reduce((s, v) => s + v, 0) / b.length;
    let res = 0;
    let tot = 0;
    for (let i = 0; i < b.length; i++) {
      res += (b[i]! - a[i]!) ** 2;
      tot += (b[i]! - mean) ** 2;
    }
    return 1 - res / tot;
  },
  negMeanSquaredError: (p, y) => {
    const a = flatten(p);
    const b = flatten(y);
    let s = 0;
    for (let i = 0; i < b.length; i++) s += (b[i]! - a[i]!) ** 2;
    return -s / b.length;
  },
  accuracy: (p, y) => {
    const labels = flatten(y);
    const n = labels.length;
    const out = flatten(p);
    const k = out.length / n;
    let right = 0;
    for (let i = 0; i < n; i++) {
      let guess = 0;
      if (k === 1) guess = out[i]! > 0.5 ? 1 : 0;
      else for (let c = 1; c < k; c++) if (out[i * k + c]! > out[i * k + guess]!) guess = c;
      if (guess === labels[i]) right++;
    }
    return right / n;
  },
};

/**
 * Permutation feature importance (Breiman 2001; scikit-learn's `permutation_importance`): the drop
 * of the model's score when one column of `inputs` [N, D] is shuffled, breaking its link to the
 * target, averaged over `nRepeats` seeded shuffles. The model predicts from a [N, D] batch; its
 * output is scored against `targets` by `scoring`.
 * @example
 * ```ts
 * import { permutationImportance } from '@chainrule/interpret';
 * import { type Tensor, randn, Rng } from '@chainrule/autograd';
 * const x = randn([200, 3], { dtype: 'float64', rng: new Rng(0) });
 * const f = (b: Tensor) => b.select(1, 0).mul(3).add(b.select(1, 1)); // feature 2 is unused
 * const { importancesMean } = permutationImportance(f, x, f(x), { nRepeats: 3 });
 * // importancesMean[0] > importancesMean[1] > importancesMean[2] = 0
 * ```
 */
export function permutationImportance(
  model: Model,
  inputs: Tensor,
  targets: Tensor,
  options: PermutationImportanceOptions = {},
): PermutationImportance {
  const op = 'permutationImportance';
  checkInputs(op, inputs);
  if (inputs.ndim !== 2) throw new ShapeError(op, `expected inputs [N, D], got [${inputs.shape.join(', ')}]`);
  const [n, d] = inputs.shape as [number, number];
  if (!(targets instanceof Tensor) || targets.shape[0] !== n)
    throw new ShapeError(op, `expected targets with ${n} rows, got [${targets?.shape?.join(', ')}]`);
  const { nRepeats = 5, scoring = 'r2' } = options;
  if (!Number.isInteger(nRepeats) || nRepeats < 1)
    throw new RangeError(op, `nRepeats must be a positive integer, got ${nRepeats}`);
  if (typeof scoring === 'string' && !(scoring in SCORERS))
    throw new RangeError(op, `scoring must be one of ${Object.keys(SCORERS).join(', ')} or a function, got ${scoring}`);
  const score: Scorer = typeof scoring === 'string' ? SCORERS[scoring] : scoring;
  const rng = options.rng ?? new Rng(0);
  const f = asFunction(model);
  const dtype = inputs.dtype as 'float32' | 'float64';
  const data = Float64Array.from(values(inputs));
  const run = (x: Float64Array): number => noGrad(() => score(f(fromValues(x, [n, d], dtype)), targets));
  const baselineScore = run(data);
  const importances: number[][] = [];
  const shuffled = Float64Array.from(data);
  for (let j = 0; j < d; j++) {
    const drops: number[] = [];
    for (let r = 0; r < nRepeats; r++) {
      // Fisher–Yates over the rows' values of column j
      const column = Array.from({ length: n }, (_, i) => data[i * d + j]!);
      for (let i = n - 1; i > 0; i--) {
        const k = rng.int(0, i + 1);
        [column[i], column[k]] = [column[k]!, column[i]!];
      }
      for (let i = 0; i < n; i++) shuffled[i * d + j] = column[i]!;
      drops.push(baselineScore - run(shuffled));
    }
    for (let i = 0; i < n; i++) shuffled[i * d + j] = data[i * d + j]!;
    importances.push(drops);
  }
  const importancesMean = importances.map((r) => r.reduce((s, v) => s + v, 0) / r.length);
  const importancesStd = importances.map((r, j) =>
    Math.sqrt(r.reduce((s, v) => s + (v - importancesMean[j]!) ** 2, 0) / r.length),
  );
  return { baselineScore, importancesMean, importancesStd, importances };
}
