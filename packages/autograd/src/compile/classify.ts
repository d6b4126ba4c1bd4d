/**
 * Compares two recorded calls of one function (the previous and the latest) and says what each
 * array the latest one read is, so the latest tape can be replayed:
 * - `input`: an argument of the call (refilled from the caller's arguments at each replay);
 * - `result`: made by an earlier kernel of the same call (rewritten by that kernel at each replay);
 * - `scratch`: a workspace an op of the same call made for its kernels to write (see `scratch` in
 *   trace-state.ts): the n-th one of the call, rewritten by the kernels at each replay;
 * - `state`: the same storage in both calls (parameters, in-place optimizer state): read live;
 * - `carried`: storage the previous call's kernel k made (state rebound to new storage each call,
 *   like `.grad`): at each replay it gets the latest value of kernel k's result;
 * - `constant`: storage made outside the kernels with the same contents in both calls (numbers
 *   wrapped as arrays, masks of shapes): kept, and put back at each replay if a kernel wrote it.
 * Anything else (a kernel sequence or a number that changed, storage made outside the kernels with
 * new contents) means the call cannot be replayed yet, and the reason is returned instead.
 */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import type { Tensor } from '../tensor.js';
import { isScalarChunk } from '../ops/scalar-storage.js';
import { type Tape, resultArrays, storedInArgs } from './recorder.js';

/** A recorded call: the tape and the arrays that were the function's inputs and outputs. */
export interface RecordedRun {
  readonly rec: Tape;
  readonly inputs: readonly NDArray[];
  readonly outputs: readonly NDArray[];
  /** Tensors the call before bound a `.grad` to whose `.grad` was null when this call began. */
  readonly nullAtStart: ReadonlySet<Tensor>;
}

type Storage = NDArray['data'];

/** Where a storage read by the latest call comes from (see the file comment). */
export type Origin =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'result'; readonly call: number; readonly field: number }
  | { readonly kind: 'scratch'; readonly index: number }
  | { readonly kind: 'state' }
  | { readonly kind: 'carried'; readonly from: Storage; readonly call: number; readonly field: number }
  | { readonly kind: 'constant' };

/** What `classify` finds: every storage's origin, or why the latest call cannot be replayed. */
export type Classification = { readonly origins: Map<Storage, Origin> } | { readonly unstable: string };

/** Internal storages of a run: inputs and kernel results, by storage. */
function internalOrigins(run: RecordedRun): Map<Storage, Origin> {
  const map = new Map<Storage, Origin>();
  run.inputs.forEach((x, index) => {
    map.set(x.data, { kind: 'input', index });
  });
  let index = 0;
  for (const data of run.rec.scratchMade) map.set(data, { kind: 'scratch', index: index++ });
  run.rec.calls.forEach((c, call) => {
    resultArrays(c.result).forEach((r, field) => {
      // a kernel that returns its `out` argument made no storage: that storage came from elsewhere
      if (!map.has(r.data) && !storedInArgs(r, c.args)) map.set(r.data, { kind: 'result', call, field });
    });
  });
  return map;
}

/** View `x` as its storage held it before the run first wrote it (or as it is, if never written), contiguous. */
function before(x: NDArray, rec: Tape): NDArray {
  const snap = rec.snapshots.get(x.data);
  return (snap === undefined ? x : new T.NDArray(snap.values, x.shape, x.strides, x.offset)).contiguous();
}

/** Whether two views of one shape held the same elements (by Object.is: NaN equals NaN, 0 and -0 differ). */
function sameContents(x: NDArray, xr: Tape, y: NDArray, yr: Tape): boolean {
  const a = before(x, xr),
    b = before(y, yr);
  const ad = a.data,
    bd = b.data;
  for (let i = 0, n = a.size; i < n; i++) if (!Object.is(ad[a.offset + i], bd[b.offset + i])) return false;
  return true;
}

/** Deep equality of the non-array arguments of a kernel (numbers by Object.is, so -0 and NaN count). */
export function sameArgument(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameArgument(v, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a),
      kb = Object.keys(b);
    const ra = a as Record<string, unknown>,
      rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => sameArgument(ra[k], rb[k]));
  }
  return false;
}

function sameLayout(a: NDArray, b: NDArray): boolean {
  return a.dtype === b.dtype && T.shapesEqual(a.shape, b.shape) && T.shapesEqual(a.strides, b.strides);
}

function sameOrigin(a: Origin | undefined, b: Origin | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === 'input' && b.kind === 'input') return a.index === b.index;
  if (a.kind === 'result' && b.kind === 'result') return a.call === b.call && a.field === b.field;
  if (a.kind === 'scratch' && b.kind === 'scratch') return a.index === b.index;
  return false;
}

const show = (v: unknown): string =>
  Array.isArray(v) ? `[${v.join(', ')}]` : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);

