// argmax / argmin of contiguous f32 / f64 data viewed as [outer, r, inner]: out[o, i] (i32) = the
// index k < r of the extreme x[o, k, i]. The rule is the TypeScript backend's, to the bit:
//   best = x[0], at = 0; for k = 1, 2, ... while best is not NaN: if (x[k] > best || x[k] is NaN) take k
// (< for argmin). So the answer is the first NaN's index if there is a NaN, else the first index
// holding the extreme value, with −0 and +0 counting as equal (neither is > the other).
import { laneOf } from './reduce';

/** Arg-reduce op codes (keep in sync with src/backends/wasm/arg-reduce.ts). */
export const ARGMAX = 0, ARGMIN = 1;

/** Whether the scan takes v over best (best not NaN): v beats best, or v is NaN. */
// @ts-expect-error: decorator
@inline function takes<T>(op: i32, v: T, best: T): bool {
  return op == ARGMAX ? !(v <= best) : !(v >= best);
}

/** Lane masks of `takes` with the "best is not NaN" guard: best == best && !(v <= best) (argmax). */
// @ts-expect-error: decorator
@inline function takesVec<T>(op: i32, v: v128, best: v128): v128 {
  return v128.andnot(v128.eq<T>(best, best), op == ARGMAX ? v128.le<T>(v, best) : v128.ge<T>(v, best));
}

/** The TypeScript scan itself, over a contiguous row of n ≥ 1 values. */
// @ts-expect-error: decorator
@inline function scanRow<T>(op: i32, n: i32, x: usize): i32 {
  let best = load<T>(x), at = 0;
  for (let k = 1; k < n && best == best; k++) {
    const v = load<T>(x + <usize>k * sizeof<T>());
    if (takes<T>(op, v, best)) {
      best = v;
      at = k;
    }
  }
  return at;
}

// @ts-expect-error: decorator
@inline function pickVec<T>(op: i32, x: v128, y: v128): v128 {
  return op == ARGMAX ? v128.max<T>(x, y) : v128.min<T>(x, y);
}

// @ts-expect-error: decorator
@inline function pickSca<T>(op: i32, x: T, y: T): T {
  return op == ARGMAX ? max<T>(x, y) : min<T>(x, y);
}

/**
 * The extreme of a contiguous row of n ≥ 4 vectors: wasm's min/max, which propagate NaN (any NaN
 * gives NaN). Which zero it returns on a −0/+0 tie does not matter: the search compares with ==.
 */
// @ts-expect-error: decorator
@inline function extreme<T>(op: i32, n: i32, x: usize): T {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  let v0 = v128.load(x), v1 = v128.load(x, 16), v2 = v128.load(x, 32), v3 = v128.load(x, 48);
  let j = 4 * L;
  for (; j + 4 * L <= n; j += 4 * L) {
    const p = x + <usize>j * sz;
    v0 = pickVec<T>(op, v0, v128.load(p));
    v1 = pickVec<T>(op, v1, v128.load(p, 16));
    v2 = pickVec<T>(op, v2, v128.load(p, 32));
    v3 = pickVec<T>(op, v3, v128.load(p, 48));
  }
  const v = pickVec<T>(op, pickVec<T>(op, v0, v1), pickVec<T>(op, v2, v3));
  let m = pickSca<T>(op, laneOf<T>(v, 0), laneOf<T>(v, 1));
  if (L == 4) m = pickSca<T>(op, m, pickSca<T>(op, laneOf<T>(v, 2), laneOf<T>(v, 3)));
  for (; j < n; j++) m = pickSca<T>(op, m, load<T>(x + <usize>j * sz));
  return m;
}

/**
 * The first index k < n with x[k] == m (m not NaN), or with x[k] NaN (m NaN); one exists. Tests
 * four vectors at a time and stops at the first block holding a match.
 */
