import * as T from '@chainrule/tensor';
import { type Rng, defaultRng } from '@chainrule/tensor';

/** A value to draw in random search: pick from a list, or sample a range. */
export type Distribution<V> =
  | readonly V[]
  | { uniform: readonly [number, number] }
  | { logUniform: readonly [number, number] }
  | { int: readonly [number, number] };

/** What a trial's training function returns: the validation score, or an object holding it. */
export type TrialResult = number | { score: number; [extra: string]: unknown };

/** One tried combination. */
export interface Trial<P> {
  params: P;
  score: number;
  /** Whatever the training function returned. */
  result: TrialResult;
}

/** Options of the searches. */
export interface SearchOptions {
  /** 'max' (default): a higher score is better (accuracy); 'min' for a loss. */
  mode?: 'max' | 'min';
}

/** The score of a trial's result (shared with `hyperband.ts`). */
export function scoreOf(r: TrialResult): number {
  return typeof r === 'number' ? r : r.score;
}

function sortTrials<P>(trials: Trial<P>[], mode: 'max' | 'min'): Trial<P>[] {
  const key = (t: Trial<P>) => (Number.isNaN(t.score) ? (mode === 'max' ? -Infinity : Infinity) : t.score);
  return trials.sort((a, b) => (mode === 'max' ? key(b) - key(a) : key(a) - key(b)));
}

/**
 * Tries every combination of the values in `space` (in order) and returns all trials sorted
 * best first by the score `trainFn` returns.
 * @example
 * ```ts
 * const trials = gridSearch({ lr: [0.1, 0.01], hidden: [16, 32] }, ({ lr, hidden }) => trainAndValidate(lr, hidden));
 * trials[0].params; // the best combination
 * ```
 */
export function gridSearch<S extends Record<string, readonly unknown[]>>(
  space: S,
  trainFn: (params: { [K in keyof S]: S[K][number] }) => TrialResult,
  options: SearchOptions = {},
): Trial<{ [K in keyof S]: S[K][number] }>[] {
  type P = { [K in keyof S]: S[K][number] };
  const keys = Object.keys(space) as (keyof S & string)[];
  for (const k of keys) if (space[k]!.length === 0) throw new T.RangeError('gridSearch', `"${k}" has no values to try`);
  const trials: Trial<P>[] = [];
  const index = keys.map(() => 0);
  for (;;) {
    const params = Object.fromEntries(keys.map((k, i) => [k, space[k]![index[i]!]])) as P;
    const result = trainFn(params);
    trials.push({ params, score: scoreOf(result), result });
    let i = keys.length - 1;
    while (i >= 0 && ++index[i]! === space[keys[i]!]!.length) index[i--] = 0;
    if (i < 0) break;
  }
  return sortTrials(trials, options.mode ?? 'max');
}

/** The type of a value drawn from a `Distribution`: the list's element type, else number. */
export type Drawn<D> = D extends readonly (infer V)[] ? V : number;

/** One value of `d`, drawn with `rng` (shared with `hyperband.ts`). */
export function draw<V>(name: string, d: Distribution<V>, rng: Rng): V | number {
  if (Array.isArray(d)) {
    if (d.length === 0) throw new T.RangeError('randomSearch', `"${name}" has no values to draw`);
    return d[rng.int(0, d.length)]!;
  }
  const spec = d as Exclude<Distribution<V>, readonly V[]>;
  if ('uniform' in spec) return spec.uniform[0] + rng.uniform() * (spec.uniform[1] - spec.uniform[0]);
  if ('logUniform' in spec) {
    const [lo, hi] = spec.logUniform;
    if (!(lo > 0 && hi > 0))
      throw new T.RangeError('randomSearch', `"${name}": logUniform bounds must be positive, got [${lo}, ${hi}]`);
    return Math.exp(Math.log(lo) + rng.uniform() * (Math.log(hi) - Math.log(lo)));
  }
  return rng.int(spec.int[0], spec.int[1] + 1);
}

/**
 * Tries `n` combinations drawn from `space` with a seeded generator (a list: one of its values;
 * `{ uniform: [a, b] }`, `{ logUniform: [a, b] }`, `{ int: [a, b] }` inclusive) and returns all
 * trials sorted best first.
 * @example
 * ```ts
 * const trials = randomSearch({ lr: { logUniform: [1e-4, 1e-1] }, hidden: [16, 32, 64] }, 10, train, new Rng(1));
 * ```
 */
export function randomSearch<S extends Record<string, Distribution<unknown>>>(
  space: S,
  n: number,
  trainFn: (params: { [K in keyof S]: Drawn<S[K]> }) => TrialResult,
  rng: Rng = defaultRng,
  options: SearchOptions = {},
): Trial<{ [K in keyof S]: Drawn<S[K]> }>[] {
  type P = { [K in keyof S]: Drawn<S[K]> };
  if (!Number.isInteger(n) || n < 0)
    throw new T.RangeError('randomSearch', `n must be a non-negative integer, got ${n}`);
  const trials: Trial<P>[] = [];
  for (let t = 0; t < n; t++) {
    const params = Object.fromEntries(Object.entries(space).map(([k, d]) => [k, draw(k, d, rng)])) as P;
    const result = trainFn(params);
    trials.push({ params, score: scoreOf(result), result });
  }
  return sortTrials(trials, options.mode ?? 'max');
}
