/**
 * Equation (1) of the backpropagation lecture: the cross-entropy objective of a sigmoid
 * network with the L2 term,
 *   E(w) = −1/m Σᵢ Σₖ [yₖ log σₖᴸ(xᵢ) + (1 − yₖ) log(1 − σₖᴸ(xᵢ))] + λ/(2m) Σₗ Σᵢⱼ (wˡᵢⱼ)²,
 * and its hand-derived gradient, checked with checkFormula. As in the lecture, wˡᵢⱼ joins
 * neuron i of layer l−1 to neuron j of layer l, so sumˡ = σˡ⁻¹·Wˡ (+ the bias, which the L2
 * term leaves out). The hand-derived gradient:
 *   δᴸ = (σᴸ − y)/m                        (the sigmoid and the cross-entropy cancel)
 *   δˡ = (δˡ⁺¹ · (Wˡ⁺¹)ᵀ) ⊙ σˡ(1 − σˡ)
 *   ∂E/∂Wˡ = (σˡ⁻¹)ᵀ · δˡ + (λ/m)·Wˡ,  ∂E/∂bˡ = Σᵢ δˡ
 *
 * Run: npx tsx examples/teaching/cross-entropy-l2.ts
 */
import { Rng, type Tensor, oneHot, randint, randn } from '@chainrule/autograd';
import { type FormulaReport, type SweepReport, checkFormula, formatCheck } from '@chainrule/teaching';
import { isMain } from '../lib/is-main.js';

const F64 = { dtype: 'float64' } as const;

/** The lecture's network 4-5-3 on m = 6 examples, λ = 0.7. */
export interface CrossEntropyProblem {
  readonly X: Tensor;
  readonly Y: Tensor;
  readonly lambda: number;
  /** W1 [4,5], b1 [5], W2 [5,3], b2 [3] */
  readonly params: readonly Tensor[];
}

export function crossEntropyProblem(seed = 11): CrossEntropyProblem {
  const rng = new Rng(seed);
  const X = randn([6, 4], { rng, ...F64 });
  const Y = oneHot(randint(0, 3, [6], { rng }), 3, 'float64');
  const params = [
    randn([4, 5], { rng, ...F64 }),
    randn([5], { rng, ...F64 }),
    randn([5, 3], { rng, ...F64 }),
    randn([3], { rng, ...F64 }),
  ];
  params.forEach((p, i) => {
    p.name = ['W1', 'b1', 'W2', 'b2'][i]!;
  });
  return { X, Y, lambda: 0.7, params };
}

/** Equation (1). */
export function objective(p: CrossEntropyProblem): (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor) => Tensor {
  const m = p.X.shape[0]!;
  return (W1, b1, W2, b2) => {
    const s1 = p.X.matmul(W1).add(b1).sigmoid();
    const s2 = s1.matmul(W2).add(b2).sigmoid();
    const logLikelihood = p.Y.mul(s2.log())
      .add(p.Y.neg().add(1).mul(s2.neg().add(1).log()))
      .sum();
    const l2 = W1.square().sum().add(W2.square().sum());
    return logLikelihood.div(-m).add(l2.mul(p.lambda / (2 * m)));
  };
}

/**
 * The hand-derived gradient of equation (1). `l2Factor` is the factor of W in the L2 term's
 * gradient: λ/m is right (the derivative of λ/(2m)·w² is λ/m·w).
 */
export function handGradient(
  p: CrossEntropyProblem,
  l2Factor = p.lambda / p.X.shape[0]!,
): (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor) => Tensor[] {
  const m = p.X.shape[0]!;
  return (W1, b1, W2, b2) => {
    void b1;
    const s1 = p.X.matmul(W1).add(b1).sigmoid();
    const s2 = s1.matmul(W2).add(b2).sigmoid();
    const delta2 = s2.sub(p.Y).div(m);
    const delta1 = delta2.matmul(W2.mT).mul(s1.mul(s1.neg().add(1)));
    return [
      p.X.mT.matmul(delta1).add(W1.mul(l2Factor)),
      delta1.sum(0),
      s1.mT.matmul(delta2).add(W2.mul(l2Factor)),
      delta2.sum(0),
    ];
  };
}

/** The check at the problem's point, and over 20 random parameter sets. */
export function crossEntropyChecks(seed = 11): { point: FormulaReport; sweep: SweepReport } {
  const p = crossEntropyProblem(seed);
  const point = checkFormula(objective(p), handGradient(p), p.params);
  const sweep = checkFormula(objective(p), handGradient(p), {
    shapes: [[4, 5], [5], [5, 3], [3]],
    runs: 20,
    seed,
    names: ['W1', 'b1', 'W2', 'b2'],
  });
  return { point, sweep };
}

if (isMain(import.meta.url)) {
  const { point, sweep } = crossEntropyChecks();
  console.log('Equation (1): cross-entropy with the L2 term\n');
  console.log(formatCheck(point));
  console.log(formatCheck(sweep));
}
