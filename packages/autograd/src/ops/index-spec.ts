/**
 * The spelling of an index (`x.at(...)`): PyTorch's `x[1:3, ::2, None, ..., idx, mask]` as a
 * string spec or as typed items, read into a list of entries for the indexing functions.
 */
import * as T from '@chainrule/tensor';
import type { NDArray, NestedArray } from '@chainrule/tensor';
import { Tensor } from '../tensor.js';

/** A Python slice `start:stop:step` (any part may be left out; `null` is Python's None). */
export interface Slice {
  readonly kind: 'slice';
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
}

/**
 * Python's `slice(start, stop, step)` for `x.at(...)`: `sl(1, 3)` is `1:3`, `sl(null, null, 2)` is
 * `::2`, `sl()` is `:`. Negative bounds count from the end; a negative step walks backwards (as
 * NumPy; PyTorch refuses negative steps).
 * @example
 * ```ts
 * arange(0, 6).at(sl(1, null, 2)).toArray(); // [1, 3, 5]
 * ```
 */
export function sl(start: number | null = null, stop: number | null = null, step: number | null = null): Slice {
  return { kind: 'slice', start, stop, step };
}

/** A new axis of size 1 (PyTorch's `None`): `x.at(NEW_AXIS)` is `x[None]`. */
export const NEW_AXIS = null;

/** All the axes not otherwise indexed (Python's `...`). */
export const ELLIPSIS = '...';

/**
 * One item of an index: an integer (drops its axis), a `Slice` (`sl(...)`), `null` (`NEW_AXIS`), a
 * string spec of comma-separated items (`'1:3, ::2, None, ...'`), an int32 tensor or nested number
 * array (advanced indexing), or a bool tensor or nested boolean array (a mask over as many axes as
 * it has).
 */
export type IndexItem = number | null | string | Slice | Tensor | readonly NestedArray[];

/** An index read: what each item does. */
export type IndexEntry =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'slice'; readonly start?: number; readonly stop?: number; readonly step: number }
  | { readonly kind: 'new' }
  | { readonly kind: 'ellipsis' }
  | { readonly kind: 'index'; readonly array: NDArray }
  | { readonly kind: 'mask'; readonly array: NDArray };

const INT = /^[+-]?\d+$/;
const SLICE = /^([+-]?\d+)?:([+-]?\d+)?(?::([+-]?\d+)?)?$/;

/** One comma-separated part of a string spec. */
function readPart(op: string, part: string, spec: string): IndexEntry {
  const p = part.replace(/\s+/g, '');
  if (INT.test(p)) return { kind: 'int', value: Number(p) };
  if (p === 'None' || p === 'newaxis') return { kind: 'new' };
  if (p === '...') return { kind: 'ellipsis' };
  const m = SLICE.exec(p);
  if (m !== null) return sliceEntry(op, m[1] && Number(m[1]), m[2] && Number(m[2]), m[3] && Number(m[3]));
  throw new T.RangeError(
    op,
    `cannot read '${part.trim()}' in the index '${spec}': expected an integer, a slice start:stop:step, None or ...`,
  );
}

function sliceEntry(op: string, start?: number | '' | null, stop?: number | '' | null, step?: number | '' | null) {
  const num = (v: number | '' | null | undefined, what: string): number | undefined => {
    if (v === '' || v === null || v === undefined) return undefined;
    if (!Number.isInteger(v)) throw new T.RangeError(op, `the slice ${what} must be an integer or null, got ${v}`);
    return v;
  };
  const s = num(step, 'step') ?? 1;
  if (s === 0) throw new T.RangeError(op, 'a slice step cannot be zero');
  const entry: IndexEntry = { kind: 'slice', start: num(start, 'start'), stop: num(stop, 'stop'), step: s };
  return entry;
}

/** Reads a string spec: comma-separated items (`''` is no item at all). */
function readSpec(op: string, spec: string): IndexEntry[] {
  if (spec.trim() === '') return [];
  return spec.split(',').map((part) => readPart(op, part, spec));
}

/** An index array's entry: int32 values (advanced) or bool (a mask); a 0-d int is an integer. */
function arrayEntry(op: string, a: NDArray, position: number): IndexEntry {
  if (a.dtype === 'bool') {
    if (a.ndim === 0) throw new T.ShapeError(op, `a 0-d bool index (item ${position}) is not supported`);
    return { kind: 'mask', array: a };
  }
  if (a.dtype !== 'int32')
    throw new T.DTypeError(op, `tensors used as indices must be int32 or bool, got ${a.dtype} (item ${position})`);
  if (a.ndim === 0) {
    T.noteHostRead('a 0-d int tensor used as an index');
    return { kind: 'int', value: a.data[a.offset]! };
  }
  return { kind: 'index', array: a };
}

/** Reads the items of an index into entries (no shape is checked here). */
export function readIndex(op: string, items: readonly IndexItem[]): IndexEntry[] {
  const out: IndexEntry[] = [];
  items.forEach((item, i) => {
    if (typeof item === 'number') {
      if (!Number.isInteger(item)) throw new T.RangeError(op, `index ${item} (item ${i}) is not an integer`);
      out.push({ kind: 'int', value: item });
    } else if (item === null) out.push({ kind: 'new' });
    else if (typeof item === 'string') out.push(...readSpec(op, item));
    else if (item instanceof Tensor) out.push(arrayEntry(op, item.value, i));
    else if (Array.isArray(item)) {
      const probe = T.array(item as NestedArray);
      out.push(arrayEntry(op, probe.dtype === 'bool' ? probe : T.array(item as NestedArray, 'int32'), i));
    } else if (typeof item === 'object' && (item as Slice).kind === 'slice') {
      const s = item as Slice;
      out.push(sliceEntry(op, s.start, s.stop, s.step));
    } else {
      const kind = item === undefined ? 'undefined' : typeof item;
      throw new T.DTypeError(
        op,
        `index item ${i} is ${kind}: expected an integer, sl(...), null, a string spec, a tensor or an array`,
      );
    }
  });
  return out;
}

/** The entries with the ellipsis (or, without one, the end) replaced by full slices of the axes left. */
export function expandEllipsis(op: string, entries: readonly IndexEntry[], ndim: number): IndexEntry[] {
  const used = entries.reduce(
    (n, e) =>
      n + (e.kind === 'int' || e.kind === 'slice' || e.kind === 'index' ? 1 : e.kind === 'mask' ? e.array.ndim : 0),
    0,
  );
  const ellipses = entries.filter((e) => e.kind === 'ellipsis').length;
  if (ellipses > 1) throw new T.RangeError(op, `an index can have only one ellipsis (...), got ${ellipses}`);
  if (used > ndim)
    throw new T.RangeError(
      op,
      `too many indices for a tensor of ${ndim} dimension${ndim === 1 ? '' : 's'}: got ${used}`,
    );
  const fill: IndexEntry[] = Array.from({ length: ndim - used }, () => ({ kind: 'slice', step: 1 }));
  const at = entries.findIndex((e) => e.kind === 'ellipsis');
  if (at < 0) return [...entries, ...fill];
  return [...entries.slice(0, at), ...fill, ...entries.slice(at + 1)];
}
