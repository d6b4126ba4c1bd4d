// Comparisons giving bool (one byte, 0 or 1, per element), generic over f32 / f64, on "2-D"
// operands laid out as in elementwise.ts: rows × cols, each input with a row stride (elements) and
// a column stride of 1 (contiguous) or 0 (broadcast along the row); the output is contiguous.
// IEEE comparisons, as JavaScript's: anything against NaN is false, except != which is true.

/** Comparison op codes (keep in sync with src/backends/wasm/compare.ts). */
export const EQ = 0, NE = 1, LT = 2, LE = 3, GT = 4, GE = 5;

// @ts-expect-error: decorator
@inline function cmpVec<T>(op: i32, x: v128, y: v128): v128 {
  if (op == EQ) return v128.eq<T>(x, y);
  if (op == NE) return v128.ne<T>(x, y);
  if (op == LT) return v128.lt<T>(x, y);
  if (op == LE) return v128.le<T>(x, y);
  if (op == GT) return v128.gt<T>(x, y);
  return v128.ge<T>(x, y);
}

// @ts-expect-error: decorator
@inline function cmpSca<T>(op: i32, x: T, y: T): u8 {
  if (op == EQ) return <u8>(x == y);
  if (op == NE) return <u8>(x != y);
  if (op == LT) return <u8>(x < y);
  if (op == LE) return <u8>(x <= y);
  if (op == GT) return <u8>(x > y);
  return <u8>(x >= y);
}

/** The k-th vector of a 16-element block: loaded (contiguous, c = 1) or the splat `s` (broadcast, c = 0). */
// @ts-expect-error: decorator
@inline function vecAt(p: usize, c: i32, s: v128, k: i32): v128 {
  return c == 1 ? v128.load(p + <usize>(k << 4)) : s;
}

/** Four 32-bit lane masks (all ones or zero) of 16 elements, as 16 bytes 0 or 1. */
// @ts-expect-error: decorator
@inline function bytesOf(m0: v128, m1: v128, m2: v128, m3: v128): v128 {
  const narrow = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
  return v128.and(narrow, i8x16.splat(1));
}

/** 16 comparison results as bytes. `ac`/`bc` are constants after inlining. */
// @ts-expect-error: decorator
@inline function block16<T>(op: i32, a: usize, ac: i32, as: v128, b: usize, bc: i32, bs: v128): v128 {
  if (sizeof<T>() == 4) {
    return bytesOf(
      cmpVec<T>(op, vecAt(a, ac, as, 0), vecAt(b, bc, bs, 0)),
      cmpVec<T>(op, vecAt(a, ac, as, 1), vecAt(b, bc, bs, 1)),
      cmpVec<T>(op, vecAt(a, ac, as, 2), vecAt(b, bc, bs, 2)),
      cmpVec<T>(op, vecAt(a, ac, as, 3), vecAt(b, bc, bs, 3)),
    );
  }
  // f64: two 64-bit masks per vector; keep the low 32 bits of each (lanes 0 and 2 of the i32 view)
  const m0 = i32x4.shuffle(
    cmpVec<T>(op, vecAt(a, ac, as, 0), vecAt(b, bc, bs, 0)),
    cmpVec<T>(op, vecAt(a, ac, as, 1), vecAt(b, bc, bs, 1)),
    0, 2, 4, 6
  );
  const m1 = i32x4.shuffle(
    cmpVec<T>(op, vecAt(a, ac, as, 2), vecAt(b, bc, bs, 2)),
    cmpVec<T>(op, vecAt(a, ac, as, 3), vecAt(b, bc, bs, 3)),
    0, 2, 4, 6
  );
  const m2 = i32x4.shuffle(
    cmpVec<T>(op, vecAt(a, ac, as, 4), vecAt(b, bc, bs, 4)),
    cmpVec<T>(op, vecAt(a, ac, as, 5), vecAt(b, bc, bs, 5)),
    0, 2, 4, 6
  );
  const m3 = i32x4.shuffle(
    cmpVec<T>(op, vecAt(a, ac, as, 6), vecAt(b, bc, bs, 6)),
    cmpVec<T>(op, vecAt(a, ac, as, 7), vecAt(b, bc, bs, 7)),
    0, 2, 4, 6
  );
  return bytesOf(m0, m1, m2, m3);
}

/** One row: out[j] = a[j·ac] op b[j·bc] for ac, bc ∈ {0, 1}. `op` is a constant after inlining. */
// @ts-expect-error: decorator
@inline function cmpRow<T>(op: i32, n: i32, a: usize, ac: i32, b: usize, bc: i32, out: usize): void {
  const sz = <usize>sizeof<T>();
  const none = v128.splat<i32>(0);
  let j = 0;
  if (ac == 1 && bc == 1) {
    for (; j + 16 <= n; j += 16)
      v128.store(out + <usize>j, block16<T>(op, a + <usize>j * sz, 1, none, b + <usize>j * sz, 1, none));
  } else if (ac == 0 && bc == 1) {
    const xs = v128.splat<T>(load<T>(a));
    for (; j + 16 <= n; j += 16) v128.store(out + <usize>j, block16<T>(op, a, 0, xs, b + <usize>j * sz, 1, none));
  } else if (ac == 1 && bc == 0) {
    const ys = v128.splat<T>(load<T>(b));
    for (; j + 16 <= n; j += 16) v128.store(out + <usize>j, block16<T>(op, a + <usize>j * sz, 1, none, b, 0, ys));
  }
  for (; j < n; j++) {
    store<u8>(out + <usize>j, cmpSca<T>(op, load<T>(a + <usize>(j * ac) * sz), load<T>(b + <usize>(j * bc) * sz)));
  }
}

// @ts-expect-error: decorator
@inline function cmpRows<T>(
  op: i32, rows: i32, cols: i32, a: usize, ars: i32, ac: i32, b: usize, brs: i32, bc: i32, out: usize
): void {
  const sz = <usize>sizeof<T>();
  for (let i = 0; i < rows; i++) {
    cmpRow<T>(op, cols, a + <usize>(i * ars) * sz, ac, b + <usize>(i * brs) * sz, bc, out + <usize>(i * cols));
  }
}

/** bool out[i, j] = a[i·ars + j·ac] op b[i·brs + j·bc]; ac, bc ∈ {0, 1}; out is rows×cols bytes. */
export function compare<T>(
  op: i32, rows: i32, cols: i32, a: usize, ars: i32, ac: i32, b: usize, brs: i32, bc: i32, out: usize
): void {
  switch (op) {
    case EQ: cmpRows<T>(EQ, rows, cols, a, ars, ac, b, brs, bc, out); break;
    case NE: cmpRows<T>(NE, rows, cols, a, ars, ac, b, brs, bc, out); break;
    case LT: cmpRows<T>(LT, rows, cols, a, ars, ac, b, brs, bc, out); break;
    case LE: cmpRows<T>(LE, rows, cols, a, ars, ac, b, brs, bc, out); break;
    case GT: cmpRows<T>(GT, rows, cols, a, ars, ac, b, brs, bc, out); break;
    default: cmpRows<T>(GE, rows, cols, a, ars, ac, b, brs, bc, out); break;
  }
}
