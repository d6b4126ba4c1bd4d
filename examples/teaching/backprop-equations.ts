/**
 * The four equations of backpropagation (BP1–BP4 in the notes) for a sigmoid MLP with the
 * quadratic cost, each checked with checkFormula against autograd and finite differences.
 *
 * Network 3-4-2 on a batch of n = 5 examples, one example per row:
 *   Z¹ = X·W¹ᵀ + b¹, A¹ = σ(Z¹), Z² = A¹·W²ᵀ + b², A² = σ(Z²), C = 1/(2n) Σ ‖A² − Y‖²
 * (W^l has shape [neurons of l, neurons of l−1], so w_jk joins neuron k of l−1 to neuron j of l.)
 *   BP1  δᴸ = ∇ₐC ⊙ σ'(zᴸ)                with ∇ₐC = (A² − Y)/n
 *   BP2  δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ)      in rows: (δˡ⁺¹ · Wˡ⁺¹) ⊙ σ'(Zˡ)
 *   BP3  ∂C/∂bˡ_j = δˡ_j                  summed over the batch
 *   BP4  ∂C/∂wˡ_jk = aˡ⁻¹_k δˡ_j           in matrices: δˡᵀ · Aˡ⁻¹
 * BP1 and BP2 are checked as gradients with respect to Zᴸ and Zˡ (δ is ∂C/∂z), BP3 and BP4 as
 * gradients with respect to the parameters, at one point and over 20 random points.
 *
 * Run: npx tsx examples/teaching/backprop-equations.ts
 */
import { Rng, type Tensor, rand, randn } from '@chainrule/autograd';
import { type FormulaReport, type SweepReport, checkFormula, formatCheck } from '@chainrule/teaching';
import { isMain } from '../lib/is-main.js';

const F64 = { dtype: 'float64' } as const;

/** σ'(z) = σ(z)(1 − σ(z)) */
export const sigmoidPrime = (z: Tensor): Tensor => z.sigmoid().mul(z.sigmoid().neg().add(1));

/** C = 1/(2n) Σ ‖σ(Z²) − Y‖² from the output layer's weighted inputs Z². */
export function costFromZ2(Z2: Tensor, Y: Tensor): Tensor {
  return Z2.sigmoid()
    .sub(Y)
    .square()
    .sum()
    .div(2 * Y.shape[0]!);
}

/** The forward pass from the parameters: Z¹, A¹, Z², and the cost. */
export function forward(
  X: Tensor,
  Y: Tensor,
  W1: Tensor,
  b1: Tensor,
  W2: Tensor,
  b2: Tensor,
): { Z1: Tensor; A1: Tensor; Z2: Tensor; C: Tensor } {
  const Z1 = X.matmul(W1.mT).add(b1);
  const A1 = Z1.sigmoid();
  const Z2 = A1.matmul(W2.mT).add(b2);
  return { Z1, A1, Z2, C: costFromZ2(Z2, Y) };
}

/** BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ), with ∇ₐC = (aᴸ − y)/n for the mean quadratic cost. */
export const bp1 = (Z2: Tensor, Y: Tensor): Tensor => Z2.sigmoid().sub(Y).div(Y.shape[0]!).mul(sigmoidPrime(Z2));
/** BP2: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ), one example per row. */
export const bp2 = (delta: Tensor, Wnext: Tensor, Z: Tensor): Tensor => delta.matmul(Wnext).mul(sigmoidPrime(Z));
/** BP3: ∂C/∂bˡ = δˡ, summed over the batch. */
export const bp3 = (delta: Tensor): Tensor => delta.sum(0);
/** BP4: ∂C/∂wˡ_jk = aˡ⁻¹_k δˡ_j, summed over the batch: δˡᵀ · Aˡ⁻¹. */
export const bp4 = (delta: Tensor, Aprev: Tensor): Tensor => delta.mT.matmul(Aprev);

/** A batch and a network, from a seed. */
export function problem(seed = 7): { X: Tensor; Y: Tensor; params: Tensor[]; Z1: Tensor; Z2: Tensor } {
  const rng = new Rng(seed);
  const X = randn([5, 3], { rng, ...F64 });
  const Y = rand([5, 2], { rng, ...F64 });
  const params = [
    randn([4, 3], { rng, ...F64 }),
    randn([4], { rng, ...F64 }),
    randn([2, 4], { rng, ...F64 }),
    randn([2], { rng, ...F64 }),
  ];
  const { Z1, Z2 } = forward(X, Y, params[0]!, params[1]!, params[2]!, params[3]!);
  params.forEach((p, i) => {
    p.name = ['W1', 'b1', 'W2', 'b2'][i]!;
  });
  return { X, Y, params, Z1, Z2 };
}

/** Every check: BP1, BP2, BP3 + BP4 at one point, and BP3 + BP4 over random parameters. */
export function backpropChecks(seed = 7): {
  bp1: FormulaReport;
  bp2: FormulaReport;
  bp34: FormulaReport;
  sweep: SweepReport;
} {
  const { X, Y, params, Z1, Z2 } = problem(seed);
  const [, , W2, b2] = params as [Tensor, Tensor, Tensor, Tensor];

  // BP1: C as a function of Z² alone; its gradient is δᴸ
  const r1 = checkFormula(
    (z2) => costFromZ2(z2, Y),
    (z2) => bp1(z2, Y),
    [Z2],
    { names: ['Z2 (δ² = ∂C/∂Z²)'] },
  );

  // BP2: C as a function of Z¹ alone; its gradient is δ¹, computed from δ² by BP2
  const costFromZ1 = (z1: Tensor): Tensor => costFromZ2(z1.sigmoid().matmul(W2.mT).add(b2), Y);
  const handDelta1 = (z1: Tensor): Tensor => bp2(bp1(z1.sigmoid().matmul(W2.mT).add(b2), Y), W2, z1);
  const r2 = checkFormula(costFromZ1, handDelta1, [Z1], { names: ['Z1 (δ¹ = ∂C/∂Z¹)'] });

  // BP3 and BP4: the parameters' gradients from δ¹ and δ²
  const cost = (W1: Tensor, b1: Tensor, W2p: Tensor, b2p: Tensor): Tensor => forward(X, Y, W1, b1, W2p, b2p).C;
  const hand = (W1: Tensor, b1: Tensor, W2p: Tensor, b2p: Tensor): Tensor[] => {
    const f = forward(X, Y, W1, b1, W2p, b2p);
    const delta2 = bp1(f.Z2, Y);
    const delta1 = bp2(delta2, W2p, f.Z1);
    return [bp4(delta1, X), bp3(delta1), bp4(delta2, f.A1), bp3(delta2)];
  };
  const r34 = checkFormula(cost, hand, params);
  const sweep = checkFormula(cost, hand, {
    shapes: [[4, 3], [4], [2, 4], [2]],
    runs: 20,
    seed,
    names: ['W1', 'b1', 'W2', 'b2'],
  });
  return { bp1: r1, bp2: r2, bp34: r34, sweep };
}

if (isMain(import.meta.url)) {
  const r = backpropChecks();
  console.log("BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ)\n");
  console.log(formatCheck(r.bp1));
  console.log("BP2: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ)\n");
  console.log(formatCheck(r.bp2));
  console.log('BP3 and BP4: ∂C/∂bˡ = δˡ, ∂C/∂wˡ_jk = aˡ⁻¹_k δˡ_j\n');
  console.log(formatCheck(r.bp34));
  console.log('BP3 and BP4 over random parameters\n');
  console.log(formatCheck(r.sweep));
}
