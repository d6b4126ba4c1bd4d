// Word access on f64, as fdlibm's GET_HIGH_WORD / GET_LOW_WORD / INSERT_WORDS / SET_HIGH_WORD.

/** The high 32 bits of x (sign, exponent, top 20 fraction bits), signed like fdlibm's int32_t hx. */
// @ts-expect-error: decorator
@inline export function highWord(x: f64): i32 {
  return <i32>(reinterpret<i64>(x) >> 32);
}

/** The low 32 bits of x. */
// @ts-expect-error: decorator
@inline export function lowWord(x: f64): u32 {
  return <u32>reinterpret<i64>(x);
}

/** The f64 with high word `hi` and low word `lo`. */
// @ts-expect-error: decorator
@inline export function fromWords(hi: i32, lo: u32): f64 {
  return reinterpret<f64>((<i64><u32>hi << 32) | <i64>lo);
}

/** x with its high word replaced by `hi`. */
// @ts-expect-error: decorator
@inline export function withHighWord(x: f64, hi: i32): f64 {
  return reinterpret<f64>((reinterpret<i64>(x) & 0xFFFFFFFF) | (<i64><u32>hi << 32));
}

/** 2^k for -1022 <= k <= 1023, exactly. */
// @ts-expect-error: decorator
@inline export function pow2(k: i32): f64 {
  return reinterpret<f64>(<i64>(k + 1023) << 52);
}
