/**
 * Host events, in a file that imports nothing (ndarray.ts reports its reads here): work done in
 * JavaScript outside the `Backend` kernels — values computed (random numbers) or read to decide
 * something (`item()`) — told to a tracing compiler's listener, if one is installed.
 */

/**
 * What a listener is told: the op that computed values on the host (`kind` 'compute'), or the
 * place that read values into JavaScript to decide something (`kind` 'read').
 */
export type HostComputeListener = (op: string, kind: 'compute' | 'read') => void;

let listener: HostComputeListener | null = null;

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
