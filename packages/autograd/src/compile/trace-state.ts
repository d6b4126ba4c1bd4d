/**
 * What `compile` needs to hear from the rest of autograd while it records a call: gradients bound
 * to tensors (`.grad`), which a replay must bind again, and in-place writes, whose version bumps a
 * replay repeats (reads of values into JavaScript come from the tensor package's host events).
 * One listener at a time; none outside a recording (one null check at each site). While a
 * listener is installed, 0-d floats take the kernel path, not the scalar path, so every value is
 * computed by a kernel the recorder sees.
 */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';

/** The recorder's side of the conversation. */
export interface TraceListener {
  /** The engine stored a gradient in `t.grad` (t: a Tensor; typed loosely so this file imports nothing). */
  gradStored(t: object): void;
  /** Tensor `t` was written in place (its version was bumped once). */
  wroteInPlace(t: object): void;
  /**
   * An op made storage `data` (a typed array) outside the kernels for them to write, no element read
   * before a kernel writes it (a workspace): a replay need not keep or put back its contents.
   */
  scratch(data: object): void;
}

let listener: TraceListener | null = null;

/** The listener recording now, or null. */
export function traceListener(): TraceListener | null {
  return listener;
}

/** Whether a call is being recorded (then the scalar path is off). */
export function isRecording(): boolean {
  return listener !== null;
}

/**
 * Zeros of `shape` and `dtype` for kernels to write, no element read before a kernel writes it (see
 * TraceListener.scratch): a compiled plan keeps it as its own storage and never restores it.
 */
export function scratch(shape: number[], dtype: T.DType): NDArray {
  const a = T.zeros(shape, dtype);
  listener?.scratch(a.data);
  return a;
}

/** Installs (or removes, with null) the listener; returns the previous one. */
export function setTraceListener(next: TraceListener | null): TraceListener | null {
  const prev = listener;
  listener = next;
  return prev;
}
