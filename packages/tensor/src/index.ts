/**
 * @chainrule/tensor: n-dimensional arrays (dtype, shape, strides, broadcasting), their kernels
 * behind a backend interface, and seeded random numbers. It knows nothing of gradients.
 *
 * @example
 * ```ts
 * import { array, matmul } from '@chainrule/tensor';
 * const a = array([[1, 2], [3, 4]]);
 * console.log(matmul(a, a.transpose()).toString());
 * ```
 */
import { getBackend, registerFallbackBackend, setBackend } from './backend.js';
import { jsBackend } from './backends/js/index.js';
import { nodeRequire, processEnv } from './backends/native/ffi.js';
import { NO_BLAS, mallocOutcome, recordBlas } from './backends/native/info.js';
import { createWasmBackend, wasmSupported } from './backends/wasm/index.js';
import { installCopy } from './ndarray.js';
import './methods.js';

/** The native layer (a system BLAS, malloc tuning), loaded in Node alone: a page never fetches its chunk. */
const native = nodeRequire() !== null ? await import('./backends/native/node.js') : null;

registerFallbackBackend(jsBackend);
// through the backend in use, so a tracing compiler sees every copy `contiguous()` and `reshape` make
installCopy((x, dtype) => getBackend().copy(x, dtype));
selectDefaultBackend();

/**
 * The WebAssembly SIMD backend where the runtime supports it, else the TypeScript one; decided
 * once, synchronously, at import (never switched later), in Node and in browsers alike.
 * `CHAINRULE_BACKEND=js` in the environment forces the reference kernels. In Node, where a system
 * BLAS loads (`CHAINRULE_BLAS=off` prevents it), the WebAssembly backend's matmuls go through it;
 * on Linux, glibc's malloc is tuned for tensor buffers (`CHAINRULE_MALLOC=off` prevents it).
 */
function selectDefaultBackend(): void {
  const env = processEnv();
  if (native === null) mallocOutcome(() => ({ reason: 'not in Node' }));
  else native.tuneProcessMalloc(env);
  const none = (blasReason: string) => recordBlas({ ...NO_BLAS, blasReason });
  if (env.CHAINRULE_BACKEND === 'js') {
    none('CHAINRULE_BACKEND=js');
    return;
  }
  if (!wasmSupported()) {
    none('no WebAssembly SIMD');
    return;
  }
  try {
    const wasm = createWasmBackend(jsBackend);
    const chosen = native?.withNativeBlas(wasm, env) ?? { backend: wasm, ...NO_BLAS, blasReason: 'not in Node' };
    setBackend(chosen.backend);
    recordBlas(chosen);
  } catch {
    // e.g. the main thread of Chrome < 114, which refuses to compile modules over 4 KiB synchronously:
    // keep the TypeScript kernels
    none('the WebAssembly backend did not start');
  }
}

export { type BackendInfo, backendInfo, settleSignals } from './backends/native/info.js';
export { NDArray, inferReshape } from './ndarray.js';
export { mayOverlap, sameView } from './overlap.js';
export {
  type DType,
  type TypedArray,
  type FloatArray,
  DTYPES,
  allocate,
  dtypeOfArray,
  isFloat,
  promoteTypes,
  promoteWithScalar,
  floatResultType,
  castScalar,
} from './dtype.js';
export { ShapeError, DTypeError, RangeError, fmtShape } from './errors.js';
export {
  type Shape,
  sizeOf,
  contiguousStrides,
  shapesEqual,
  broadcastShapes,
  normalizeAxis,
  normalizeAxes,
  checkShape,
} from './shape.js';
export {
  type Backend,
  type KernelName,
  type UnaryOp,
  type BinaryOp,
  type CompareOp,
  type ReduceOp,
  type ArgReduceOp,
  type ScanOp,
  type ActivationGradOp,
  type LstmCellGrads,
  type GruCellGrads,
  type ConvGeometry,
  type AdamConstants,
  type AdamArrays,
  type LuFactors,
  type CholeskyFactor,
  type ScatterReduce,
  getBackend,
  setBackend,
} from './backend.js';
export { type PartialBackend, type KernelFunction, composeBackend, kernelsOf } from './backends/compose.js';
export { type ResidentBlock, type ResidentMemory, residentMemory, attachResidentMemory } from './resident.js';
export { jsBackend } from './backends/js/index.js';
export { SCALAR_UNARY, SCALAR_BINARY, SCALAR_ACTIVATION_GRAD } from './scalar-ops.js';
export { createWasmBackend, wasmSupported, type WasmBackendOptions } from './backends/wasm/index.js';
export { wasmKernelVariant, type WasmKernelVariant } from './backends/wasm/variant.js';
export {
  type NestedArray,
  type RandomOptions,
  array,
  fromTypedArray,
  full,
  fullLike,
  zeros,
  ones,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
} from './creation.js';
export { Rng, defaultRng, manualSeed } from './random.js';
export {
  type HostComputeListener,
  type HostKernel,
  type HostKernelListener,
  setHostComputeListener,
  setHostKernelListener,
  type HostCheckListener,
  noteHostCompute,
  noteHostRead,
  hostKernel,
  hostCheck,
  hostUpdate,
  setHostCheckListener,
  inHostKernel,
} from './host-compute.js';
export * from './ops/elementwise.js';
export {
  type Axes,
  type VarianceOptions,
  keptShape,
  sum,
  prod,
  mean,
  max,
  min,
  argmax,
  argmin,
  variance,
  std,
  logsumexp,
} from './ops/reduce.js';
export { matmul } from './ops/matmul.js';
export { luFactor, solve, solveShapes, inv, det, slogdet } from './ops/linalg.js';
export {
  type SolveTriangularOptions,
  cholesky,
  solveTriangular,
  solveTriangularShapes,
} from './ops/triangular.js';
export { addScaledInPlace } from './ops/axpy.js';
export { adamUpdate, adamUpdateFits } from './ops/adam.js';
export { activationGrad } from './ops/activation-grad.js';
export {
  LSTM_CELL_PLANES,
  GRU_CELL_PLANES,
  fusedLstmCell,
  fusedLstmCellBackward,
  fusedGruCell,
  fusedGruCellBackward,
} from './ops/recurrent.js';
export { concat, stack, split } from './ops/join.js';
export { indexSelect, gather, scatterAdd, scatter, oneHot } from './ops/select.js';
export { type Pair, type ConvOptions, convGeometry, im2col, col2im } from './ops/conv.js';
export { cumsum, cumprod, logcumsumexp } from './ops/scan.js';
export { type SortResult, argsort, sort, topk, checkTopk } from './ops/sort.js';
export {
  flip,
  roll,
  rollArgs,
  rollAxis,
  tril,
  triu,
  diagonal,
  diagonalShape,
  placeDiagonal,
  diag,
} from './ops/rearrange.js';
export { type Operand, checkScalarOperand, scalarArray } from './ops/operand.js';
export { type PrintOptions, formatArray } from './print.js';
