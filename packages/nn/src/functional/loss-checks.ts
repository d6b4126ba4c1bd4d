/**
 * Argument checks shared by the losses: tensors where tensors are expected, a known reduction
 * (`'avg'` is an error listing the valid ones, never taken as the mean), no unknown option keys,
 * and values in range where the loss is only defined there (probabilities in [0, 1]).
 */
import * as T from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';
import { ModuleError } from '../errors.js';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? `'${v}'` : `${typeof v} ${String(v)}`;
}

/** Throws a DTypeError unless `v` is a Tensor (a JS number or array is not converted silently). */
export function checkTensor(op: string, what: string, v: unknown): asserts v is Tensor {
  if (!(v instanceof Tensor))
    throw new T.DTypeError(op, `${what} must be a Tensor, got ${describe(v)} (make one with tensor(...))`);
}

/**
 * Checks a loss's options object: its keys (`reduction` and `extra`) and the reduction, one of
 * `reductions`; returns the reduction (`'mean'` when not given).
 */
export function lossReduction<R extends string>(
  op: string,
  options: unknown,
  reductions: readonly R[],
  extra: readonly string[] = [],
): R | 'mean' {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ModuleError(op, `options must be an object such as { reduction: 'sum' }, got ${describe(options)}`);
  const valid = ['reduction', ...extra];
  for (const [k, v] of Object.entries(options))
    if (!valid.includes(k) && v !== undefined)
      throw new ModuleError(
        op,
        `unknown option key "${k}"; the valid ones are ${valid.map((name) => `"${name}"`).join(', ')}`,
      );
  const r: unknown = (options as { reduction?: unknown }).reduction;
  if (r === undefined) return 'mean';
  if (typeof r !== 'string' || !(reductions as readonly string[]).includes(r))
    throw new T.RangeError(
      op,
      `unknown reduction ${describe(r)}; the valid ones are ${reductions.map((name) => `'${name}'`).join(', ')}`,
    );
  return r as R;
}

/** Throws a RangeError unless every element of `t` lies in [0, 1] (NaN included). */
export function checkUnitInterval(op: string, what: string, t: Tensor): void {
  T.hostCheck(op, checkUnit, op, what, t.value); // a compiled step checks each batch's values too
}

function checkUnit(op: string, what: string, x: T.NDArray): void {
  const c = x.contiguous();
  for (let i = 0; i < c.size; i++) {
    const v = c.data[c.offset + i]!;
    if (!(v >= 0 && v <= 1))
      throw new T.RangeError(
        op,
        `${what} must be in [0, 1], got ${v} at element ${i}` +
          (what === 'prediction' ? ' (pass probabilities, e.g. after a sigmoid, or use bceWithLogits on logits)' : ''),
      );
  }
}
