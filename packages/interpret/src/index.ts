/**
 * @chainrule/interpret: model interpretation for any chainrule model (a function of a batch or a
 * `Module`): permutation importance, partial dependence and ICE curves, gradient saliency,
 * SmoothGrad, integrated gradients, KernelSHAP and LIME. Names follow scikit-learn and Captum.
 *
 * @example
 * ```ts
 * import { integratedGradients } from '@chainrule/interpret';
 * import { type Tensor, tensor } from '@chainrule/autograd';
 * const f = (x: Tensor) => x.square().sum(1);
 * integratedGradients(f, tensor([[1, 2]], { dtype: 'float64' })).toArray(); // [[1, 4]]
 * ```
 */
export type { Model, Target } from './model.js';
export {
  type SaliencyOptions,
  type SmoothGradOptions,
  type IntegrationMethod,
  type IntegratedGradientsOptions,
  saliency,
  smoothGrad,
  integratedGradients,
} from './gradients.js';
export {
  type Scorer,
  type ScoringName,
  type PermutationImportanceOptions,
  type PermutationImportance,
  permutationImportance,
} from './permutation.js';
export {
  type PartialDependenceOptions,
  type PartialDependence1D,
  type PartialDependence2D,
  partialDependence,
} from './partial-dependence.js';
export { type KernelShapOptions, kernelShap } from './kernel-shap.js';
export { type LimeOptions, lime } from './lime.js';
