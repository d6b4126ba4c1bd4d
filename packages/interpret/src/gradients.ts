import { RangeError, type Rng, ShapeError, defaultRng } from '@chainrule/tensor';
import { type Tensor, grad, randn, zerosLike } from '@chainrule/autograd';
import { type Model, type Target, asFunction, checkInputs, targetScores } from './model.js';

/** Options of `saliency`. */
export interface SaliencyOptions {
  /** The output to explain when the model returns [N, K] (one class, or one per row). */
  target?: Target;
  /** Return |∂f/∂x| (default true, as Captum's `Saliency`); false keeps the sign. */
  abs?: boolean;
}

/** Options of `smoothGrad`. */
export interface SmoothGradOptions extends SaliencyOptions {
  /** Noisy copies averaged per input (default 50). */
  nSamples?: number;
  /**
   * Standard deviation of the Gaussian noise, on the inputs' scale (default 0.15: 15% of the range
   * of inputs in [0, 1]; Smilkov et al. found 10–20% of the range works best).
   */
  stdevs?: number;
  /** The generator of the noise (default: the global `defaultRng`). */
  rng?: Rng;
}

/** The integration rules of `integratedGradients`. */
export type IntegrationMethod = 'riemannLeft' | 'riemannRight' | 'riemannMiddle' | 'riemannTrapezoid' | 'gaussLegendre';

/** Options of `integratedGradients`. */
export interface IntegratedGradientsOptions {
  /** The reference input x′: a number, one row (the input shape without the batch axis) or a batch (default 0). */
  baselines?: number | Tensor;
  target?: Target;
  /** Points on the path from the baseline to the input (default 50). */
  nSteps?: number;
  /** The quadrature rule (default 'riemannTrapezoid'; 'gaussLegendre' is Captum's default). */
  method?: IntegrationMethod;
}

/** ∂(Σ explained scores)/∂inputs at `x`. */
function inputGradient(op: string, f: (x: Tensor) => Tensor, x: Tensor, target?: Target): Tensor {
  const n = x.shape[0]!;
  return grad((z: Tensor) => targetScores(op, f(z), n, target).sum())(x.detach());
}

/**
 * Gradient saliency (Simonyan et al. 2014): the gradient of the explained score with respect to
 * each input element, |∂f/∂x| by default. Inputs are a batch [N, ...]; returns the same shape.
 * @example
 * ```ts
 * import { saliency } from '@chainrule/interpret';
 * import { type Tensor, tensor } from '@chainrule/autograd';
 * const f = (x: Tensor) => x.square().sum(1); // f(x) = Σ x², ∂f/∂x = 2x
 * console.log(saliency(f, tensor([[1, -2]], { dtype: 'float64' })).toArray()); // [[2, 4]]
 * ```
 */
export function saliency(model: Model, inputs: Tensor, options: SaliencyOptions = {}): Tensor {
  checkInputs('saliency', inputs);
  const g = inputGradient('saliency', asFunction(model), inputs, options.target);
  return options.abs === false ? g : g.abs().detach();
}

/**
 * SmoothGrad (Smilkov et al. 2017): the mean of the saliency maps of `nSamples` copies of the
 * inputs with Gaussian noise of standard deviation `stdevs` added, which removes much of a raw
 * gradient's speckle. Seeded by `rng`; returns the inputs' shape.
 * @example
 * ```ts
 * import { smoothGrad } from '@chainrule/interpret';
 * import { type Tensor, tensor, Rng } from '@chainrule/autograd';
 * const f = (x: Tensor) => x.square().sum(1);
 * smoothGrad(f, tensor([[1, -2]], { dtype: 'float64' }), { nSamples: 20, stdevs: 0.1, rng: new Rng(0) });
 * ```
 */
export function smoothGrad(model: Model, inputs: Tensor, options: SmoothGradOptions = {}): Tensor {
  const op = 'smoothGrad';
  checkInputs(op, inputs);
  const { nSamples = 50, stdevs = 0.15, abs = true, target } = options;
  if (!Number.isInteger(nSamples) || nSamples < 1)
    throw new RangeError(op, `nSamples must be a positive integer, got ${nSamples}`);
  if (!(stdevs >= 0 && Number.isFinite(stdevs))) throw new RangeError(op, `stdevs must be >= 0, got ${stdevs}`);
  const rng = options.rng ?? defaultRng;
  const f = asFunction(model);
  const x = inputs.detach();
  let total = zerosLike(x);
  for (let s = 0; s < nSamples; s++) {
    const noisy = x.add(randn([...x.shape], { dtype: x.dtype, rng }).mul(stdevs));
    const g = inputGradient(op, f, noisy, target);
    total = total.add(abs ? g.abs() : g);
  }
  return total.div(nSamples).detach();
}

