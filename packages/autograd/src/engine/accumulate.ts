/**
 * How gradients are summed. While no graph of the backward pass is recorded, the engine adds
 * into storage it allocated itself ("owned"), in place, so a tensor used n times costs one
 * allocation, not n. A gradient a rule returned may alias other tensors (add's rule returns
 * its incoming gradient twice), so it is never written to, and `.grad` gets its own copy, unless
 * the engine proved it fresh (engine/fresh.ts): then the engine owns it from the start.
 */
import * as T from '@chainrule/tensor';
import { AutogradError } from '../errors.js';
import { add } from '../ops/defs/binary.js';
import { readScalar } from '../ops/scalar-storage.js';
import { type GradHook, Tensor } from '../tensor.js';
import { gradTensor, rounding } from './scalar.js';
import { isRecording, traceListener } from '../compile/trace-state.js';

/** A gradient being summed, and whether its storage belongs to the engine. */
export interface GradSlot {
  grad: Tensor;
  owned: boolean;
}

/** prev + g: recorded when creating a graph, else added into prev when the engine owns it. */
export function addGradients(slot: GradSlot, g: Tensor, createGraph: boolean): void {
  if (createGraph) {
    slot.grad = add(slot.grad, g);
    slot.owned = false;
    return;
  }
  const backend = T.getBackend();
  const prev = slot.grad.value;
  if (slot.owned) {
    backend.binary('add', prev, g.value, prev.dtype, prev);
    return;
  }
  slot.grad = new Tensor(backend.binary('add', prev, g.value, prev.dtype));
  slot.owned = true;
}

/** Applies hooks in order; a hook may return a replacement of the same shape and dtype. */
export function runHooks(hooks: readonly GradHook[], slot: GradSlot, what: string): void {
  for (const hook of hooks) {
    const r = hook(slot.grad);
    if (r === undefined || r === slot.grad) continue;
    if (!T.shapesEqual(r.shape, slot.grad.shape) || r.dtype !== slot.grad.dtype) {
      throw new AutogradError(
        'hook',
        `a hook on ${what} returned a ${r.dtype} gradient of shape ${T.fmtShape(r.shape)}, ` +
          `expected ${slot.grad.dtype} of shape ${T.fmtShape(slot.grad.shape)}`,
      );
    }
    slot.grad = r;
    slot.owned = false;
  }
}

/** A gradient the caller may keep: graph-connected when creating a graph, else storage of its own. */
export function ownedCopy(slot: GradSlot, createGraph: boolean): Tensor {
  if (createGraph || slot.owned) return slot.grad;
  return new Tensor(T.getBackend().copy(slot.grad.value, slot.grad.dtype));
}

/** Throws if `.grad += g` cannot be done (a `.grad` of another shape), before any `.grad` is changed. */
export function checkAccumulation(t: Tensor, slot: GradSlot): void {
  if (t.grad !== null && !T.shapesEqual(t.grad.shape, slot.grad.shape)) {
    throw new AutogradError(
      'backward',
      `cannot accumulate a gradient of shape ${T.fmtShape(slot.grad.shape)} into .grad of shape ` +
        `${T.fmtShape(t.grad.shape)}; call zeroGrad() first`,
    );
  }
}

/** `.grad += g` (a new tensor; an old `.grad` someone holds is left as it was). */
export function storeGrad(t: Tensor, slot: GradSlot, createGraph: boolean): void {
  traceListener()?.gradStored(t);
  if (t.grad === null) {
    t.grad = ownedCopy(slot, createGraph);
    return;
  }
  checkAccumulation(t, slot);
  if (createGraph) t.grad = add(t.grad, slot.grad);
  else if (t.grad.ndim === 0 && slot.grad.dtype === t.grad.dtype && T.isFloat(t.grad.dtype) && !isRecording()) {
    // 0-d floats (the scalar path): the same sum, rounded to the dtype as storing it rounds
    t.grad = gradTensor(rounding(t.grad.dtype)(readScalar(t.grad) + readScalar(slot.grad)), t.grad.dtype);
  } else t.grad = new Tensor(T.add(t.grad.value, slot.grad.value));
}
