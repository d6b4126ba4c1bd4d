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
export { adamUpdateInPlace } from './in-place.js';
export { backward, runBackward, type BackwardOptions, type BackwardStep, type EngineOptions } from './engine.js';
export {
  type TensorOptions,
  type RandomTensorOptions,
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
} from './factories.js';

// the ops, by family: each family's file exports its public functions (and its record and method tables)
export type { TensorLike } from './ops/operands.js';
export * from './ops/defs/cast.js';
export * from './ops/defs/unary.js';
export * from './ops/defs/binary.js';
export * from './ops/defs/reduce.js';
export * from './ops/defs/scan.js';
export * from './ops/defs/sort.js';
export * from './ops/defs/rearrange.js';
export * from './ops/defs/triangle.js';
export * from './ops/defs/softmax.js';
export * from './ops/defs/shape.js';
export * from './ops/defs/linalg.js';
export * from './ops/defs/decomp.js';
export * from './ops/defs/einsum.js';
export * from './ops/defs/norm.js';
export * from './ops/defs/indexing.js';
export * from './ops/defs/index-advanced.js';
export { sl, NEW_AXIS, ELLIPSIS, type Slice, type IndexItem } from './ops/index-spec.js';
export * from './ops/defs/window.js';
export * from './ops/defs/recurrent.js';
export { fusedGruSequence, fusedLstmSequence } from './ops/defs/recurrent-sequence.js';
export { customOp, type CustomOpDefinition, type CustomParams, CUSTOM_OPS } from './custom-op.js';

// the op records, for tools that read graphs (teaching, compilers)
export { OP_RECORDS, opRecord, type OpName, type OpParams } from './ops/registry.js';
export type { OpRecord, RuleContext, ScalarGrad, ScalarRule, Uses, Vjp, ArrayMeta } from './tensor.js';
export type {
  Formula,
  FormulaContext,
  FormulaText,
  ElementwiseFormula,
  VjpFormula,
  NoGradFormula,
} from './ops/formula.js';

// transforms and checks
export {
  type TensorFunction,
  type ArgnumsOptions,
  grad,
  valueAndGrad,
  vjp,
  jvp,
  jacobian,
  hessian,
  hvp,
  type JacobianOptions,
} from './functional.js';
export { vmap, type VmapOptions } from './vmap/vmap.js';
export { traceOps, type TracedOp, type TraceOpsHandlers } from './trace-ops.js';
export { BATCH_RULES, type BatchRule, type Operand } from './vmap/rules.js';
export {
  type GradcheckOptions,
  type GradcheckResult,
  type InputCheck,
  type CheckedFunction,
  GradcheckError,
  gradcheck,
  assertGradcheck,
  gradgradcheck,
} from './gradcheck.js';
export { detectAnomaly, isAnomalyEnabled, AnomalyError } from './anomaly.js';
export { ShapeError, DTypeError, RangeError, type DType, NDArray, Rng, manualSeed } from '@chainrule/tensor';
export {
  compile,
  CompileError,
  type CompileArg,
  type CompileResult,
  type CompileOptions,
  type CompileStats,
  type CompiledFunction,
} from './compile/compile.js';
export type { PlanMemory } from './compile/plan.js';
