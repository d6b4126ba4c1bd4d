import { RangeError, Rng, ShapeError } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { backgroundRows, coalitionValues, rowTarget } from './coalitions.js';
import { weightedRidge } from './least-squares.js';
import { type Model, type Target, asFunction, checkInputs, fromValues, values } from './model.js';

/** Options of `kernelShap`. */
export interface KernelShapOptions {
  /**
   * The background data standing in for an absent feature: a number, a row [D] or rows [M, D]
   * (default 0). E[f] is the mean of the model over these rows.
   */
  baselines?: number | Tensor;
  /**
   * Coalitions per explained row (default 2·D + 2048). When every one of the 2^D − 2 proper
   * coalitions fits, all are used and the values are the exact Shapley values.
   */
  nSamples?: number;
  target?: Target;
  /** The generator of the sampled coalitions (default `new Rng(0)`). */
  rng?: Rng;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Every proper coalition with its Shapley kernel weight (D − 1) / (C(D, |S|)·|S|·(D − |S|)). */
function allCoalitions(d: number): { masks: number[][]; weights: number[] } {
  const masks: number[][] = [];
  const weights: number[] = [];
  for (let bits = 1; bits < 2 ** d - 1; bits++) {
    const mask = Array.from({ length: d }, (_, j) => Math.floor(bits / 2 ** j) % 2);
    const size = mask.reduce((s, v) => s + v, 0);
    masks.push(mask);
    weights.push((d - 1) / (binomial(d, size) * size * (d - size)));
  }
  return { masks, weights };
}

/**
 * Coalitions drawn from the Shapley kernel: a size k with probability ∝ (D − 1)/(k(D − k)), then a
 * uniform subset of that size, each with its complement (paired sampling); all weights equal.
 */
function sampledCoalitions(d: number, count: number, rng: Rng): { masks: number[][]; weights: number[] } {
  const sizeWeights = Array.from({ length: d - 1 }, (_, i) => (d - 1) / ((i + 1) * (d - i - 1)));
  const total = sizeWeights.reduce((s, v) => s + v, 0);
  const masks: number[][] = [];
  while (masks.length < count) {
    let u = rng.uniform() * total;
    let k = 1;
    while (k < d - 1 && u >= sizeWeights[k - 1]!) u -= sizeWeights[k++ - 1]!;
    const order = Array.from({ length: d }, (_, j) => j);
    for (let i = 0; i < k; i++) {
      const r = rng.int(i, d);
      [order[i], order[r]] = [order[r]!, order[i]!];
    }
    const mask = new Array<number>(d).fill(0);
    for (let i = 0; i < k; i++) mask[order[i]!] = 1;
    masks.push(
      mask,
      mask.map((v) => 1 - v),
    );
  }
  return { masks, weights: masks.map(() => 1) };
}

/**
 * KernelSHAP (Lundberg & Lee 2017): each row's Shapley values φ, from the weighted linear
 * regression of the coalition values v(S) = E_background[f(x_S, b_−S)] on the coalitions, with
 * the Shapley kernel's weights and the efficiency constraint Σφ = f(x) − E[f] imposed exactly.
 * Inputs are [N, D] (one feature per column); returns φ as float64 [N, D].
 * @example
 * ```ts
 * import { kernelShap } from '@chainrule/interpret';
 * import { type Tensor, tensor } from '@chainrule/autograd';
 * const f = (x: Tensor) => x.select(1, 0).mul(x.select(1, 1)); // f = x₀·x₁
 * const phi = kernelShap(f, tensor([[2, 3]], { dtype: 'float64' }), { baselines: 0 });
 * console.log(phi.toArray()); // [[3, 3]]: the interaction shared equally, 3 + 3 = f(x) − f(0)
 * ```
 */
export function kernelShap(model: Model, inputs: Tensor, options: KernelShapOptions = {}): Tensor {
  const op = 'kernelShap';
  checkInputs(op, inputs);
  if (inputs.ndim !== 2) throw new ShapeError(op, `expected inputs [N, D], got [${inputs.shape.join(', ')}]`);
  const [n, d] = inputs.shape as [number, number];
  const { nSamples = 2 * d + 2048, target } = options;
  if (!Number.isInteger(nSamples) || nSamples < 2)
    throw new RangeError(op, `nSamples must be an integer >= 2, got ${nSamples}`);
  const rng = options.rng ?? new Rng(0);
  const f = asFunction(model);
  const dtype = inputs.dtype as 'float32' | 'float64';
  const background = backgroundRows(op, options.baselines, d);
  const data = values(inputs);
  const phi = new Float64Array(n * d);
  const exact = d <= 30 && 2 ** d - 2 <= nSamples;
  for (let i = 0; i < n; i++) {
    const x = Float64Array.from({ length: d }, (_, j) => data[i * d + j]!);
    const t = rowTarget(target, i);
    const [fNull, fx] = coalitionValues(op, f, x, background, [new Array(d).fill(0), new Array(d).fill(1)], dtype, t);
    const delta = fx! - fNull!;
    if (d === 1) {
      phi[i] = delta;
      continue;
    }
    const { masks, weights } = exact ? allCoalitions(d) : sampledCoalitions(d, nSamples, rng);
    const v = coalitionValues(op, f, x, background, masks, dtype, t);
    // eliminate φ_last = Δ − Σ_{j<last} φ_j: regress v − E[f] − z_last·Δ on (z_j − z_last)
    const rows = masks.map((z) => z.slice(0, d - 1).map((zj) => zj - z[d - 1]!));
    const y = masks.map((z, s) => v[s]! - fNull! - z[d - 1]! * delta);
    const { coef } = weightedRidge(op, rows, y, weights, 0, false);
    for (let j = 0; j < d - 1; j++) phi[i * d + j] = coef[j]!;
    phi[i * d + d - 1] = delta - coef.reduce((s, c) => s + c, 0);
  }
  return fromValues(phi, [n, d], 'float64');
}
