/**
 * Version counters belong to storage. An in-place write bumps the counter of the storage it writes,
 * and every tensor that sees that storage sees the bump, however it came to see it: an op's view,
 * `detach()`, or a second `tensor(...)` around the same NDArray or typed array. A counter is made
 * only when one is needed (the first in-place write, or a view of a scalar-path result), and is
 * found again through a weak map:
 * - by the typed array's buffer, for every array but the scalar path's;
 * - by the 0-d array itself, for the scalar path's results (ops/scalar-storage.ts): they are
 *   elements of 64-byte chunks shared by unrelated scalars, so a counter per buffer would make
 *   an in-place write to one scalar look like a write to its neighbours.
 *
 * A tensor without a counter of its own holds a placeholder instead (no extra field, and the
 * per-op version read stays one load and one compare): `REGISTRY.none`, which stands for "no
 * counter existed for this storage when last looked", reads as version 0; whenever a counter is
 * made, that placeholder is retired (its value becomes -1) and a new one takes its place, so every
 * tensor that held it looks its storage up again on its next version read. `UNKNOWN` (-1 too) is
 * held by a tensor around storage of unknown history (`new Tensor(array)`), until its first look-up.
 */
import type { NDArray } from '@chainrule/tensor';

/** Shared by every tensor that sees one storage: bumped by every in-place write to it. */
export interface VersionCounter {
  value: number;
}

/**
 * The shape (and strides) of every 0-d result of the scalar path. An array with this very shape
 * object is a chunk element: its counter is found by the array, not by the chunk's buffer.
 */
export const SCALAR_SHAPE: readonly number[] = Object.freeze([]);

const byBuffer = new WeakMap<ArrayBufferLike, VersionCounter>();
const byElement = new WeakMap<NDArray, VersionCounter>();

/** A placeholder's value once it no longer stands for "no counter": the holder must look again. */
export const STALE = -1;

/** The current placeholder ("no counter existed at the last look-up"); replaced whenever a counter is made. */
export const REGISTRY: { none: VersionCounter } = { none: { value: 0 } };

/** The placeholder of a tensor that has not looked its storage up yet (not frozen: one shape for all counters). */
export const UNKNOWN: VersionCounter = { value: STALE };

/** Whether `c` is a counter of some storage, not a placeholder (current or retired). */
export function isCounter(c: VersionCounter): boolean {
  return c.value !== STALE && c !== REGISTRY.none;
}

/** Whether `a` is one of the scalar path's chunk elements. */
export function isChunkElement(a: NDArray): boolean {
  return a.shape === SCALAR_SHAPE;
}

/** The counter of the storage `a` views, if one was made. */
export function findCounter(a: NDArray): VersionCounter | undefined {
  return a.shape === SCALAR_SHAPE ? byElement.get(a) : byBuffer.get(a.data.buffer);
}

/** The counter of the storage `a` views, made (at value 0) if there is none yet. */
export function counterOf(a: NDArray): VersionCounter {
  let c = findCounter(a);
  if (c === undefined) {
    c = { value: 0 };
    if (a.shape === SCALAR_SHAPE) byElement.set(a, c);
    else byBuffer.set(a.data.buffer, c);
    // every tensor holding the current placeholder may see this storage: each looks again
    REGISTRY.none.value = STALE;
    REGISTRY.none = { value: 0 };
  }
  return c;
}