// @ts-expect-error: decorator
@inline function firstMatch<T>(n: i32, x: usize, m: T): i32 {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  const nan = m != m;
  const mv = v128.splat<T>(m);
  let j = 0;
  for (; j + 4 * L <= n; j += 4 * L) {
    const p = x + <usize>j * sz;
    const a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32), d = v128.load(p, 48);
    const hit = nan
      ? v128.or(v128.or(v128.ne<T>(a, a), v128.ne<T>(b, b)), v128.or(v128.ne<T>(c, c), v128.ne<T>(d, d)))
      : v128.or(v128.or(v128.eq<T>(a, mv), v128.eq<T>(b, mv)), v128.or(v128.eq<T>(c, mv), v128.eq<T>(d, mv)));
    if (v128.any_true(hit)) break;
  }
  for (; j < n; j++) {
    const v = load<T>(x + <usize>j * sz);
    if (nan ? v != v : v == m) return j;
  }
  return n - 1; // not reached: m is one of the values
}

/** The index of a contiguous row of n ≥ 1 values: the scan for short rows, else extreme + first match. */
// @ts-expect-error: decorator
@inline function argRow<T>(op: i32, n: i32, x: usize): i32 {
  if (n < 64 / <i32>sizeof<T>() * 2) return scanRow<T>(op, n, x);
  return firstMatch<T>(n, x, extreme<T>(op, n, x));
}

/**
 * inner > 1: the scan, run for every i at once, two or four lanes at a time. `best` is scratch of
 * `inner` T values; the running indices live in the output row.
 */
// @ts-expect-error: decorator
@inline function argColumns<T>(op: i32, r: i32, inner: i32, x: usize, out: usize, best: usize): void {
  const sz = <usize>sizeof<T>();
  memory.copy(best, x, <usize>inner * sz);
  memory.fill(out, 0, <usize>inner << 2);
  for (let k = 1; k < r; k++) {
    const row = x + <usize>(k * inner) * sz;
    const kv = i32x4.splat(k);
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const pb = best + <usize>i * sz, pv = row + <usize>i * sz, pi = out + (<usize>i << 2);
      let m: v128;
      if (sizeof<T>() == 4) {
        const b = v128.load(pb), v = v128.load(pv);
        m = takesVec<T>(op, v, b);
        v128.store(pb, v128.bitselect(v, b, m));
      } else {
        const b0 = v128.load(pb), v0 = v128.load(pv), b1 = v128.load(pb, 16), v1 = v128.load(pv, 16);
        const m0 = takesVec<T>(op, v0, b0), m1 = takesVec<T>(op, v1, b1);
        v128.store(pb, v128.bitselect(v0, b0, m0));
        v128.store(pb, v128.bitselect(v1, b1, m1), 16);
        m = i32x4.shuffle(m0, m1, 0, 2, 4, 6); // each 64-bit mask's low half
      }
      v128.store(pi, v128.bitselect(kv, v128.load(pi), m));
    }
    for (; i < inner; i++) {
      const pb = best + <usize>i * sz;
      const b = load<T>(pb), v = load<T>(row + <usize>i * sz);
      if (b == b && takes<T>(op, v, b)) {
        store<T>(pb, v);
        store<i32>(out + (<usize>i << 2), k);
      }
    }
  }
}

// @ts-expect-error: decorator
@inline function argRuns<T>(op: i32, outer: i32, r: i32, inner: i32, x: usize, out: usize, best: usize): void {
  const sz = <usize>sizeof<T>();
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>(o * r * inner) * sz;
    if (inner == 1) store<i32>(out + (<usize>o << 2), argRow<T>(op, r, xo));
    else argColumns<T>(op, r, inner, xo, out + (<usize>(o * inner) << 2), best);
  }
}

/**
 * out[o·inner + i] (i32) = argmax (op ARGMAX) or argmin (ARGMIN) over k < r of x[(o·r + k)·inner + i];
 * r ≥ 1. `best` is scratch of `inner` T values (used when inner > 1).
 */
export function argReduce<T>(op: i32, outer: i32, r: i32, inner: i32, x: usize, out: usize, best: usize): void {
  if (op == ARGMAX) argRuns<T>(ARGMAX, outer, r, inner, x, out, best);
  else argRuns<T>(ARGMIN, outer, r, inner, x, out, best);
}
