/**
 * Gaussian-process regression with learned hyperparameters: the linear algebra ops at work.
 *
 * Noisy samples of sin(x) on [−3, 3]; an RBF kernel k(x, x') = s²·exp(−(x − x')²/(2ℓ²)) plus noise
 * σ²·I. The hyperparameters (log ℓ, log s, log σ) minimize the negative log marginal likelihood
 *   NLL = ½ yᵀK⁻¹y + ½ log det K + (n/2) log 2π,
 * computed through the Cholesky factor K = L·Lᵀ (α = L⁻¹y, so yᵀK⁻¹y = ‖α‖² and ½ log det K =
 * Σ log Lᵢᵢ, the diagonal taken with einsum('ii->i')), by gradient descent on its exact gradient.
 * The same NLL written with `solve` and `slogdet` instead gives the same value and gradient: two
 * routes through different rules, one check of both.
 *
 * Run: npx tsx examples/gaussian-process.ts
 */
import {
  type Tensor,
  cholesky,
  einsum,
  noGrad,
  randn,
  slogdet,
  solve,
  solveTriangular,
  tensor,
  valueAndGrad,
} from '@chainrule/autograd';
import { Rng } from '@chainrule/tensor';
import { isMain } from './lib/is-main.js';

const F64 = { dtype: 'float64' } as const;

/** The GP's training data: n points x in [−3, 3] and y = sin(x) + noise. */
export function sampleData(n = 20, noise = 0.1, seed = 0): { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const x = tensor(
    Array.from({ length: n }, (_, i) => -3 + (6 * i) / (n - 1)),
    F64,
  );
  return { x, y: x.sin().add(randn([n], { ...F64, rng }).mul(noise)) };
}

/** The RBF kernel matrix k(a, b) for 1-D points, with log-lengthscale and log-scale tensors. */
export function rbf(a: Tensor, b: Tensor, logLength: Tensor, logScale: Tensor): Tensor {
  const d = a.unsqueeze(1).sub(b.unsqueeze(0)); // [na, nb]
  return logScale
    .mul(2)
    .exp()
    .mul(d.square().div(logLength.mul(2).exp().mul(-2)).exp());
}

/** K = k(x, x) + σ²·I. */
function covariance(x: Tensor, logLength: Tensor, logScale: Tensor, logNoise: Tensor): Tensor {
  const n = x.shape[0]!;
  const eye = tensor(
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))),
    F64,
  );
  return rbf(x, x, logLength, logScale).add(eye.mul(logNoise.mul(2).exp()));
}

/** The negative log marginal likelihood through the Cholesky factor. */
export function nllCholesky(x: Tensor, y: Tensor, params: Tensor): Tensor {
  const [logLength, logScale, logNoise] = [0, 1, 2].map((i) => params.select(0, i));
  const l = cholesky(covariance(x, logLength!, logScale!, logNoise!));
  const alpha = solveTriangular(l, y.unsqueeze(1), { upper: false }); // L⁻¹y
  const halfLogDet = einsum('ii->i', l).log().sum();
  return alpha
    .square()
    .sum()
    .mul(0.5)
    .add(halfLogDet)
    .add((y.shape[0]! / 2) * Math.log(2 * Math.PI));
}

/** The same NLL through solve and slogdet. */
export function nllSolve(x: Tensor, y: Tensor, params: Tensor): Tensor {
  const [logLength, logScale, logNoise] = [0, 1, 2].map((i) => params.select(0, i));
  const k = covariance(x, logLength!, logScale!, logNoise!);
  const quad = y.mul(solve(k, y)).sum();
  return quad
    .mul(0.5)
    .add(slogdet(k).logabsdet.mul(0.5))
    .add((y.shape[0]! / 2) * Math.log(2 * Math.PI));
}

export interface FitResult {
  readonly params: Tensor;
  readonly losses: number[];
}

/** Gradient descent on the NLL from log ℓ = log s = 0, log σ = −1. */
export function fit(x: Tensor, y: Tensor, steps = 150, lr = 0.02): FitResult {
  let params = tensor([0, 0, -1], F64);
  const step = valueAndGrad((p: Tensor) => nllCholesky(x, y, p));
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [loss, g] = step(params);
    losses.push(loss.item());
    params = noGrad(() => params.sub(g.mul(lr)));
  }
  return { params, losses };
}

/** The posterior mean at `at`: k(at, x)·K⁻¹y. */
export function predict(x: Tensor, y: Tensor, params: Tensor, at: Tensor): Tensor {
  const [logLength, logScale, logNoise] = [0, 1, 2].map((i) => params.select(0, i));
  const k = covariance(x, logLength!, logScale!, logNoise!);
  return rbf(at, x, logLength!, logScale!).matmul(solve(k, y));
}

if (isMain(import.meta.url)) {
  const { x, y } = sampleData();
  const { params, losses } = fit(x, y);
  const [l, s, sigma] = (params.exp().toArray() as number[]).map((v) => v.toFixed(3));
  console.log(`NLL ${losses[0]!.toFixed(3)} -> ${losses.at(-1)!.toFixed(3)}; ℓ = ${l}, s = ${s}, σ = ${sigma}`);
  const at = tensor([-2, 0, 1.5], F64);
  const mean = predict(x, y, params, at).toArray() as number[];
  console.log(`posterior mean at [-2, 0, 1.5]: ${mean.map((v) => v.toFixed(3)).join(', ')} (sin: -0.909, 0, 0.997)`);
}