/**
 * Classifies the storages `cur` read against `prev` (see the file comment).
 * @example
 * ```ts
 * const c = classify(previousRun, latestRun);
 * if ('unstable' in c) console.log(c.unstable); // e.g. "kernel 12 (addScaledInPlace): argument 3 changed: 0.1 → 0.09"
 * ```
 */
export function classify(prev: RecordedRun, cur: RecordedRun): Classification {
  const a = prev.rec.calls,
    b = cur.rec.calls;
  if (a.length !== b.length) return { unstable: `it ran ${b.length} kernels, the call before ${a.length}` };
  const prevInternal = internalOrigins(prev);
  const origins = internalOrigins(cur);
  const external = new Map<Storage, Origin>();
  for (let i = 0; i < b.length; i++) {
    const p = a[i]!,
      c = b[i]!;
    const where = `kernel ${i} (${c.method})`;
    if (p.method !== c.method) return { unstable: `${where} was ${p.method} in the call before` };
    if (p.args.length !== c.args.length) return { unstable: `${where} took another number of arguments` };
    for (let j = 0; j < c.args.length; j++) {
      const x = c.args[j],
        y = p.args[j];
      const label = `${where}: argument ${j + 1}`;
      // an object of arrays (the `into` of a kernel with several results): each array by itself
      const pairs = x instanceof T.NDArray || !isArrayRecord(x) ? [[x, y]] : fieldPairs(x, y);
      for (const [xa, ya] of pairs) {
        if (!(xa instanceof T.NDArray) || !(ya instanceof T.NDArray)) {
          if (!sameArgument(xa, ya)) return { unstable: `${label} changed: ${show(ya)} → ${show(xa)}` };
          continue;
        }
        const why = classifyArray(xa, ya, { prev, cur, origins, prevInternal, external });
        if (why !== undefined) return { unstable: `${label} ${why}` };
      }
    }
  }
  for (const [data, origin] of external) origins.set(data, origin);
  return { origins };
}

/** What classifying one array argument reads and adds to. */
interface ArrayScope {
  readonly prev: RecordedRun;
  readonly cur: RecordedRun;
  readonly origins: Map<Storage, Origin>;
  readonly prevInternal: Map<Storage, Origin>;
  readonly external: Map<Storage, Origin>;
}

/**
 * Classifies array argument `x` (`y` in the call before): its origin is added to `external` when
 * the call did not make it; the reason it cannot be replayed otherwise.
 */
function classifyArray(x: NDArray, y: NDArray, s: ArrayScope): string | undefined {
  if (!sameLayout(x, y)) return 'changed its shape, strides or dtype';
  const own = s.origins.get(x.data);
  if (own !== undefined) {
    // an input or a result: the call before must have read the same one, at the same place
    if (!sameOrigin(own, s.prevInternal.get(y.data)) || x.offset !== y.offset)
      return 'comes from elsewhere than in the call before';
    return undefined;
  }
  const known = s.external.get(x.data);
  const origin = externalOrigin(x, y, s.prev, s.cur, s.prevInternal);
  if (origin === undefined)
    return 'was made outside the kernels (or is a view moved in JavaScript) and changed since the call before';
  if (known !== undefined && known.kind !== origin.kind) return `is read as ${known.kind} and as ${origin.kind}`;
  s.external.set(x.data, origin);
  return undefined;
}

/** Whether `x` is a plain object with an array among its fields. */
function isArrayRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && resultArrays(x).length > 0;
}

/** The fields of two objects side by side (by `x`'s keys), or [[x, y]] where their keys differ. */
function fieldPairs(x: Record<string, unknown>, y: unknown): unknown[][] {
  if (!isArrayRecord(y)) return [[x, y]];
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length || keys.some((k) => !(k in y))) return [[x, y]];
  return keys.map((k) => [x[k], y[k]]);
}

/** The origin of storage read by `cur` that `cur` did not make; undefined when it cannot be replayed. */
function externalOrigin(
  x: NDArray,
  y: NDArray,
  prev: RecordedRun,
  cur: RecordedRun,
  prevInternal: Map<Storage, Origin>,
): Origin | undefined {
  if (x.data === y.data && x.offset === y.offset) return { kind: 'state' };
  // the same storage at another offset: a view moved by JavaScript, unless it is one of the scalar
  // path's shared chunks (numbers land at whatever offset is free; views of them too) that no kernel writes
  if (x.data === y.data && (!isScalarChunk(x.data) || cur.rec.snapshots.has(x.data))) return undefined;
  const made = prevInternal.get(x.data);
  if (made !== undefined && made.kind === 'result') {
    return x.offset === y.offset ? { kind: 'carried', from: x.data, call: made.call, field: made.field } : undefined;
  }
  return sameContents(x, cur.rec, y, prev.rec) ? { kind: 'constant' } : undefined;
}
