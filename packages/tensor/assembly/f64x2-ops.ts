// Short names for the f64x2 operations the vector fdlibm ports are written with.

// @ts-expect-error: decorator
@inline export function sp(x: f64): v128 { return f64x2.splat(x); }
// @ts-expect-error: decorator
@inline export function add(a: v128, b: v128): v128 { return f64x2.add(a, b); }
// @ts-expect-error: decorator
@inline export function sub(a: v128, b: v128): v128 { return f64x2.sub(a, b); }
// @ts-expect-error: decorator
@inline export function mul(a: v128, b: v128): v128 { return f64x2.mul(a, b); }
// @ts-expect-error: decorator
@inline export function div(a: v128, b: v128): v128 { return f64x2.div(a, b); }
/** Lane-wise `mask ? a : b` for comparison masks. */
// @ts-expect-error: decorator
@inline export function pick(mask: v128, a: v128, b: v128): v128 { return v128.bitselect(a, b, mask); }

/** The sign bits of two f64 lanes. */
// @ts-expect-error: decorator
@inline export function signBits(x: v128): v128 { return v128.and(x, i64x2.splat(0x8000000000000000)); }


/** 1.5·2^52: adding it to an integral f64 |k| < 2^51 puts k in the low bits (0x4338000000000000 + k). */
const MAGIC: f64 = 6755399441055744.0;

/** Integral f64 lanes (|k| < 2^51) as i64 lanes, offset by 0x4338000000000000 (exact). */
// @ts-expect-error: decorator
@inline export function intBitsOf(k: v128): v128 { return f64x2.add(k, f64x2.splat(MAGIC)); }

/** i64 lanes (|k| < 2^51) as f64 lanes, exactly. */
// @ts-expect-error: decorator
@inline export function toF64(k: v128): v128 {
  return f64x2.sub(i64x2.add(k, i64x2.splat(0x4338000000000000)), f64x2.splat(MAGIC));
}

/** f32 lanes 0–1 and 2–3 of v as two f64x2. */
// @ts-expect-error: decorator
@inline export function promoteLow(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-expect-error: decorator
@inline export function promoteHigh(v: v128): v128 { return f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 0)); }
/** Two f64x2 rounded to one f32x4. */
// @ts-expect-error: decorator
@inline export function demote2(a: v128, b: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 2);
}
