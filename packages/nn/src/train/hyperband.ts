/**
 * Successive halving and Hyperband (Li et al. 2018): random search that spends little on the
 * configurations that look bad early. Each configuration is trained with a small budget (epochs,
 * training examples, ...); only the best 1/η go on, with η times the budget, until one is left or
 * the maximum budget is reached. Hyperband runs several such brackets, from "many configurations,
 * tiny budget" to "few configurations, full budget", because how early one can judge is unknown.
 */
import * as T from '@chainrule/tensor';
import { type Rng, defaultRng } from '@chainrule/tensor';
import {
  type Distribution,
  type Drawn,
  type SearchOptions,
  type Trial,
  type TrialResult,
  draw,
  scoreOf,
} from './search.js';

/** One evaluation: a configuration trained with `budget`. */
export interface BudgetTrial<P> extends Trial<P> {
  /** The budget it was trained with (passed to the training function). */
  budget: number;
  /** The round of successive halving (0: the first, smallest budget). */
  round: number;
  /** The Hyperband bracket (0 for `successiveHalving`). */
  bracket: number;
  /** Which configuration: the same number across its rounds. */
  config: number;
}

/** What `successiveHalving` and `hyperband` return. */
export interface BudgetSearchResult<P> {
  /** The best evaluation of all, at whatever budget it was made. */
  best: BudgetTrial<P>;
  /** Every evaluation, in the order they were run. */
  trials: BudgetTrial<P>[];
  /** The sum of the budgets of all evaluations (compare: n configurations × maxBudget). */
  budgetUsed: number;
}

/** Options of `successiveHalving` and `hyperband`. */
export interface BudgetSearchOptions extends SearchOptions {
  /** The smallest budget a configuration is trained with (default 1). */
  minBudget?: number;
  /** The largest budget (required): the budget of the last round. */
  maxBudget: number;
  /** Keep the best 1/η of each round and give it η times the budget (default 3). */
  eta?: number;
  /** Draws the configurations (default: the shared generator). */
  rng?: Rng;
}

type Params<S> = { [K in keyof S]: Drawn<S[K]> };
type Config<P> = { params: P; config: number };

function checkOptions(op: string, o: BudgetSearchOptions): Required<Omit<BudgetSearchOptions, 'rng'>> {
  const minBudget = o.minBudget ?? 1;
  const eta = o.eta ?? 3;
  if (!(minBudget > 0 && Number.isFinite(minBudget)))
    throw new T.RangeError(op, `minBudget must be a positive number, got ${minBudget}`);
  if (!(o.maxBudget >= minBudget && Number.isFinite(o.maxBudget)))
    throw new T.RangeError(op, `maxBudget must be a number ≥ minBudget (${minBudget}), got ${o.maxBudget}`);
  if (!(eta >= 2 && Number.isFinite(eta))) throw new T.RangeError(op, `eta must be a number ≥ 2, got ${eta}`);
  return { minBudget, maxBudget: o.maxBudget, eta, mode: o.mode ?? 'max' };
}

/** The number of halvings from minBudget that stay within maxBudget: ⌊log_η(max/min)⌋ (rounding-safe). */
function maxRounds(minBudget: number, maxBudget: number, eta: number): number {
  let s = 0;
  while (minBudget * eta ** (s + 1) <= maxBudget * (1 + 1e-12)) s++;
  return s;
}

function better(mode: 'max' | 'min', a: number, b: number): boolean {
  const key = (v: number) => (Number.isNaN(v) ? (mode === 'max' ? -Infinity : Infinity) : v);
  return mode === 'max' ? key(a) > key(b) : key(a) < key(b);
}

/** Runs one bracket: `configs` from `startBudget`, rounds `0..rounds`, keeping the best ⌊n/η⌋ each time. */
function bracket<P>(
  configs: Config<P>[],
  startBudget: number,
  rounds: number,
  o: Required<Omit<BudgetSearchOptions, 'rng'>>,
  id: number,
  trainFn: (params: P, budget: number) => TrialResult,
  out: BudgetTrial<P>[],
): void {
  let alive = configs;
  for (let round = 0; round <= rounds && alive.length > 0; round++) {
    const budget = Math.min(o.maxBudget, startBudget * o.eta ** round);
    const results = alive.map((c) => {
      const result = trainFn(c.params, budget);
      const trial: BudgetTrial<P> = { ...c, score: scoreOf(result), result, budget, round, bracket: id };
      out.push(trial);
      return trial;
    });
    // a stable sort: ties keep the order the configurations were drawn in
    const ranked = results
      .map((t, i) => ({ t, i }))
      .sort((a, b) => {
        if (better(o.mode, a.t.score, b.t.score)) return -1;
        if (better(o.mode, b.t.score, a.t.score)) return 1;
        return a.i - b.i;
      });
    const keep = Math.max(1, Math.floor(alive.length / o.eta));
    if (alive.length === 1) break;
    alive = ranked.slice(0, keep).map(({ t }) => ({ params: t.params, config: t.config }));
  }
}

