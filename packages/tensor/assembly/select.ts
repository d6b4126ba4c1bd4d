// Selection kernels, generic over f32 / f64: where (cond ? a : b) and clamp. Neither rounds, so
// both are bit-identical to the TypeScript backend (see the notes on each).

// --- where -----------------------------------------------------------------------------------
// Operands laid out as in elementwise.ts: rows × cols, each input with a row stride (elements; bytes
// for the bool condition) and a column stride of 1 (contiguous) or 0 (broadcast along the row); the
// output is contiguous. Values are moved with bit selects and plain loads / stores, never through
// arithmetic, so every bit (NaN payloads, zero signs) comes through unchanged.

/** The k-th vector of a block: loaded (contiguous, c = 1) or the splat `s` (broadcast, c = 0). */
// @ts-expect-error: decorator
@inline function vecAt(p: usize, c: i32, s: v128, k: i32): v128 {
  return c == 1 ? v128.load(p + <usize>(k << 4)) : s;
}

/** Row of n values: a copy of a contiguous row (c = 1) or n copies of one value (c = 0). */
// @ts-expect-error: decorator
@inline function fillRow<T>(n: i32, src: usize, c: i32, out: usize): void {
  const sz = <usize>sizeof<T>();
  if (c == 1) {
    memory.copy(out, src, <usize>n * sz);
    return;
  }
  const L = 16 / <i32>sz;
  const s = v128.splat<T>(load<T>(src));
  let j = 0;
  for (; j + L <= n; j += L) v128.store(out + <usize>j * sz, s);
  for (; j < n; j++) store<T>(out + <usize>j * sz, load<T>(src));
}

/** 16 condition bytes (any non-zero is true) → 16 byte masks (0xff / 0). */
// @ts-expect-error: decorator
@inline function byteMask(c: usize): v128 {
  return i8x16.ne(v128.load(c), i8x16.splat(0));
}

/**
 * One row of a varying condition: out[j] = c[j] ? a[j·ac] : b[j·bc] for ac, bc ∈ {0, 1} (constants
 * after inlining), 16 elements a block: the 16 byte masks are sign-extended to 4 (f32) or 8 (f64)
 * lane masks for bitselect.
 */
// @ts-expect-error: decorator
@inline function whereRow<T>(n: i32, c: usize, a: usize, ac: i32, b: usize, bc: i32, out: usize): void {
  const sz = <usize>sizeof<T>();
  const as = v128.splat<T>(load<T>(a)), bs = v128.splat<T>(load<T>(b));
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const m8 = byteMask(c + <usize>j);
    const lo = i16x8.extend_low_i8x16_s(m8), hi = i16x8.extend_high_i8x16_s(m8);
    const pa = a + <usize>(j * ac) * sz, pb = b + <usize>(j * bc) * sz, po = out + <usize>j * sz;
    const m0 = i32x4.extend_low_i16x8_s(lo), m1 = i32x4.extend_high_i16x8_s(lo);
    const m2 = i32x4.extend_low_i16x8_s(hi), m3 = i32x4.extend_high_i16x8_s(hi);
    if (sizeof<T>() == 4) {
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 0), vecAt(pb, bc, bs, 0), m0));
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 1), vecAt(pb, bc, bs, 1), m1), 16);
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 2), vecAt(pb, bc, bs, 2), m2), 32);
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 3), vecAt(pb, bc, bs, 3), m3), 48);
    } else {
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 0), vecAt(pb, bc, bs, 0), i64x2.extend_low_i32x4_s(m0)));
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 1), vecAt(pb, bc, bs, 1), i64x2.extend_high_i32x4_s(m0)), 16);
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 2), vecAt(pb, bc, bs, 2), i64x2.extend_low_i32x4_s(m1)), 32);
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 3), vecAt(pb, bc, bs, 3), i64x2.extend_high_i32x4_s(m1)), 48);
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 4), vecAt(pb, bc, bs, 4), i64x2.extend_low_i32x4_s(m2)), 64);
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 5), vecAt(pb, bc, bs, 5), i64x2.extend_high_i32x4_s(m2)), 80);
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 6), vecAt(pb, bc, bs, 6), i64x2.extend_low_i32x4_s(m3)), 96);
      v128.store(po, v128.bitselect(vecAt(pa, ac, as, 7), vecAt(pb, bc, bs, 7), i64x2.extend_high_i32x4_s(m3)), 112);
    }
  }
  for (; j < n; j++) {
    const src = load<u8>(c + <usize>j) != 0 ? a + <usize>(j * ac) * sz : b + <usize>(j * bc) * sz;
    store<T>(out + <usize>j * sz, load<T>(src));
  }
}

/**
 * out[i, j] = c[i·crs + j·cc] != 0 ? a[i·ars + j·ac] : b[i·brs + j·bc]; cc, ac, bc ∈ {0, 1}; c is
 * bytes, a, b and the rows × cols output are T. A condition broadcast along the row (cc = 0) picks
 * a whole row of a or of b.
 */
export function where<T>(
  rows: i32, cols: i32, c: usize, crs: i32, cc: i32,
  a: usize, ars: i32, ac: i32, b: usize, brs: i32, bc: i32, out: usize
): void {
  const sz = <usize>sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const ci = c + <usize>(i * crs), ai = a + <usize>(i * ars) * sz, bi = b + <usize>(i * brs) * sz;
    const oi = out + <usize>(i * cols) * sz;
    if (cc == 0) {
      if (load<u8>(ci) != 0) fillRow<T>(cols, ai, ac, oi);
      else fillRow<T>(cols, bi, bc, oi);
    } else if (ac == 1 && bc == 1) whereRow<T>(cols, ci, ai, 1, bi, 1, oi);
    else if (ac == 1) whereRow<T>(cols, ci, ai, 1, bi, 0, oi);
    else if (bc == 1) whereRow<T>(cols, ci, ai, 0, bi, 1, oi);
    else whereRow<T>(cols, ci, ai, 0, bi, 0, oi);
  }
}

// --- clamp -----------------------------------------------------------------------------------
// The TypeScript backend computes min(max(v, lo), hi) in f64 (NaN stays NaN) and rounds to T once.
// For T = f32 this kernel rounds lo and hi to f32 first and works in f32: the same bits, because
// rounding to f32 is monotone (−0 below +0 included) and leaves v unchanged, so it commutes with
// max and min. wasm's min / max order −0 below +0 and return NaN for a NaN operand, as
// Math.min / Math.max do (so clamp(−0, 0, 1) is +0 in both).

/** out[j] = min(max(x[j], lo), hi) for j < n, lo and hi rounded to T. */
export function clamp<T>(n: i32, x: usize, out: usize, lo: f64, hi: f64): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  const l = <T>lo, h = <T>hi;
  const lv = v128.splat<T>(l), hv = v128.splat<T>(h);
  let j = 0;
  for (; j + 4 * L <= n; j += 4 * L) {
    const p = x + <usize>j * sz, q = out + <usize>j * sz;
    const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
    v128.store(q, v128.min<T>(v128.max<T>(v0, lv), hv));
    v128.store(q, v128.min<T>(v128.max<T>(v1, lv), hv), 16);
    v128.store(q, v128.min<T>(v128.max<T>(v2, lv), hv), 32);
    v128.store(q, v128.min<T>(v128.max<T>(v3, lv), hv), 48);
  }
  for (; j < n; j++) store<T>(out + <usize>j * sz, min<T>(max<T>(load<T>(x + <usize>j * sz), l), h));
}
