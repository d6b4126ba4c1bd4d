import { type AdamArrays, type AdamConstants, getBackend } from '../backend.js';
import { isFloat } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { mayOverlap, sameView } from '../overlap.js';
import { shapesEqual } from '../shape.js';

/** Whether a and b share a byte of storage (the same view included). */
function shares(a: NDArray, b: NDArray): boolean {
  return a.size > 0 && b.size > 0 && a.data.buffer === b.data.buffer && (sameView(a, b) || mayOverlap(a, b));
}

/**
 * Whether `adamUpdate` takes these operands: contiguous float arrays of one dtype and shape, none
 * sharing storage with another, and two coefficients of that dtype. (An optimizer runs the unfused
 * ops where it does not.)
 * @example
 * ```ts
 * const p = zeros([3, 2]);
 * adamUpdateFits(p, zeros([3, 2]), zeros([3, 2]), zeros([3, 2]), undefined, zeros([2])); // true
 * adamUpdateFits(p.transpose(), zeros([2, 3]), zeros([2, 3]), zeros([2, 3]), undefined, zeros([2])); // false
 * ```
 */
export function adamUpdateFits(...arrays: AdamArrays): boolean {
  return adamProblem(...arrays) === null;
}

function adamProblem(...[p, g, m, v, vmax, coefficients]: AdamArrays): ShapeError | DTypeError | null {
  // the operands by name, in order (vmax where given)
  const named = Object.entries({ p, g, m, v, vmax }).filter((e): e is [string, NDArray] => e[1] !== undefined);
  if (!isFloat(p.dtype)) return new DTypeError('adamUpdate', `expected float arrays, got p of ${p.dtype}`);
  for (const [name, x] of named) {
    if (x.dtype !== p.dtype)
      return new DTypeError('adamUpdate', `${name} is ${x.dtype}, expected p's dtype ${p.dtype}`);
    if (!shapesEqual(x.shape, p.shape))
      return new ShapeError('adamUpdate', `${name} has shape ${fmtShape(x.shape)}, expected p's ${fmtShape(p.shape)}`);
    if (!x.isContiguous) return new ShapeError('adamUpdate', `${name} must be contiguous (a strided view was given)`);
  }
  for (let i = 0; i < named.length; i++) {
    for (let j = i + 1; j < named.length; j++) {
      if (shares(named[i]![1], named[j]![1]))
        return new ShapeError('adamUpdate', `${named[i]![0]} and ${named[j]![0]} share storage; each must be its own`);
    }
  }
  if (coefficients.dtype !== p.dtype || coefficients.ndim !== 1 || coefficients.size !== 2) {
    return new ShapeError(
      'adamUpdate',
      `coefficients must be 2 elements of ${p.dtype} ([bias correction, step]), ` +
        `got ${fmtShape(coefficients.shape)} of ${coefficients.dtype}`,
    );
  }
  return null;
}

/**
 * One Adam step in place (PyTorch's update; see Backend.adamUpdate): m ← m·β₁ + g·(1 − β₁),
 * v ← v·β₂ + g²·(1 − β₂) (AMSGrad: vmax ← max(vmax, v), used instead of v), and
 * p ← p + (m / (√v / bc + ε))·step with [bc, step] = `coefficients`, √(1 − β₂ᵗ) and −η/(1 − β₁ᵗ).
 * One pass with the bits of the unfused ops (each rounded to the dtype in their order).
 * @throws DTypeError or ShapeError (naming adamUpdate and the operand) for operands that are not
 * contiguous float arrays of p's shape and dtype, that share storage, or two coefficients; nothing
 * is written then.
 * @example
 * ```ts
 * const p = array([1, 2]), g = array([0.5, -0.5]), m = zeros([2]), v = zeros([2]);
 * adamUpdate(p, g, m, v, undefined, array([Math.sqrt(1 - 0.999), -0.001 / (1 - 0.9)]), {
 *   beta1: 0.9, beta2: 0.999, eps: 1e-8,
 * }); // p ≈ [0.999, 2.001]
 * ```
 */
export function adamUpdate(...args: [...AdamArrays, constants: AdamConstants]): void {
  const problem = adamProblem(...(args.slice(0, 6) as AdamArrays));
  if (problem !== null) throw problem;
  getBackend().adamUpdate(...args);
}
