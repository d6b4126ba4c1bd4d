/**
 * Validation of optimizer state read back by `loadStateDict`: each optimizer declares the keys of
 * its per-parameter state and what each holds, and a saved state is refused (with a typed error
 * naming the optimizer, the key and what was expected) unless every entry fits.
 */
import * as T from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';
import { ModuleError } from '../errors.js';
import { checkObject, unknownKeyError } from './options.js';

/**
 * What one key of a parameter's state holds: `count` a step count (a non-negative integer),
 * `tensor` finite values of the parameter's shape and dtype, `nonnegative` the same, all ≥ 0
 * (second moments, sums of squares).
 */
export type StateKind = 'count' | 'tensor' | 'nonnegative';

/** One key of the per-parameter state. */
export interface StateKey {
  kind: StateKind;
  /** Whether every saved parameter state must hold it (else the optimizer creates it when needed). */
  required: boolean;
}

/** The keys of an optimizer's per-parameter state. */
export type StateSchema = Readonly<Record<string, StateKey>>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return `"${v}"`;
  if (v instanceof Tensor) return `a Tensor of shape ${T.fmtShape(v.shape)}`;
  if (v instanceof T.NDArray) return `an NDArray of shape ${T.fmtShape(v.shape)}`;
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** The values of an array as float64 numbers, in row-major order. */
function valuesOf(v: T.NDArray): ArrayLike<number> {
  return v.contiguous().data;
}

/**
 * Checks one saved parameter state against the schema and returns it as live state (tensors
 * copied, so later steps do not write into the caller's arrays).
 * @param where how messages name the entry, e.g. `state 0`
 */
export function checkParamState(op: string, where: string, saved: unknown, p: Tensor, schema: StateSchema): LiveState {
  checkObject(op, where, saved);
  const live: LiveState = {};
  for (const [k, given] of Object.entries(saved)) {
    const spec = schema[k];
    if (spec === undefined) throw unknownKeyError(op, 'state key', k, Object.keys(schema), where);
    if (spec.kind === 'count') {
      if (typeof given !== 'number' || !Number.isSafeInteger(given) || given < 0)
        throw new T.RangeError(
          op,
          `${where}.${k} must be a non-negative integer (a step count), got ${describe(given)}`,
        );
      live[k] = given;
      continue;
    }
    const v: unknown = given instanceof Tensor ? given.value : given;
    if (!(v instanceof T.NDArray))
      throw new ModuleError(op, `${where}.${k} must be a Tensor of shape ${T.fmtShape(p.shape)}, got ${describe(v)}`);
    if (!T.shapesEqual(v.shape, p.shape))
      throw new T.ShapeError(
        op,
        `${where}.${k} has shape ${T.fmtShape(v.shape)}, its parameter ${T.fmtShape(p.shape)}`,
      );
    if (v.dtype !== p.dtype) throw new T.DTypeError(op, `${where}.${k} is ${v.dtype}, its parameter ${p.dtype}`);
    const data = valuesOf(v);
    for (let i = 0; i < data.length; i++) {
      const x = data[i]!;
      if (!Number.isFinite(x)) throw new T.RangeError(op, `${where}.${k} must be finite, got ${x} at element ${i}`);
      if (spec.kind === 'nonnegative' && x < 0)
        throw new T.RangeError(op, `${where}.${k} must be >= 0 (a mean of squares), got ${x} at element ${i}`);
    }
    live[k] = new Tensor(T.getBackend().copy(v, v.dtype));
  }
  for (const [k, spec] of Object.entries(schema)) {
    if (spec.required && !(k in live))
      throw new ModuleError(
        op,
        `${where} lacks "${k}" (a saved state holds ${Object.entries(schema)
          .filter(([, s]) => s.required)
          .map(([name]) => `"${name}"`)
          .join(', ')})`,
      );
  }
  return live;
}

/** Live per-parameter state: tensors updated in place, and numbers. */
export type LiveState = Record<string, Tensor | number>;

/** The elements of a state tensor as numbers (for cross-key checks such as RMSprop's). */
export function stateValues(t: Tensor): ArrayLike<number> {
  return valuesOf(t.value);
}

/** Describes an unknown value in messages. */
export { describe as describeValue };
