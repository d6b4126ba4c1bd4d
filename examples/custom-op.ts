/**
 * A user-defined op with a hand-written backward, checked by gradcheck — and the same op with a
 * classic mistake in its backward, to show what a failed check reports.
 *
 * The op is a fused sigmoid layer y = σ(x W + b) for x [n, in], W [in, out], b [out]. With
 * g = ∂L/∂y and the local gradient d = g ⊙ y ⊙ (1 − y) (since σ' = σ(1 − σ)):
 *   ∂L/∂x = d Wᵀ,  ∂L/∂W = xᵀ d,  ∂L/∂b = Σ_rows d.
 * The wrong version forgets the factor (1 − y): a bug that still returns the right shapes, so
 * only a numerical check catches it.
 *
 * Run: npx tsx examples/custom-op.ts
 */
import { type GradcheckResult, type Tensor, customOp, gradcheck, randn } from '@chainrule/autograd';
import { type NDArray, Rng, add, exp, matmul, div } from '@chainrule/tensor';
import { isMain } from './lib/is-main.js';

/** σ(x W + b) on arrays (the forward shared by both versions). */
function sigmoidLayerForward(x: NDArray, w: NDArray, b: NDArray): NDArray {
  const z = add(matmul(x, w), b);
  return div(1, add(1, exp(z.neg())));
}

/** The fused layer with the correct backward. */
export const sigmoidLayer = customOp({
  name: 'sigmoidLayer',
  forward: sigmoidLayerForward,
  backward: (g, [x, w], y) => {
    const d = g.mul(y).mul(y.neg().add(1)); // d σ(z) = σ(z)(1 − σ(z))
    return [d.matmul(w!.mT), x!.mT.matmul(d), d.sum(0)];
  },
});

/** The same layer with a bug: σ' taken as σ instead of σ(1 − σ). */
export const buggySigmoidLayer = customOp({
  name: 'buggySigmoidLayer',
  forward: sigmoidLayerForward,
  backward: (g, [x, w], y) => {
    const d = g.mul(y); // wrong: missing the factor (1 − y)
    return [d.matmul(w!.mT), x!.mT.matmul(d), d.sum(0)];
  },
});

/** Both checks, on the same random float64 inputs. */
export interface CustomOpReport {
  correct: GradcheckResult;
  buggy: GradcheckResult;
}

/** Gradchecks both versions on x [n, in], W [in, out], b [out]. */
export function checkCustomOps(n = 3, inFeatures = 4, outFeatures = 2, seed = 0): CustomOpReport {
  const rng = new Rng(seed);
  const opts = { dtype: 'float64' as const, requiresGrad: true, rng };
  const inputs: Tensor[] = [
    randn([n, inFeatures], opts),
    randn([inFeatures, outFeatures], opts),
    randn([outFeatures], opts),
  ];
  return {
    correct: gradcheck((x, w, b) => sigmoidLayer(x!, w!, b!), inputs),
    buggy: gradcheck((x, w, b) => buggySigmoidLayer(x!, w!, b!), inputs),
  };
}

if (isMain(import.meta.url)) {
  const { correct, buggy } = checkCustomOps();
  console.log('gradcheck of sigmoidLayer(x, W, b) = σ(xW + b) with the hand-written backward:');
  console.log(correct.report);
  console.log(`\n→ ${correct.ok ? 'passes' : 'FAILS'}\n`);
  console.log("the same op with σ'(z) written as σ(z) instead of σ(z)(1 − σ(z)):");
  console.log(buggy.report);
  const verdict = buggy.ok
    ? 'passes (?!)'
    : 'fails, as it should: the report names each input, the worst entry and both derivatives there';
  console.log(`\n→ ${verdict}`);
}
