/**
 * Host work for compilers: functions of arrays computed in JavaScript (`hostKernel`: oneHot,
 * advanced-index positions, an optimizer's bias corrections), validations of array values
 * (`hostCheck`) and host bookkeeping (`hostUpdate`: step counts) tell a tracing compiler
 * (autograd's `compile`), which records them and calls them again on replay. Host events (values
 * computed or read outside the kernels) live in host-events.ts and are re-exported here. Nothing
 * listens outside a recording.
 */
import type { NDArray } from './ndarray.js';
export { type HostComputeListener, noteHostCompute, noteHostRead, setHostComputeListener } from './host-events.js';

/**
 * A function of arrays computed on the host (a fused helper outside the `Backend` contract), pure
 * but for host state that host updates keep (`hostUpdate`): a tracing compiler records it like a
 * kernel and calls it again on replay.
 */
export type HostKernel = (...args: never[]) => NDArray;

/** What a tracing compiler hears of host kernels: the name, the function, its arguments and result. */
export type HostKernelListener = (name: string, kernel: HostKernel, args: readonly unknown[], result: NDArray) => void;

let kernelListener: HostKernelListener | null = null;
let hostDepth = 0;

/**
 * Whether host work is running (a host kernel, check or update): its own kernel calls are part of
 * it, and a tracing compiler does not record them separately.
 * @example
 * ```ts
 * inHostKernel(); // false outside host work
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
 * Runs `check(...args)`, a validation of array values on the host that throws when they are bad
 * (and returns nothing), and tells a tracing compiler, so its plan runs the check again on each
 * replay's values.
 * @example
 * ```ts
 * hostCheck('bce', (p: NDArray) => { if (p.min() < 0) throw new RangeError('bce', 'p < 0'); }, probs);
 * ```
 */
export function hostCheck<A extends unknown[]>(name: string, check: (...args: A) => void, ...args: A): void {
  repeatedOnReplay(name, check, args);
}

/**
 * Runs `update(...args)`, bookkeeping on the host that every call must do (an optimizer's step
 * count), and tells a tracing compiler, so its plan does it again, in order, on each replay. Host
 * kernels that follow may read what it keeps.
 * @example
 * ```ts
 * const state = { step: 0 };
 * hostUpdate('count', (s: { step: number }) => void s.step++, state); // state.step === 1
 * ```
 */
export function hostUpdate<A extends unknown[]>(name: string, update: (...args: A) => void, ...args: A): void {
  repeatedOnReplay(name, update, args);
}

function repeatedOnReplay<A extends unknown[]>(name: string, work: (...args: A) => void, args: A): void {
  // inside a host kernel the work is part of that kernel; the work's own kernels (a copy it reads
  // through) are part of it too, so a replay does not repeat them separately
  const listen = hostDepth === 0 ? checkListener : null;
  const kernels = kernelListener;
  kernelListener = null; // a host kernel inside is part of the work too
  hostDepth++;
  try {
    work(...args);
  } finally {
    kernelListener = kernels;
    hostDepth--;
  }
  listen?.(name, work as unknown as (...a: never[]) => void, args);
}

/** What a tracing compiler hears of host checks and host updates: the name, the function and its arguments. */
export type HostCheckListener = (name: string, check: (...args: never[]) => void, args: readonly unknown[]) => void;

let checkListener: HostCheckListener | null = null;

/** Installs (or removes, with null) the listener of host checks and host updates; returns the previous one. */
export function setHostCheckListener(next: HostCheckListener | null): HostCheckListener | null {
  const prev = checkListener;
  checkListener = next;
  return prev;
}