/** The path points α and their weights of an m-point rule on [0, 1]. */
export function integrationPoints(method: IntegrationMethod, m: number): { alphas: number[]; weights: number[] } {
  if (method === 'gaussLegendre') return gaussLegendre(m);
  const alphas: number[] = [];
  const weights: number[] = [];
  for (let k = 0; k < m; k++) {
    if (method === 'riemannTrapezoid') {
      alphas.push(m === 1 ? 0.5 : k / (m - 1));
      weights.push(m === 1 ? 1 : (k === 0 || k === m - 1 ? 0.5 : 1) / (m - 1));
    } else {
      alphas.push(method === 'riemannLeft' ? k / m : method === 'riemannRight' ? (k + 1) / m : (k + 0.5) / m);
      weights.push(1 / m);
    }
  }
  return { alphas, weights };
}

/**
 * The m-point Gauss–Legendre rule on [0, 1]: the roots of the Legendre polynomial Pₘ by Newton's
 * method from Chebyshev guesses, weights 2/((1 − t²)Pₘ′(t)²), both mapped from [−1, 1].
 */
function gaussLegendre(m: number): { alphas: number[]; weights: number[] } {
  const alphas: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < m; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let dp = 1;
    for (let iter = 0; iter < 100; iter++) {
      // P_m(t) and P_m'(t) by the three-term recurrence
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= m; k++) [p0, p1] = [p1, ((2 * k - 1) * t * p1 - (k - 1) * p0) / k];
      const p = m === 1 ? t : p1;
      const prev = m === 1 ? 1 : p0;
      dp = (m * (t * p - prev)) / (t * t - 1);
      const step = p / dp;
      t -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    alphas.push((1 - t) / 2);
    weights.push(1 / ((1 - t * t) * dp * dp));
  }
  return { alphas, weights };
}

const METHODS: readonly IntegrationMethod[] = [
  'riemannLeft',
  'riemannRight',
  'riemannMiddle',
  'riemannTrapezoid',
  'gaussLegendre',
];

/**
 * Integrated gradients (Sundararajan, Taly & Yan 2017): (x − x′) · ∫₀¹ ∂f(x′ + α(x − x′))/∂x dα,
 * the integral by an `nSteps`-point Riemann rule. The attributions of a row sum to
 * f(x) − f(x′) up to the rule's error (completeness). Returns the inputs' shape.
 * @example
 * ```ts
 * import { integratedGradients } from '@chainrule/interpret';
 * import { type Tensor, tensor } from '@chainrule/autograd';
 * const f = (x: Tensor) => x.square().sum(1);
 * const a = integratedGradients(f, tensor([[1, -2]], { dtype: 'float64' }), { nSteps: 50 });
 * console.log(a.toArray()); // [[1, 4]]: x² each, and 1 + 4 = f(x) − f(0)
 * ```
 */
export function integratedGradients(model: Model, inputs: Tensor, options: IntegratedGradientsOptions = {}): Tensor {
  const op = 'integratedGradients';
  checkInputs(op, inputs);
  const { nSteps = 50, method = 'riemannTrapezoid', target } = options;
  if (!Number.isInteger(nSteps) || nSteps < 1)
    throw new RangeError(op, `nSteps must be a positive integer, got ${nSteps}`);
  if (!METHODS.includes(method)) throw new RangeError(op, `method must be one of ${METHODS.join(', ')}, got ${method}`);
  const x = inputs.detach();
  const baselines = options.baselines ?? 0;
  let base: Tensor;
  if (typeof baselines === 'number') base = zerosLike(x).add(baselines);
  else {
    const ok =
      baselines.shape.length <= x.shape.length &&
      baselines.shape.every((d, i) => d === 1 || d === x.shape[x.shape.length - baselines.shape.length + i]);
    if (!ok)
      throw new ShapeError(
        op,
        `baselines [${baselines.shape.join(', ')}] do not broadcast to the inputs [${x.shape.join(', ')}]`,
      );
    base = zerosLike(x).add(baselines.detach().cast(x.dtype));
  }
  const diff = x.sub(base);
  const f = asFunction(model);
  const { alphas, weights } = integrationPoints(method, nSteps);
  let total = zerosLike(x);
  for (let k = 0; k < nSteps; k++) {
    const g = inputGradient(op, f, base.add(diff.mul(alphas[k]!)), target);
    total = total.add(g.mul(weights[k]!));
  }
  return total.mul(diff).detach();
}
