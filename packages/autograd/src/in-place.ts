import * as T from '@chainrule/tensor';
import type { BinaryOp } from '@chainrule/tensor';
import { AutogradError } from './errors.js';
import { isGradEnabled } from './grad-mode.js';
import type { TensorLike } from './ops/functions.js';
import type { Tensor } from './tensor.js';

/**
 * Guards an in-place write: allowed on tensors that need no grad, and under `noGrad`
 * (how optimizers update parameters). Bumps the version so stale saved values are caught.
 */
function checkWritable(op: string, t: Tensor): void {
  if (!t.requiresGrad || !isGradEnabled()) return;
  if (t.isLeaf) {
    throw new AutogradError(op, 'a leaf tensor that requires grad is being used in an in-place operation; do the update inside noGrad(() => ...)');
  }
  throw new AutogradError(op, 'in-place operations on tensors that are part of a recorded graph are not supported; use the out-of-place op, or run under noGrad');
}

function writeResult(op: string, t: Tensor, result: T.NDArray): void {
  if (!T.shapesEqual(result.shape, t.shape)) {
    throw new T.ShapeError(op, `the result has shape ${T.fmtShape(result.shape)} but the tensor written in place has shape ${T.fmtShape(t.shape)}`);
  }
  T.getBackend().assign(t.value, result);
  t.versionCounter.value++;
}

/** t ← t op other (other broadcast to t's shape), in place. */
export function binaryInPlace(op: BinaryOp, name: string, t: Tensor, other: TensorLike): Tensor {
  checkWritable(name, t);
  const b = typeof other === 'number' ? T.scalarArray(other, t.dtype) : other.value;
  const shape = T.broadcastShapes(name, t.shape, b.shape);
  if (!T.shapesEqual(shape, t.shape)) {
    throw new T.ShapeError(name, `shape ${T.fmtShape(b.shape)} cannot be broadcast to the in-place target's shape ${T.fmtShape(t.shape)}`);
  }
  const backend = T.getBackend();
  if (t.value.isContiguous) {
    // elementwise kernels read each element before writing it, so the target may be an input
    backend.binary(op, t.value, b.expand(shape), t.dtype, t.value);
    t.versionCounter.value++;
    return t;
  }
  writeResult(name, t, backend.binary(op, t.value, b.expand(shape), t.dtype));
  return t;
}

/** Copies `src` (broadcast) into t, in place. */
export function copyInPlace(t: Tensor, src: TensorLike): Tensor {
  checkWritable('copyInPlace', t);
  const s = typeof src === 'number' ? T.scalarArray(src, t.dtype) : src.value;
  writeResult('copyInPlace', t, s.expand(T.broadcastShapes('copyInPlace', t.shape, s.shape)));
  return t;
}

/** t ← t + α·x (x of t's shape) in one pass, as optimizers update parameters; see T.addScaledInPlace. */
export function addScaledInPlace(t: Tensor, x: Tensor, alpha: number): Tensor {
  checkWritable('addScaledInPlace', t);
  T.addScaledInPlace(t.value, x.value, alpha);
  t.versionCounter.value++;
  return t;
}
