import { RangeError, Rng } from '@chainrule/tensor';

/**
 * A uniformly random permutation of 0..n-1 (Fisher–Yates) drawn from `rng`, or from a fresh
 * `Rng(seed)` when given a number.
 * @example randomPermutation(5, 42); // the same order on every machine
 */
export function randomPermutation(n: number, rngOrSeed: Rng | number): number[] {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError('randomPermutation', `n must be a non-negative integer, got ${n}`);
  const rng = typeof rngOrSeed === 'number' ? new Rng(rngOrSeed) : rngOrSeed;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** A 32-bit seed for epoch `epoch` of a stream seeded with `seed` (murmur3's finalizer on both). */
export function epochSeed(seed: number, epoch: number): number {
  const fmix = (h: number): number => {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  return fmix((fmix(seed >>> 0) + Math.imul(epoch + 1, 0x9e3779b9)) >>> 0);
}
