/**
 * Counts the backend's copy kernel calls while a function runs: how the tests see that a view is
 * copied once, not twice. Shared by the autograd and nn tests.
 */
import * as T from '@chainrule/tensor';

/**
 * How many times `run` calls the current backend's `copy`, on arrays of `shape` where given (any
 * array otherwise). The kernel is restored afterwards, also when `run` throws.
 * @example
 * ```ts
 * countCopies(() => reshape(transpose(x, 0, 1), [12, 5])); // 1
 * ```
 */
export function countCopies(run: () => void, shape?: readonly number[]): number {
  const backend = T.getBackend();
  const copy = backend.copy;
  let count = 0;
  backend.copy = (...args: Parameters<typeof copy>) => {
    if (shape === undefined || T.shapesEqual(args[0].shape, shape)) count++;
    return copy.apply(backend, args);
  };
  try {
    run();
  } finally {
    backend.copy = copy;
  }
  return count;
}
