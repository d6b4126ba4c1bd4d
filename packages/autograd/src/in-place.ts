import * as T from '@chainrule/tensor';
import type { BinaryOp } from '@chainrule/tensor';
import { AutogradError } from './errors.js';
import { isGradEnabled } from './grad-mode.js';
import { type TensorLike, checkOperand } from './ops/operands.js';
import type { Tensor } from './tensor.js';
import { traceListener } from './compile/trace-state.js';

/**
 * Guards an in-place write: allowed on tensors that need no grad, and under `noGrad`
 * (how optimizers update parameters). Bumps the version so stale saved values are caught.
 */
function checkWritable(op: string, t: Tensor): void {
  if (!t.requiresGrad || !isGradEnabled()) return;
  if (t.isLeaf) {
    throw new AutogradError(
      op,
      'a leaf tensor that requires grad is being used in an in-place operation; do the update inside noGrad(() => ...)',
    );
  }
  throw new AutogradError(
    op,
    'in-place operations on tensors that are part of a recorded graph are not supported; ' +
      'use the out-of-place op, or run under noGrad',
  );
}

/** In-place writes go into storage the tensor owns: a broadcast view (stride 0) would write one element many times. */
function checkTarget(op: string, t: Tensor): void {
  const axis = t.value.strides.findIndex((s, i) => s === 0 && t.shape[i]! > 1);
  if (axis >= 0) {
    throw new T.ShapeError(
      op,
      `the target is a broadcast view (stride 0 on axis ${axis} of shape ${T.fmtShape(t.shape)}); ` +
        `write into a tensor that owns its elements`,
    );
  }
}

/**
 * PyTorch's in-place casting rule: a result may narrow within its kind (float64 into float32),
 * never across kinds (float into int).
 */
function kind(dtype: T.DType): number {
  return dtype === 'bool' ? 0 : dtype === 'int32' ? 1 : 2;
}

/** The source as the kernel may read it while writing `t`: a copy if the two overlap. */
function readable(t: Tensor, src: T.NDArray): T.NDArray {
  return T.mayOverlap(t.value, src) ? T.getBackend().copy(src, src.dtype) : src;
}

function writeResult(op: string, t: Tensor, result: T.NDArray): void {
  if (!T.shapesEqual(result.shape, t.shape)) {
    throw new T.ShapeError(
      op,
      `the result has shape ${T.fmtShape(result.shape)} but the tensor written in place has shape ` +
        `${T.fmtShape(t.shape)}`,
    );
  }
  T.getBackend().assign(t.value, result);
  bumpVersion(t);
}

/** t ← t op other (other broadcast to t's shape), in place. */
export function binaryInPlace(op: BinaryOp, name: string, t: Tensor, other: TensorLike): Tensor {
  checkOperand(name, other, 'the operand');
  checkWritable(name, t);
  checkTarget(name, t);
  const promoted =
    typeof other === 'number' ? T.promoteWithScalar(t.dtype, other) : T.promoteTypes(t.dtype, other.dtype);
  const resultType = op === 'div' ? T.floatResultType(promoted) : promoted;
  if (kind(resultType) > kind(t.dtype)) {
    throw new T.DTypeError(
      name,
      `the result type ${resultType} cannot be stored in the ${t.dtype} tensor written in place`,
    );
  }
  if (typeof other === 'number') T.checkScalarOperand(name, other, promoted); // 1e10 never wraps into int32
  const b = typeof other === 'number' ? T.scalarArray(other, t.dtype) : other.value;
  const shape = T.broadcastShapes(name, t.shape, b.shape);
  if (!T.shapesEqual(shape, t.shape)) {
    throw new T.ShapeError(
      name,
      `shape ${T.fmtShape(b.shape)} cannot be broadcast to the in-place target's shape ${T.fmtShape(t.shape)}`,
    );
  }
  const backend = T.getBackend();
  const src = readable(t, b.expand(shape));
  if (t.value.isContiguous) {
    // elementwise kernels read each element before writing it, so the target itself may be an input
    backend.binary(op, t.value, src, t.dtype, t.value);
    bumpVersion(t);
    return t;
  }
  writeResult(name, t, backend.binary(op, t.value, src, t.dtype));
  return t;
}

