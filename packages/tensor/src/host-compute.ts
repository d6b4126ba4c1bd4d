/**
 * A hook for compilers: work done on the host (in JavaScript, outside the `Backend` kernels) that
 * makes new values each call — random numbers, one-hot encodings of data — reports itself here.
 * A tracing compiler (autograd's `compile`) installs a listener while it records a call, so it can
 * refuse to bake such values into a replayed plan, and pure host functions of arrays (fused
 * helpers) can be recorded and called again (`hostKernel`). Nothing listens otherwise.
 */
import type { NDArray } from './ndarray.js';

/**
 * What a listener is told: the op that computed values on the host (`kind` 'compute'), or the
 * place that read values into JavaScript to decide something (`kind` 'read').
 */
export type HostComputeListener = (op: string, kind: 'compute' | 'read') => void;

/**
 * A pure function of arrays computed on the host (a fused helper outside the `Backend` contract):
 * a tracing compiler records it like a kernel and calls it again on replay.
 */
export type HostKernel = (...args: never[]) => NDArray;

/** What a tracing compiler hears of host kernels: the name, the function, its arguments and result. */
export type HostKernelListener = (name: string, kernel: HostKernel, args: readonly unknown[], result: NDArray) => void;

let listener: HostComputeListener | null = null;
let kernelListener: HostKernelListener | null = null;
let hostDepth = 0;

/**
 * Whether a host kernel is running under a listener (its own kernel calls are part of it).
 * @example
 * ```ts
 * inHostKernel(); // false outside a recorded host kernel
 * ```
 */
export function inHostKernel(): boolean {
  return hostDepth > 0;
}

/**
 * Installs (or removes, with null) the listener of host kernels; returns the previous one.
 * @example
 * ```ts
 * const prev = setHostKernelListener((name) => console.log('host kernel', name));
 * setHostKernelListener(prev);
 * ```
 */
export function setHostKernelListener(next: HostKernelListener | null): HostKernelListener | null {
  const prev = kernelListener;
  kernelListener = next;
  return prev;
}

/**
 * Runs `kernel(...args)`, a pure function of its arguments computed on the host, and tells a
 * tracing compiler, if one listens, so its plan can call it again. The result must be a new array.
 * @example
 * ```ts
 * import { array, hostKernel } from '@chainrule/tensor';
 * const twice = (x: NDArray) => array(Array.from(x.data, (v) => 2 * v));
 * hostKernel('twice', twice, array([1, 2])); // [2, 4]
 * ```
 */
export function hostKernel<A extends unknown[]>(name: string, kernel: (...args: A) => NDArray, ...args: A): NDArray {
  const listen = kernelListener;
  if (listen === null) return kernel(...args);
  kernelListener = null; // a host kernel's own kernels are part of it
  hostDepth++;
  let result: NDArray;
  try {
    result = kernel(...args);
  } finally {
    kernelListener = listen;
    hostDepth--;
  }
  listen(name, kernel as unknown as HostKernel, args, result);
  return result;
}

/**
 * Installs (or, with null, removes) the listener. Returns the previous one, so nested tracers can
 * restore it.
 * @example
 * ```ts
 * import { setHostComputeListener, rand } from '@chainrule/tensor';
 * const seen: string[] = [];
 * const prev = setHostComputeListener((op) => seen.push(op));
 * rand([2]);
 * setHostComputeListener(prev); // seen[0] === 'random numbers'
 * ```
 */
export function setHostComputeListener(next: HostComputeListener | null): HostComputeListener | null {
  const prev = listener;
  listener = next;
  return prev;
}

/**
 * Reports host-side computation of data by `op` to the listener, if any.
 * @example
 * ```ts
 * noteHostCompute('random numbers'); // what Rng does for each number it draws
 * ```
 */
export function noteHostCompute(op: string): void {
  if (listener !== null) listener(op, 'compute');
}

/**
 * Reports that `what` read array values into JavaScript (a branch, a number for later), to the
 * listener, if any: a replayed plan could not repeat that decision.
 * @example
 * ```ts
 * noteHostRead('item()'); // what NDArray.item() does
 * ```
 */
export function noteHostRead(what: string): void {
  if (listener !== null) listener(what, 'read');
}

/**
 * Runs `check(...args)`, a validation of array values on the host that throws when they are bad
 * (and returns nothing), and tells a tracing compiler, so its plan runs the check again on each
 * replay's values.
 * @example
 * ```ts
 * hostCheck('bce', (p: NDArray) => { if (p.min() < 0) throw new RangeError('bce', 'p < 0'); }, probs);
 * ```
 */
export function hostCheck<A extends unknown[]>(name: string, check: (...args: A) => void, ...args: A): void {
  check(...args);
  // inside a host kernel the check is part of that kernel
  if (hostDepth === 0) checkListener?.(name, check as unknown as (...a: never[]) => void, args);
}

/** What a tracing compiler hears of host checks: the name, the function and its arguments. */
export type HostCheckListener = (name: string, check: (...args: never[]) => void, args: readonly unknown[]) => void;

let checkListener: HostCheckListener | null = null;

/** Installs (or removes, with null) the listener of host checks; returns the previous one. */
export function setHostCheckListener(next: HostCheckListener | null): HostCheckListener | null {
  const prev = checkListener;
  checkListener = next;
  return prev;
}
