/**
 * @chainrule/autograd: the differentiable Tensor, graph recording, the iterative backward
 * engine, functional transforms, custom ops and gradient checking.
 *
 * @example
 * ```ts
 * import { tensor } from '@chainrule/autograd';
 * const x = tensor(3, { requiresGrad: true });
 * const y = x.mul(x).add(x); // y = x² + x
 * y.backward();
 * x.grad!.item(); // 7
 * ```
 */
import './methods.js';

export { Tensor, type TensorInit, type VersionCounter } from './tensor.js';
export { Node } from './node.js';
export { AutogradError } from './errors.js';
export { noGrad, enableGrad, isGradEnabled } from './grad-mode.js';
export { backward, runBackward, type BackwardOptions, type BackwardStep, type EngineOptions } from './engine.js';
export { type TensorOptions, type RandomTensorOptions, tensor, zeros, ones, full, zerosLike, onesLike, arange, linspace, eye, rand, randn, randint } from './factories.js';
export * from './ops/functions.js';
export { OPS, type OpDef, type DifferentiableOp, type NonDifferentiableOp, type RuleContext, type ScalarGrad, type Uses } from './ops/table.js';
export { type OpName, type OpParams } from './ops/params.js';
export { apply } from './ops/apply.js';
export { unfold, fold } from './ops/conv.js';
export { customOp, type CustomOpDefinition, type CustomParams } from './custom-op.js';
export { type TensorFunction, type ArgnumsOptions, grad, valueAndGrad, vjp, jvp, jacobian, hessian, hvp } from './functional.js';
export { type GradcheckOptions, type GradcheckResult, type InputCheck, type CheckedFunction, GradcheckError, gradcheck, assertGradcheck, gradgradcheck } from './gradcheck.js';
export { detectAnomaly, isAnomalyEnabled, AnomalyError } from './anomaly.js';
export * from './teaching/index.js';
export { ShapeError, DTypeError, RangeError, type DType, NDArray, Rng, manualSeed } from '@chainrule/tensor';