/** Copies `src` (broadcast) into t, in place. */
export function copyInPlace(t: Tensor, src: TensorLike): Tensor {
  checkOperand('copyInPlace', src, 'the source');
  checkWritable('copyInPlace', t);
  checkTarget('copyInPlace', t);
  const s = typeof src === 'number' ? T.scalarArray(src, t.dtype) : src.value;
  writeResult('copyInPlace', t, readable(t, s.expand(T.broadcastShapes('copyInPlace', t.shape, s.shape))));
  return t;
}

/** t ← t + α·x (x of t's shape) in one pass, as optimizers update parameters; see T.addScaledInPlace. */
export function addScaledInPlace(t: Tensor, x: Tensor, alpha: number): Tensor {
  checkOperand('addScaledInPlace', x, 'the operand', false);
  if (typeof alpha !== 'number')
    throw new T.DTypeError('addScaledInPlace', `alpha must be a number, got ${typeof alpha}`);
  checkWritable('addScaledInPlace', t);
  checkTarget('addScaledInPlace', t);
  T.addScaledInPlace(t.value, readable(t, x.value), alpha);
  bumpVersion(t);
  return t;
}

/**
 * One Adam step in place on tensors (see `T.adamUpdate` in the tensor package): p, m, v and vmax
 * (AMSGrad's running max, or undefined) are written and each one's version bumped once, as an
 * optimizer does under `noGrad`. `coefficients` holds [√(1 − β₂ᵗ), −η/(1 − β₁ᵗ)] in p's dtype.
 * @throws DTypeError for an operand that is not a Tensor, coefficients that are not an NDArray or
 * constants that are not numbers; AutogradError for a written tensor that requires grad while grad
 * mode is on; the tensor package's DTypeError or ShapeError for arrays that do not fit (see
 * `T.adamUpdateFits`). Nothing is written then.
 * @example
 * ```ts
 * const p = tensor([1, 2]), m = zeros([2]), v = zeros([2]);
 * const coefficients = T.array([Math.sqrt(1 - 0.999), -0.001 / (1 - 0.9)]); // step 1, lr 0.001
 * noGrad(() => adamUpdateInPlace(p, tensor([0.5, -0.5]), m, v, undefined, coefficients, {
 *   beta1: 0.9, beta2: 0.999, eps: 1e-8,
 * })); // p ≈ [0.999, 2.001]
 * ```
 */
export function adamUpdateInPlace(
  p: Tensor,
  g: Tensor,
  m: Tensor,
  v: Tensor,
  vmax: Tensor | undefined,
  coefficients: T.NDArray,
  constants: T.AdamConstants,
): void {
  for (const [name, t] of Object.entries({ p, g, m, v, vmax }))
    if (name !== 'vmax' || t !== undefined) checkOperand('adamUpdate', t, name, false);
  if (!(coefficients instanceof T.NDArray))
    throw new T.DTypeError('adamUpdate', 'expected an NDArray of coefficients ([bias correction, step])');
  for (const key of ['beta1', 'beta2', 'eps'] as const) {
    if (typeof constants[key] !== 'number')
      throw new T.DTypeError('adamUpdate', `${key} must be a number, got ${typeof constants[key]}`);
  }
  const written = vmax === undefined ? [p, m, v] : [p, m, v, vmax];
  for (const t of written) checkWritable('adamUpdate', t);
  T.adamUpdate(p.value, g.value, m.value, v.value, vmax?.value, coefficients, constants);
  for (const t of written) bumpVersion(t);
}

/** Bumps t's version after an in-place write (and tells a recording `compile`, which repeats it). */
function bumpVersion(t: Tensor): void {
  t.versionCounter.value++;
  traceListener()?.wroteInPlace(t);
}
