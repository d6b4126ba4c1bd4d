// Reductions of contiguous data viewed as [outer, r, inner]: out[o, i] = reduce_k x[o, k, i].
// Sums of f32 data are accumulated in f64 and rounded once (like the TypeScript backend);
// max/min propagate NaN. Products are accumulated in f64, each output's factors multiplied in order
// k = 0, 1, ... from 1 and rounded once: exactly the TypeScript backend's arithmetic.

/** Reduce op codes (keep in sync with src/backends/wasm/ops.ts). */
export const SUM = 0, RMAX = 1, RMIN = 2, PROD = 3;

// @ts-expect-error: decorator
@inline function vecPick<T>(op: i32, x: v128, y: v128): v128 {
  return op == RMAX ? v128.max<T>(x, y) : v128.min<T>(x, y);
}

// @ts-expect-error: decorator
@inline function scaPick<T>(op: i32, x: T, y: T): T {
  return op == RMAX ? max<T>(x, y) : min<T>(x, y);
}

/** Sum of n contiguous values, accumulated in f64 (4 f64 lanes × 2 accumulators, then the tail). */
function sumRow<T>(n: i32, x: usize): f64 {
  let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
  let j = 0;
  if (sizeof<T>() == 4) {
    for (; j + 8 <= n; j += 8) {
      const p = x + (<usize>j << 2);
      const v = v128.load(p), w = v128.load(p, 16);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      s2 = f64x2.add(s2, f64x2.promote_low_f32x4(w));
      s3 = f64x2.add(s3, f64x2.promote_low_f32x4(i32x4.shuffle(w, w, 2, 3, 0, 1)));
    }
  } else {
    for (; j + 8 <= n; j += 8) {
      const p = x + (<usize>j << 3);
      s0 = f64x2.add(s0, v128.load(p));
      s1 = f64x2.add(s1, v128.load(p, 16));
      s2 = f64x2.add(s2, v128.load(p, 32));
      s3 = f64x2.add(s3, v128.load(p, 48));
    }
  }
  const t = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; j < n; j++) s += <f64>load<T>(x + <usize>j * sizeof<T>());
  return s;
}

/** max/min of n ≥ 1 contiguous values. */
// @ts-expect-error: decorator
@inline function pickRow<T>(op: i32, n: i32, x: usize): T {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  let r = load<T>(x);
  let j = 0;
  if (n >= 2 * L) {
    let v0 = v128.load(x), v1 = v128.load(x, 16);
    for (j = 2 * L; j + 2 * L <= n; j += 2 * L) {
      const p = x + <usize>j * sz;
      v0 = vecPick<T>(op, v0, v128.load(p));
      v1 = vecPick<T>(op, v1, v128.load(p, 16));
    }
    const v = vecPick<T>(op, v0, v1);
    r = scaPick<T>(op, r, laneOf<T>(v, 0));
    r = scaPick<T>(op, r, laneOf<T>(v, 1));
    if (L == 4) {
      r = scaPick<T>(op, r, laneOf<T>(v, 2));
      r = scaPick<T>(op, r, laneOf<T>(v, 3));
    }
  }
  for (; j < n; j++) r = scaPick<T>(op, r, load<T>(x + <usize>j * sz));
  return r;
}

/** Lane q (a constant after inlining) of v as T. */
// @ts-expect-error: decorator
@inline export function laneOf<T>(v: v128, q: i32): T {
  // Lane indices must be constants: spell them out.
  if (sizeof<T>() == 4) {
    if (q == 0) return <T>f32x4.extract_lane(v, 0);
    if (q == 1) return <T>f32x4.extract_lane(v, 1);
    if (q == 2) return <T>f32x4.extract_lane(v, 2);
    return <T>f32x4.extract_lane(v, 3);
  }
  return q == 0 ? <T>f64x2.extract_lane(v, 0) : <T>f64x2.extract_lane(v, 1);
}

/**
 * out[o·inner + i] = reduce over k < r of x[(o·r + k)·inner + i], for op SUM / RMAX / RMIN / PROD.
 * `acc` is f64 scratch of `inner` elements (f32 sums and all products over a non-last axis). r ≥ 1 for max/min.
 */
