/**
 * Checks of option objects (optimizer hyperparameters, scheduler options): an unknown key is an
 * error naming it and the valid ones (a misspelt `weight_decay` or `lrr` is never ignored), and a
 * value of the wrong type is an error too (`'0.1'` is not a learning rate).
 */
import * as T from '@chainrule/tensor';
import { ModuleError } from '../errors.js';

/** What type each option key holds. */
export type OptionKinds = ReadonlyMap<string, 'number' | 'boolean' | 'string'>;

/** The kinds of the keys of a defaults object (its numbers, booleans and strings). */
export function kindsOf(defaults: Readonly<Record<string, unknown>>): Map<string, 'number' | 'boolean' | 'string'> {
  const kinds = new Map<string, 'number' | 'boolean' | 'string'>();
  for (const [k, v] of Object.entries(defaults)) {
    const t = typeof v;
    if (t === 'number' || t === 'boolean' || t === 'string') kinds.set(k, t);
  }
  return kinds;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string "${v}"`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** `weight_decay` → `weightDecay`, for the "did you mean" hint. */
function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The error for an unknown key: names it, a likely intended key, and every valid one.
 * @param where where the key was found (`group 0`, `state 1`), or '' at the top level
 */
export function unknownKeyError(
  op: string,
  what: string,
  key: string,
  valid: Iterable<string>,
  where = '',
): ModuleError {
  const list = [...valid];
  const guess = camel(key);
  const hint = guess !== key && list.includes(guess) ? ` (did you mean "${guess}"?)` : '';
  return new ModuleError(
    op,
    `${where === '' ? '' : `${where}: `}unknown ${what} "${key}"${hint}; ` +
      `the valid ones are ${list.map((k) => `"${k}"`).join(', ')}`,
  );
}

/** Checks that `value` is a plain object (not null, an array, a Tensor's number...). */
export function checkObject(op: string, what: string, value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ModuleError(op, `${what} must be an object, got ${typeName(value)}`);
}

/**
 * Checks an options object against the valid keys and their types and returns a copy. PyTorch's
 * `betas: [b1, b2]` is accepted as `beta1` and `beta2` where those are valid keys.
 * @param where where the object was given (`group 0`), or '' for the options argument
 * @param extra keys allowed besides the options (`params` in a parameter group), copied as they are
 */
export function checkOptions(
  op: string,
  where: string,
  options: unknown,
  kinds: OptionKinds,
  extra: readonly string[] = [],
): Record<string, unknown> {
  const at = where === '' ? '' : `${where}: `;
  checkObject(op, where === '' ? 'the options' : where, options);
  const out: Record<string, unknown> = {};
  const valid = [...kinds.keys(), ...extra];
  const canAlias = kinds.get('beta1') === 'number' && kinds.get('beta2') === 'number';
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue; // `{ momentum: undefined }` means the default, as a missing key
    if (extra.includes(key)) {
      out[key] = value;
      continue;
    }
    if (key === 'betas' && canAlias) {
      if (!Array.isArray(value) || value.length !== 2 || !value.every((b) => typeof b === 'number'))
        throw new ModuleError(op, `${at}"betas" must be two numbers [beta1, beta2], got ${typeName(value)}`);
      if ('beta1' in options || 'beta2' in options)
        throw new ModuleError(op, `${at}give either "betas" or "beta1"/"beta2", not both`);
      out.beta1 = value[0];
      out.beta2 = value[1];
      continue;
    }
    const kind = kinds.get(key);
    if (kind === undefined) throw unknownKeyError(op, 'option', key, canAlias ? [...valid, 'betas'] : valid, where);
    if (typeof value !== kind) throw new ModuleError(op, `${at}"${key}" must be a ${kind}, got ${typeName(value)}`);
    out[key] = value;
  }
  return out;
}

/** Throws unless `v` is a finite number in the range the test describes. */
export function checkNumber(op: string, key: string, v: unknown, ok: (x: number) => boolean, expected: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v))
    throw new T.RangeError(op, `${key} must be ${expected}, got ${typeof v === 'number' ? v : typeName(v)}`);
}

/** Throws unless `v` is one of `allowed`. */
export function checkChoice<C extends string>(op: string, key: string, v: unknown, allowed: readonly C[]): C {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    const got = typeof v === 'string' ? `'${v}'` : typeName(v);
    throw new T.RangeError(op, `${key} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${got}`);
  }
  return v as C;
}
