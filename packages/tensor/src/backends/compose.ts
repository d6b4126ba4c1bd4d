/**
 * Composition of backends, in one place: `composeBackend` completes a backend that implements part
 * of the contract with a reference backend's kernels, and the composed kernels here build a fused
 * kernel out of others (the reference for any layout the fused loops do not cover).
 */
import type { ActivationGradOp, Backend, KernelName } from '../backend.js';
import { type DType, allocate, castScalar } from '../dtype.js';
import { NDArray } from '../ndarray.js';

/** A backend's own kernels: its name and any subset of the contract. */
export type PartialBackend = Pick<Backend, 'name'> & Partial<Pick<Backend, KernelName>>;

/**
 * A complete backend: `own`'s kernels, and for every kernel it lacks the one of `reference`
 * (normally `jsBackend`). Kernels are taken as they are, with no wrapper, so a composed backend costs
 * no extra call: `own` is an object of plain functions (called as methods of the composed backend,
 * never of `own`), and so are `reference`'s own properties; the methods a class-based reference
 * inherits from its prototype are bound to it. A kernel added to the contract and to the reference
 * reaches every composed backend without touching it.
 *
 * @example
 * ```ts
 * import { type Backend, composeBackend, jsBackend, setBackend } from '@chainrule/tensor';
 * let products = 0;
 * const counting: Backend = composeBackend({
 *   name: 'counting',
 *   matmul: (a, b, outDtype) => (products++, jsBackend.matmul(a, b, outDtype)),
 * }, jsBackend);
 * setBackend(counting);
 * ```
 */
export function composeBackend(own: PartialBackend, reference: Backend): Backend {
  const kernels: Record<string, unknown> = Object.fromEntries(kernelsOf(reference));
  for (const [name, kernel] of Object.entries(own)) if (kernel !== undefined) kernels[name] = kernel;
  return kernels as unknown as Backend;
}

/** A kernel of a backend, as a plain function (call it with the backend as `this`). */
export type KernelFunction = (...args: unknown[]) => unknown;

/**
 * Every kernel of `backend` by name: its own function properties as they are, and the methods a
 * class-based backend inherits, bound to it.
 * @example
 * ```ts
 * import { jsBackend, kernelsOf } from '@chainrule/tensor';
 * kernelsOf(jsBackend).has('matmul'); // true
 * ```
 */
export function kernelsOf(backend: Backend): Map<string, KernelFunction> {
  const kernels = new Map<string, KernelFunction>();
  const table = backend as unknown as Record<string, unknown>;
  for (
    let o: object | null = backend;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(o)) {
      const kernel = table[name];
      if (name === 'constructor' || kernels.has(name) || typeof kernel !== 'function') continue;
      kernels.set(name, o === backend ? (kernel as KernelFunction) : (kernel as KernelFunction).bind(backend));
    }
  }
  return kernels;
}

/** A 0-d array holding `value` as `dtype`. */
function scalar(value: number, dtype: DType): NDArray {
  const data = allocate(dtype, 1);
  data[0] = castScalar(value, dtype);
  return new NDArray(data, []);
}

/** The kernels the unfused activation gradient runs on. */
export type ActivationGradKernels = Pick<Backend, 'unary' | 'binary' | 'compare' | 'copy'>;

/**
 * The unfused chain `activationGrad` stands for, op by op on `kernels`: sigmoid g·(y·(1−y)),
 * tanh g·(1−square(y)), relu g·cast(x > 0). The reference, and the path for any layout. The last
 * product is written into `out` when given (contiguous, of g's shape and dtype).
 */
export function composedActivationGrad(
  kernels: ActivationGradKernels,
  op: ActivationGradOp,
  g: NDArray,
  saved: NDArray,
  out?: NDArray,
): NDArray {
  const dtype = g.dtype;
  const shape = g.shape;
  if (op === 'relu') {
    const mask = kernels.compare('gt', saved, scalar(0, dtype).expand(shape));
    return kernels.binary('mul', g, kernels.copy(mask, dtype), dtype, out);
  }
  const one = scalar(1, dtype).expand(shape);
  const slope =
    op === 'tanh'
      ? kernels.binary('sub', one, kernels.unary('square', saved, dtype), dtype)
      : kernels.binary('mul', saved, kernels.binary('sub', one, saved, dtype), dtype);
  return kernels.binary('mul', g, slope, dtype, out);
}

/** The kernels the unfused y ← y + α·x runs on. */
export type AddScaledKernels = Pick<Backend, 'binary' | 'assign'>;

/**
 * y ← y + α·x as the two ops it stands for, on `kernels`: α rounded to y's dtype, the product
 * x·α stored as y's dtype, then the sum, written into y (in place when y is contiguous).
 */
export function composedAddScaledInPlace(kernels: AddScaledKernels, y: NDArray, x: NDArray, alpha: number): void {
  const dtype = y.dtype;
  const scaled = kernels.binary('mul', x, scalar(alpha, dtype).expand(x.shape), dtype);
  if (y.isContiguous) kernels.binary('add', y, scaled, dtype, y);
  else kernels.assign(y, kernels.binary('add', y, scaled, dtype));
}
