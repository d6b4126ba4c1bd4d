import * as T from '@chainrule/tensor';
import { type DType, DTypeError, type Rng, isFloat } from '@chainrule/tensor';
import { ModuleError } from '../errors.js';
import { Parameter } from '../parameter.js';

/** What every layer with parameters accepts: a seeded generator for its initialization and a dtype. */
export interface LayerOptions {
  /** The generator for the initial weights (default: the tensor package's default Rng). */
  rng?: Rng;
  /** float32 (default) or float64. */
  dtype?: DType;
}

/** The layer's float dtype, checked. */
export function layerDtype(op: string, options: LayerOptions): DType {
  const dtype = options.dtype ?? 'float32';
  if (!isFloat(dtype)) throw new DTypeError(op, `layer parameters must be float32 or float64, got ${dtype}`);
  return dtype;
}

/** A zero-filled parameter of `shape`, to be initialized. */
export function emptyParameter(shape: readonly number[], dtype: DType): Parameter {
  return new Parameter(T.zeros(shape, dtype));
}

/** Checks a size argument is a positive integer. */
export function checkPositiveInt(op: string, name: string, value: number, allowZero = false): void {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new T.RangeError(op, `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`);
  }
}

/**
 * Refuses option keys a layer does not know (`{ bais: false }` is an error, never ignored).
 * `known` lists every key the layer reads, the common `rng` and `dtype` included where it takes them.
 */
export function checkOptions(op: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ModuleError(op, `options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ModuleError(
        op,
        `unknown option key "${key}"; the valid ones are ${known.map((k) => `"${k}"`).join(', ')}`,
      );
    }
  }
}