export function reduce<T>(op: i32, outer: i32, r: i32, inner: i32, x: usize, out: usize, acc: usize): void {
  if (op == PROD) {
    if (inner == 1) prodRows<T>(outer, r, x, out);
    else prodColumns<T>(outer, r, inner, x, out, acc);
    return;
  }
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>(o * r * inner) * sz;
    const oo = out + <usize>(o * inner) * sz;
    if (inner == 1) {
      if (op == SUM) store<T>(oo, <T>sumRow<T>(r, xo));
      else if (op == RMAX) store<T>(oo, pickRow<T>(RMAX, r, xo));
      else store<T>(oo, pickRow<T>(RMIN, r, xo));
      continue;
    }
    if (op == SUM && sizeof<T>() == 4) {
      memory.fill(acc, 0, <usize>inner << 3);
      for (let k = 0; k < r; k++) {
        const row = xo + <usize>(k * inner) * sz;
        let i = 0;
        for (; i + 4 <= inner; i += 4) {
          const v = v128.load(row + (<usize>i << 2));
          const pa = acc + (<usize>i << 3);
          v128.store(pa, f64x2.add(v128.load(pa), f64x2.promote_low_f32x4(v)));
          v128.store(pa, f64x2.add(v128.load(pa, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
        }
        for (; i < inner; i++) {
          const pa = acc + (<usize>i << 3);
          store<f64>(pa, load<f64>(pa) + <f64>load<f32>(row + (<usize>i << 2)));
        }
      }
      for (let i = 0; i < inner; i++) store<f32>(oo + (<usize>i << 2), <f32>load<f64>(acc + (<usize>i << 3)));
      continue;
    }
    // f64 sums and all max/min: accumulate in the output row itself, rows in order.
    if (op == SUM) memory.fill(oo, 0, <usize>inner * sz);
    else memory.copy(oo, xo, <usize>inner * sz);
    for (let k = op == SUM ? 0 : 1; k < r; k++) {
      const row = xo + <usize>(k * inner) * sz;
      let i = 0;
      for (; i + L <= inner; i += L) {
        const po = oo + <usize>i * sz;
        const v = v128.load(row + <usize>i * sz);
        const cur = v128.load(po);
        v128.store(po, op == SUM ? v128.add<T>(cur, v) : op == RMAX ? v128.max<T>(cur, v) : v128.min<T>(cur, v));
      }
      for (; i < inner; i++) {
        const po = oo + <usize>i * sz;
        const v = load<T>(row + <usize>i * sz);
        const cur = load<T>(po);
        store<T>(po, op == SUM ? cur + v : op == RMAX ? max<T>(cur, v) : min<T>(cur, v));
      }
    }
  }
}

/** Product of n contiguous values in f64, in order (one dependency chain: as the TypeScript loop). */
// @ts-expect-error: decorator
@inline function prodRow<T>(n: i32, x: usize): f64 {
  let p: f64 = 1;
  for (let k = 0; k < n; k++) p *= <f64>load<T>(x + <usize>k * sizeof<T>());
  return p;
}

/**
 * out[o] = Π_k x[o·r + k] (inner = 1). Each product is one sequential chain, so eight rows are
 * multiplied side by side (eight independent chains hide the multiply latency); the order within
 * each row is unchanged. A single row stays one latency-bound chain, no faster than the
 * TypeScript loop (src/backends/wasm/reduce.ts leaves it there).
 */
function prodRows<T>(outer: i32, r: i32, x: usize, out: usize): void {
  const sz = <usize>sizeof<T>();
  const rs = <usize>r * sz;
  let o = 0;
  for (; o + 8 <= outer; o += 8) {
    const p = x + <usize>o * rs;
    let s0: f64 = 1, s1: f64 = 1, s2: f64 = 1, s3: f64 = 1, s4: f64 = 1, s5: f64 = 1, s6: f64 = 1, s7: f64 = 1;
    for (let k = 0; k < r; k++) {
      const q = p + <usize>k * sz;
      s0 *= <f64>load<T>(q);
      s1 *= <f64>load<T>(q + rs);
      s2 *= <f64>load<T>(q + 2 * rs);
      s3 *= <f64>load<T>(q + 3 * rs);
      s4 *= <f64>load<T>(q + 4 * rs);
      s5 *= <f64>load<T>(q + 5 * rs);
      s6 *= <f64>load<T>(q + 6 * rs);
      s7 *= <f64>load<T>(q + 7 * rs);
    }
    const po = out + <usize>o * sz;
    store<T>(po, <T>s0);
    store<T>(po + sz, <T>s1);
    store<T>(po + 2 * sz, <T>s2);
    store<T>(po + 3 * sz, <T>s3);
    store<T>(po + 4 * sz, <T>s4);
    store<T>(po + 5 * sz, <T>s5);
    store<T>(po + 6 * sz, <T>s6);
    store<T>(po + 7 * sz, <T>s7);
  }
  // the last rows: four or two chains side by side, then one
  if (o + 4 <= outer) {
    const p = x + <usize>o * rs;
    let s0: f64 = 1, s1: f64 = 1, s2: f64 = 1, s3: f64 = 1;
    for (let k = 0; k < r; k++) {
      const q = p + <usize>k * sz;
      s0 *= <f64>load<T>(q);
      s1 *= <f64>load<T>(q + rs);
      s2 *= <f64>load<T>(q + 2 * rs);
      s3 *= <f64>load<T>(q + 3 * rs);
    }
    const po = out + <usize>o * sz;
    store<T>(po, <T>s0);
    store<T>(po + sz, <T>s1);
    store<T>(po + 2 * sz, <T>s2);
    store<T>(po + 3 * sz, <T>s3);
    o += 4;
  }
  if (o + 2 <= outer) {
    const p = x + <usize>o * rs;
    let s0: f64 = 1, s1: f64 = 1;
    for (let k = 0; k < r; k++) {
      const q = p + <usize>k * sz;
      s0 *= <f64>load<T>(q);
      s1 *= <f64>load<T>(q + rs);
    }
    const po = out + <usize>o * sz;
    store<T>(po, <T>s0);
    store<T>(po + sz, <T>s1);
    o += 2;
  }
  if (o < outer) store<T>(out + <usize>o * sz, <T>prodRow<T>(r, x + <usize>o * rs));
}

/**
 * out[o, i] = Π_k x[o, k, i] (inner > 1): f64 accumulators, one per i (`acc`, inner f64 values),
 * multiplied row by row, two lanes at a time; each lane still takes its factors in order k.
 */
function prodColumns<T>(outer: i32, r: i32, inner: i32, x: usize, out: usize, acc: usize): void {
  const sz = <usize>sizeof<T>();
  const one = f64x2.splat(1);
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>(o * r * inner) * sz;
    let i = 0;
    for (; i + 2 <= inner; i += 2) v128.store(acc + (<usize>i << 3), one);
    for (; i < inner; i++) store<f64>(acc + (<usize>i << 3), 1);
    for (let k = 0; k < r; k++) {
      const row = xo + <usize>(k * inner) * sz;
      i = 0;
      if (sizeof<T>() == 4) {
        for (; i + 4 <= inner; i += 4) {
          const v = v128.load(row + (<usize>i << 2));
          const pa = acc + (<usize>i << 3);
          v128.store(pa, f64x2.mul(v128.load(pa), f64x2.promote_low_f32x4(v)));
          v128.store(pa, f64x2.mul(v128.load(pa, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
        }
      } else {
        for (; i + 4 <= inner; i += 4) {
          const q = row + (<usize>i << 3);
          const pa = acc + (<usize>i << 3);
          v128.store(pa, f64x2.mul(v128.load(pa), v128.load(q)));
          v128.store(pa, f64x2.mul(v128.load(pa, 16), v128.load(q, 16)), 16);
        }
      }
      for (; i < inner; i++) {
        const pa = acc + (<usize>i << 3);
        store<f64>(pa, load<f64>(pa) * <f64>load<T>(row + <usize>i * sz));
      }
    }
    const oo = out + <usize>(o * inner) * sz;
    for (i = 0; i < inner; i++) store<T>(oo + <usize>i * sz, <T>load<f64>(acc + (<usize>i << 3)));
  }
}

/**
 * out[c] = Σ over i < n and j < s of x[(i·k + c)·s + j]: a sum over the leading and the trailing
 * axes of contiguous data seen as [n, k, s] (a bias gradient over batch and space), each row of s
 * summed as sumRow does and the rows added in f64 in order i = 0, 1, ...; `acc` is f64 scratch of k.
 */
export function sumOuterInner<T>(n: i32, k: i32, s: i32, x: usize, out: usize, acc: usize): void {
  const sz = <usize>sizeof<T>();
  memory.fill(acc, 0, <usize>k << 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const pa = acc + (<usize>c << 3);
      store<f64>(pa, load<f64>(pa) + sumRow<T>(s, x + <usize>((i * k + c) * s) * sz));
    }
  }
  for (let c = 0; c < k; c++) store<T>(out + <usize>c * sz, <T>load<f64>(acc + (<usize>c << 3)));
}
