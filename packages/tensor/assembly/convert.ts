// Dtype conversions of contiguous runs (the copy kernel's casts), each exactly what storing the
// value into the destination typed array gives in JavaScript: bool and int32 to float are exact
// or rounded to nearest-even, float64 to float32 rounds to nearest-even, float32 to float64 is exact.

/** Conversion codes (keep in sync with src/backends/wasm/convert.ts). */
export const U8_F32 = 0,
  U8_F64 = 1,
  F32_F64 = 2,
  F64_F32 = 3,
  I32_F32 = 4,
  I32_F64 = 5;

/** bytes (0..255) → f32, 16 per step. */
function u8ToF32(n: i32, x: usize, out: usize): void {
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const v = v128.load(x + <usize>j);
    const lo = i16x8.extend_low_i8x16_u(v),
      hi = i16x8.extend_high_i8x16_u(v);
    const o = out + ((<usize>j) << 2);
    v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)));
    v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), 16);
    v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), 32);
    v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)), 48);
  }
  for (; j < n; j++) store<f32>(out + ((<usize>j) << 2), <f32>load<u8>(x + <usize>j));
}

/** bytes (0..255) → f64, 16 per step. */
function u8ToF64(n: i32, x: usize, out: usize): void {
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const v = v128.load(x + <usize>j);
    const lo = i16x8.extend_low_i8x16_u(v),
      hi = i16x8.extend_high_i8x16_u(v);
    const q0 = i32x4.extend_low_i16x8_u(lo),
      q1 = i32x4.extend_high_i16x8_u(lo);
    const q2 = i32x4.extend_low_i16x8_u(hi),
      q3 = i32x4.extend_high_i16x8_u(hi);
    const o = out + ((<usize>j) << 3);
    v128.store(o, f64x2.convert_low_i32x4_s(q0));
    v128.store(o, f64x2.convert_low_i32x4_s(i32x4.shuffle(q0, q0, 2, 3, 0, 1)), 16);
    v128.store(o, f64x2.convert_low_i32x4_s(q1), 32);
    v128.store(o, f64x2.convert_low_i32x4_s(i32x4.shuffle(q1, q1, 2, 3, 0, 1)), 48);
    v128.store(o, f64x2.convert_low_i32x4_s(q2), 64);
    v128.store(o, f64x2.convert_low_i32x4_s(i32x4.shuffle(q2, q2, 2, 3, 0, 1)), 80);
    v128.store(o, f64x2.convert_low_i32x4_s(q3), 96);
    v128.store(o, f64x2.convert_low_i32x4_s(i32x4.shuffle(q3, q3, 2, 3, 0, 1)), 112);
  }
  for (; j < n; j++) store<f64>(out + ((<usize>j) << 3), <f64>load<u8>(x + <usize>j));
}

/** f32 → f64 (exact), 4 per step. */
function f32ToF64(n: i32, x: usize, out: usize): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const v = v128.load(x + ((<usize>j) << 2));
    const o = out + ((<usize>j) << 3);
    v128.store(o, f64x2.promote_low_f32x4(v));
    v128.store(o, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), 16);
  }
  for (; j < n; j++) store<f64>(out + ((<usize>j) << 3), <f64>load<f32>(x + ((<usize>j) << 2)));
}

/** f64 → f32 (rounded to nearest-even), 4 per step. */
function f64ToF32(n: i32, x: usize, out: usize): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const p = x + ((<usize>j) << 3);
    const lo = f32x4.demote_f64x2_zero(v128.load(p)),
      hi = f32x4.demote_f64x2_zero(v128.load(p, 16));
    v128.store(out + ((<usize>j) << 2), i64x2.shuffle(lo, hi, 0, 2));
  }
  for (; j < n; j++) store<f32>(out + ((<usize>j) << 2), <f32>load<f64>(x + ((<usize>j) << 3)));
}

/** i32 → f32 (rounded to nearest-even), 4 per step. */
function i32ToF32(n: i32, x: usize, out: usize): void {
  let j = 0;
  for (; j + 4 <= n; j += 4)
    v128.store(out + ((<usize>j) << 2), f32x4.convert_i32x4_s(v128.load(x + ((<usize>j) << 2))));
  for (; j < n; j++) store<f32>(out + ((<usize>j) << 2), <f32>load<i32>(x + ((<usize>j) << 2)));
}

/** i32 → f64 (exact), 4 per step. */
function i32ToF64(n: i32, x: usize, out: usize): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const v = v128.load(x + ((<usize>j) << 2));
    const o = out + ((<usize>j) << 3);
    v128.store(o, f64x2.convert_low_i32x4_s(v));
    v128.store(o, f64x2.convert_low_i32x4_s(i32x4.shuffle(v, v, 2, 3, 0, 1)), 16);
  }
  for (; j < n; j++) store<f64>(out + ((<usize>j) << 3), <f64>load<i32>(x + ((<usize>j) << 2)));
}

/** out[j] = x[j] converted as `code` says, for n contiguous elements (out must not overlap x). */
export function convert(code: i32, n: i32, x: usize, out: usize): void {
  switch (code) {
    case U8_F32:
      u8ToF32(n, x, out);
      break;
    case U8_F64:
      u8ToF64(n, x, out);
      break;
    case F32_F64:
      f32ToF64(n, x, out);
      break;
    case F64_F32:
      f64ToF32(n, x, out);
      break;
    case I32_F32:
      i32ToF32(n, x, out);
      break;
    default:
      i32ToF64(n, x, out);
      break;
  }
}
