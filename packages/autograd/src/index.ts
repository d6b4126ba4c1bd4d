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

// tensors and the graph
export { Tensor, Node, type TensorInit, type VersionCounter } from './tensor.js';
export { AutogradError } from './errors.js';
export { noGrad, enableGrad, isGradEnabled } from './grad-mode.js';
export { backward, runBackward, type BackwardOptions, type BackwardStep, type EngineOptions } from './engine.js';
export { type TensorOptions, type RandomTensorOptions, tensor, zeros, ones, full, zerosLike, onesLike, arange, linspace, eye, rand, randn, randint } from './factories.js';

// the ops, by family
export type { TensorLike } from './ops/operands.js';
export { cast } from './ops/defs/cast.js';
export { neg, abs, exp, log, log1p, expm1, sqrt, square, reciprocal, sin, cos, tanh, sigmoid, relu, erf, softplus, sign, floor, ceil, round, clamp } from './ops/defs/unary.js';
export { add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, logicalNot, logicalOr, logicalAnd, where } from './ops/defs/binary.js';
export { sum, max, min, prod, argmax, argmin } from './ops/defs/reduce.js';
export { mean, variance, std, logsumexp, softmax, logSoftmax } from './ops/defs/softmax.js';
export { reshape, flatten, permute, transpose, mT, expand, squeeze, unsqueeze, slice, select, concat, stack, split } from './ops/defs/shape.js';
export { matmul, linear } from './ops/defs/linalg.js';
export { gather, scatterAdd, indexSelect, oneHot } from './ops/defs/indexing.js';
export { unfold, fold } from './ops/defs/window.js';
export { customOp, type CustomOpDefinition, type CustomParams } from './custom-op.js';

// the op records, for tools that read graphs (teaching, compilers)
export { OP_RECORDS, opRecord, type OpName, type OpParams } from './ops/registry.js';
export type { OpRecord, RuleContext, ScalarGrad, ScalarRule, Uses, Vjp, ArrayMeta } from './tensor.js';
export type { Formula, FormulaContext, FormulaText, ElementwiseFormula, VjpFormula, NoGradFormula } from './ops/formula.js';

// transforms and checks
export { type TensorFunction, type ArgnumsOptions, grad, valueAndGrad, vjp, jvp, jacobian, hessian, hvp } from './functional.js';
export { type GradcheckOptions, type GradcheckResult, type InputCheck, type CheckedFunction, GradcheckError, gradcheck, assertGradcheck, gradgradcheck } from './gradcheck.js';
export { detectAnomaly, isAnomalyEnabled, AnomalyError } from './anomaly.js';
export { ShapeError, DTypeError, RangeError, type DType, NDArray, Rng, manualSeed } from '@chainrule/tensor';