function finish<P>(op: string, trials: BudgetTrial<P>[], mode: 'max' | 'min'): BudgetSearchResult<P> {
  if (trials.length === 0) throw new T.RangeError(op, 'no configuration was evaluated (n must be ≥ 1)');
  let best = trials[0]!;
  for (const t of trials) if (better(mode, t.score, best.score)) best = t;
  return { best, trials, budgetUsed: trials.reduce((s, t) => s + t.budget, 0) };
}

function drawConfigs<S extends Record<string, Distribution<unknown>>>(
  space: S,
  n: number,
  rng: Rng,
  first: number,
): Config<Params<S>>[] {
  return Array.from({ length: n }, (_, i) => ({
    params: Object.fromEntries(Object.entries(space).map(([k, d]) => [k, draw(k, d, rng)])) as Params<S>,
    config: first + i,
  }));
}

/**
 * Successive halving: draws `n` configurations from `space` (as `randomSearch` does), trains each
 * with `minBudget`, keeps the best ⌊n/η⌋, trains those with η·minBudget, and so on until one is
 * left or the next budget would pass `maxBudget`. `trainFn(params, budget)` trains from scratch
 * with that budget (say, epochs) and returns the validation score.
 * @example
 * ```ts
 * import { Rng } from '@chainrule/tensor';
 * // a stand-in for "train for `epochs` epochs and return the validation accuracy"
 * const score = ({ lr }: { lr: number }, epochs: number) => 1 - Math.abs(Math.log10(lr)) / (epochs + 1);
 * const r = successiveHalving({ lr: { logUniform: [1e-3, 1] } }, 9, score, { maxBudget: 9, rng: new Rng(1) });
 * r.best.params.lr; // about 0.47: of the 9 drawn, the survivor nearest 1
 * r.budgetUsed; // 9·1 + 3·3 + 1·9 = 27, against 9·9 = 81 for random search at the full budget
 * ```
 */
export function successiveHalving<S extends Record<string, Distribution<unknown>>>(
  space: S,
  n: number,
  trainFn: (params: Params<S>, budget: number) => TrialResult,
  options: BudgetSearchOptions,
): BudgetSearchResult<Params<S>> {
  const o = checkOptions('successiveHalving', options);
  if (!Number.isInteger(n) || n < 1)
    throw new T.RangeError('successiveHalving', `n must be a positive integer, got ${n}`);
  const configs = drawConfigs(space, n, options.rng ?? defaultRng, 0);
  const trials: BudgetTrial<Params<S>>[] = [];
  bracket(configs, o.minBudget, maxRounds(o.minBudget, o.maxBudget, o.eta), o, 0, trainFn, trials);
  return finish('successiveHalving', trials, o.mode);
}

/** Hyperband's brackets for these options: how many configurations each starts with, and at what budget. */
export function hyperbandBrackets(options: BudgetSearchOptions): { n: number; budget: number; rounds: number }[] {
  const o = checkOptions('hyperband', options);
  const sMax = maxRounds(o.minBudget, o.maxBudget, o.eta);
  const brackets: { n: number; budget: number; rounds: number }[] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil(((sMax + 1) / (s + 1)) * o.eta ** s);
    brackets.push({ n, budget: o.minBudget * o.eta ** (sMax - s), rounds: s });
  }
  return brackets;
}

/**
 * Hyperband: successive halving in s_max + 1 brackets, s_max = ⌊log_η(maxBudget/minBudget)⌋.
 * Bracket s starts ⌈(s_max+1)/(s+1)·η^s⌉ fresh configurations at budget minBudget·η^(s_max−s)
 * and halves them s times, so the first bracket judges many configurations early and the last
 * trains a few with the full budget (plain random search). Every bracket spends about the same.
 * @example
 * ```ts
 * import { Rng } from '@chainrule/tensor';
 * const score = ({ lr }: { lr: number }, epochs: number) => 1 - Math.abs(Math.log10(lr)) / (epochs + 1);
 * const r = hyperband({ lr: { logUniform: [1e-3, 1] } }, score, { minBudget: 1, maxBudget: 9, rng: new Rng(1) });
 * r.trials.length; // 9 + 3 + 1, 5 + 1, 3: 22 evaluations of 17 configurations
 * ```
 */
export function hyperband<S extends Record<string, Distribution<unknown>>>(
  space: S,
  trainFn: (params: Params<S>, budget: number) => TrialResult,
  options: BudgetSearchOptions,
): BudgetSearchResult<Params<S>> {
  const o = checkOptions('hyperband', options);
  const rng = options.rng ?? defaultRng;
  const trials: BudgetTrial<Params<S>>[] = [];
  let drawn = 0;
  hyperbandBrackets(options).forEach((b, id) => {
    const configs = drawConfigs(space, b.n, rng, drawn);
    drawn += b.n;
    bracket(configs, b.budget, b.rounds, o, id, trainFn, trials);
  });
  return finish('hyperband', trials, o.mode);
}
