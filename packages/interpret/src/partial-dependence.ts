import { RangeError, ShapeError } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { type Model, type Target, asFunction, checkInputs, evalScores, fromValues, values } from './model.js';

/** Options of `partialDependence` (scikit-learn's names, camel-cased). */
export interface PartialDependenceOptions {
  /** Grid points per feature when the feature has more distinct values (default 100). */
  gridResolution?: number;
  /** The grid spans these percentiles of the feature (default [0.05, 0.95]). */
  percentiles?: readonly [number, number];
  /** Your own grid, one list per feature (replaces gridResolution and percentiles). */
  grid?: readonly (readonly number[])[];
  /** The output to explain when the model returns [N, K]. */
  target?: Target;
}

/** Partial dependence on one feature: the average curve and one ICE curve per row. */
export interface PartialDependence1D {
  gridValues: [number[]];
  /** average[g]: the mean over the rows of f(x with the feature set to gridValues[0][g]). */
  average: number[];
  /** individual[i][g]: row i's ICE curve (Goldstein et al. 2015). */
  individual: number[][];
}

/** Partial dependence on two features: a surface, and one per row. */
export interface PartialDependence2D {
  gridValues: [number[], number[]];
  /** average[a][b]: the mean over the rows of f with the features set to (gridValues[0][a], gridValues[1][b]). */
  average: number[][];
  individual: number[][][];
}

/** NumPy's percentile with linear interpolation, q in [0, 1], of sorted values. */
function percentile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** scikit-learn's grid: the sorted distinct values if fewer than `resolution`, else an even grid. */
export function featureGrid(
  column: readonly number[],
  resolution: number,
  percentiles: readonly [number, number],
): number[] {
  const distinct = [...new Set(column)].sort((a, b) => a - b);
  if (distinct.length < resolution) return distinct;
  const sorted = [...column].sort((a, b) => a - b);
  const lo = percentile(sorted, percentiles[0]);
  const hi = percentile(sorted, percentiles[1]);
  if (lo === hi) throw new RangeError('partialDependence', 'the percentiles give the same value: widen them');
  return Array.from({ length: resolution }, (_, g) => lo + ((hi - lo) * g) / (resolution - 1));
}

/**
 * Partial dependence (Friedman 2001) and ICE curves (Goldstein et al. 2015), as scikit-learn's
 * `partial_dependence` with kind 'both': for each grid value v of a feature (or pair of features)
 * the model is evaluated on every row of `inputs` [N, D] with that feature set to v; the average
 * over the rows is the partial dependence, each row's curve its ICE curve.
 * @example
 * ```ts
 * import { partialDependence } from '@chainrule/interpret';
 * import { type Tensor, randn, Rng } from '@chainrule/autograd';
 * const x = randn([100, 2], { dtype: 'float64', rng: new Rng(0) });
 * const f = (b: Tensor) => b.select(1, 0).square().add(b.select(1, 1));
 * const pd = partialDependence(f, x, 0, { grid: [[-1, 0, 1]] });
 * // pd.average[g] = v² + mean(x₁) for v = -1, 0, 1
 * ```
 */
export function partialDependence(
  model: Model,
  inputs: Tensor,
  features: number,
  options?: PartialDependenceOptions,
): PartialDependence1D;
export function partialDependence(
  model: Model,
  inputs: Tensor,
  features: readonly [number, number],
  options?: PartialDependenceOptions,
): PartialDependence2D;
export function partialDependence(
  model: Model,
  inputs: Tensor,
  features: number | readonly [number, number],
  options: PartialDependenceOptions = {},
): PartialDependence1D | PartialDependence2D {
  const op = 'partialDependence';
  checkInputs(op, inputs);
  if (inputs.ndim !== 2) throw new ShapeError(op, `expected inputs [N, D], got [${inputs.shape.join(', ')}]`);
  const [n, d] = inputs.shape as [number, number];
  const list = typeof features === 'number' ? [features] : [...features];
  if (list.length < 1 || list.length > 2 || list.some((j) => !Number.isInteger(j) || j < 0 || j >= d))
    throw new RangeError(op, `features must be one or two column indices in [0, ${d}), got ${features}`);
  const { gridResolution = 100, percentiles = [0.05, 0.95], target } = options;
  if (!Number.isInteger(gridResolution) || gridResolution < 2)
    throw new RangeError(op, `gridResolution must be an integer >= 2, got ${gridResolution}`);
  if (!(percentiles[0] >= 0 && percentiles[0] < percentiles[1] && percentiles[1] <= 1))
    throw new RangeError(op, `percentiles must be [lo, hi] with 0 <= lo < hi <= 1, got [${percentiles.join(', ')}]`);
  if (options.grid !== undefined && options.grid.length !== list.length)
    throw new RangeError(op, `grid needs one list per feature (${list.length}), got ${options.grid.length}`);
  const data = Float64Array.from(values(inputs));
  const grids = list.map((j, k) =>
    options.grid !== undefined
      ? [...options.grid[k]!]
      : featureGrid(
          Array.from({ length: n }, (_, i) => data[i * d + j]!),
          gridResolution,
          percentiles,
        ),
  );
  const f = asFunction(model);
  const dtype = inputs.dtype as 'float32' | 'float64';
  const curve = (settings: readonly number[]): number[] => {
    const x = Float64Array.from(data);
    for (let i = 0; i < n; i++) for (let k = 0; k < list.length; k++) x[i * d + list[k]!] = settings[k]!;
    return Array.from(evalScores(op, f, fromValues(x, [n, d], dtype), target));
  };
  const mean = (v: readonly number[]): number => v.reduce((s, a) => s + a, 0) / v.length;
  if (list.length === 1) {
    const columns = grids[0]!.map((v) => curve([v]));
    return {
      gridValues: [grids[0]!],
      average: columns.map(mean),
      individual: Array.from({ length: n }, (_, i) => columns.map((c) => c[i]!)),
    };
  }
  const cells = grids[0]!.map((a) => grids[1]!.map((b) => curve([a, b])));
  return {
    gridValues: [grids[0]!, grids[1]!],
    average: cells.map((row) => row.map(mean)),
    individual: Array.from({ length: n }, (_, i) => cells.map((row) => row.map((c) => c[i]!))),
  };
}
