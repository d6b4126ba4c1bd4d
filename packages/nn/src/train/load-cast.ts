/**
 * Casting a file's tensors to the model's dtypes on load, as PyTorch's `load_state_dict` copies
 * into the model's own dtype: a float16 or float64 checkpoint loads into a float32 model, an int64
 * counter into chainrule's int32 buffer. A cast that would lose meaning (a float into an integer
 * or bool buffer, a bool into a float) is always an error.
 */
import * as T from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';
import type { AnyModule } from '../module.js';
import { type SafetensorsDType, isNative } from '../serialization/dtypes.js';
import { CheckpointError } from '../serialization/errors.js';

/**
 * What to do when a tensor's dtype in the file differs from the model's: `'warn'` (the default)
 * casts and says what was cast on the console, `'allow'` casts quietly, `'error'` refuses
 * (nothing is loaded).
 */
export type CastMode = 'warn' | 'allow' | 'error';

/** Options of `loadCheckpoint` and `decodeCheckpoint`. */
export interface LoadCheckpointOptions {
  /** Tensors whose dtype differs from the model's: see `CastMode` (default `'warn'`). */
  cast?: CastMode;
}

/** One cast made on load: the state-dict key, the file's dtype, and the model's. */
export interface LoadCast {
  key: string;
  from: SafetensorsDType;
  to: T.DType;
}

/**
 * Replaces, in `state`, each tensor whose dtype differs from the model's by its cast, and returns
 * the casts. Checks everything before changing anything.
 * @throws CheckpointError (problem `dtype`) for a cast `mode` refuses or that would lose meaning.
 */
export function castToModel(
  op: string,
  state: Map<string, Tensor>,
  fileDtypes: ReadonlyMap<string, SafetensorsDType>,
  model: AnyModule,
  mode: CastMode,
): LoadCast[] {
  if (mode !== 'warn' && mode !== 'allow' && mode !== 'error')
    throw new T.RangeError(op, `cast must be 'warn', 'allow' or 'error', got ${String(mode)}`);
  const targets = new Map<string, Tensor>([...model.namedParameters(), ...model.namedBuffers()]);
  const casts: LoadCast[] = [];
  for (const [key, value] of state) {
    const target = targets.get(key);
    const from = fileDtypes.get(key);
    if (target === undefined || from === undefined) continue;
    if (value.dtype === target.dtype && isNative(from)) continue;
    if (!castable(value.dtype, target.dtype))
      throw new CheckpointError(
        'dtype',
        `"${key}" is ${from} in the file but ${target.dtype} in the model; ${op} does not cast ` +
          `${value.dtype === 'bool' || target.dtype === 'bool' ? 'to or from bool' : 'floats to integers'}`,
      );
    if (mode === 'error')
      throw new CheckpointError(
        'dtype',
        `"${key}" is ${from} in the file but ${target.dtype} in the model (cast: 'error'; nothing was loaded)`,
      );
    casts.push({ key, from, to: target.dtype });
  }
  // an integer narrowed to int32 was range-checked on read: lossless, so not said (chainrule itself
  // writes num_batches_tracked as I64)
  for (const { key, to } of casts) {
    const value = state.get(key)!;
    if (value.dtype !== to) state.set(key, new Tensor(T.cast(value.value, to)));
  }
  return casts;
}

/** Says on the console what was cast (the default mode); lossless integer narrowing is not said. */
export function reportCasts(op: string, allCasts: readonly LoadCast[]): void {
  const casts = allCasts.filter((c) => !(c.to === 'int32' && /^[IU]\d+$/.test(c.from)));
  if (casts.length === 0) return;
  const list = casts.map((c) => `${c.key} (${c.from} → ${c.to})`).join(', ');
  console.warn(`${op}: cast ${casts.length} tensor(s) to the model's dtypes: ${list}`);
}

function castable(from: T.DType, to: T.DType): boolean {
  if (from === to) return true;
  if (from === 'bool' || to === 'bool') return false;
  return T.isFloat(to); // int → float and float → float; never float → int
}
