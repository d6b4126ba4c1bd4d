// Elementwise kernels, generic over f32 / f64, on "2-D" operands: rows × cols, where each input
// has a row stride (elements) and a column stride of 1 (contiguous) or 0 (broadcast along the row).
// The output is contiguous. Results are correctly rounded in T (the same as computing in f64 and
// rounding once, for + − × ÷ √ min max).

/** Binary op codes (keep in sync with src/backends/wasm/ops.ts). */
export const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4, MIN = 5;
/** Unary op codes (keep in sync with src/backends/wasm/ops.ts). */
export const NEG = 0, ABS = 1, SQRT = 2, SQUARE = 3, RELU = 4, RECIPROCAL = 5;

// @ts-expect-error: decorator
@inline function binVec<T>(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return v128.add<T>(x, y);
  if (op == SUB) return v128.sub<T>(x, y);
  if (op == MUL) return v128.mul<T>(x, y);
  if (op == DIV) return v128.div<T>(x, y);
  if (op == MAX) return v128.max<T>(x, y);
  return v128.min<T>(x, y);
}

// @ts-expect-error: decorator
@inline function binSca<T>(op: i32, x: T, y: T): T {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  if (op == DIV) return x / y;
  if (op == MAX) return max<T>(x, y);
  return min<T>(x, y);
}

/** One row: out[j] = op(a[j·ac], b[j·bc]) for ac, bc ∈ {0, 1}. `op` is a constant after inlining. */
// @ts-expect-error: decorator
@inline function binRow<T>(op: i32, n: i32, a: usize, ac: i32, b: usize, bc: i32, out: usize): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  let j = 0;
  if (ac == 1 && bc == 1) {
    for (; j + L <= n; j += L) {
      const o = <usize>j * sz;
      v128.store(out + o, binVec<T>(op, v128.load(a + o), v128.load(b + o)));
    }
  } else if (ac == 0 && bc == 1) {
    const xs = v128.splat<T>(load<T>(a));
    for (; j + L <= n; j += L) {
      const o = <usize>j * sz;
      v128.store(out + o, binVec<T>(op, xs, v128.load(b + o)));
    }
  } else if (ac == 1 && bc == 0) {
    const ys = v128.splat<T>(load<T>(b));
    for (; j + L <= n; j += L) {
      const o = <usize>j * sz;
      v128.store(out + o, binVec<T>(op, v128.load(a + o), ys));
    }
  }
  for (; j < n; j++) {
    store<T>(out + <usize>j * sz, binSca<T>(op, load<T>(a + <usize>(j * ac) * sz), load<T>(b + <usize>(j * bc) * sz)));
  }
}

// @ts-expect-error: decorator
@inline function binRows<T>(
  op: i32, rows: i32, cols: i32, a: usize, ars: i32, ac: i32, b: usize, brs: i32, bc: i32, out: usize
): void {
  const sz = <usize>sizeof<T>();
  for (let i = 0; i < rows; i++) {
    binRow<T>(op, cols, a + <usize>(i * ars) * sz, ac, b + <usize>(i * brs) * sz, bc, out + <usize>(i * cols) * sz);
  }
}

/** out[i, j] = op(a[i·ars + j·ac], b[i·brs + j·bc]); ac, bc ∈ {0, 1}; out is rows×cols contiguous. */
export function binary<T>(
  op: i32, rows: i32, cols: i32, a: usize, ars: i32, ac: i32, b: usize, brs: i32, bc: i32, out: usize
): void {
  switch (op) {
    case ADD: binRows<T>(ADD, rows, cols, a, ars, ac, b, brs, bc, out); break;
    case SUB: binRows<T>(SUB, rows, cols, a, ars, ac, b, brs, bc, out); break;
    case MUL: binRows<T>(MUL, rows, cols, a, ars, ac, b, brs, bc, out); break;
    case DIV: binRows<T>(DIV, rows, cols, a, ars, ac, b, brs, bc, out); break;
    case MAX: binRows<T>(MAX, rows, cols, a, ars, ac, b, brs, bc, out); break;
    default: binRows<T>(MIN, rows, cols, a, ars, ac, b, brs, bc, out); break;
  }
}

// @ts-expect-error: decorator
@inline function unVec<T>(op: i32, x: v128): v128 {
  if (op == NEG) return v128.neg<T>(x);
  if (op == ABS) return v128.abs<T>(x);
  if (op == SQRT) return v128.sqrt<T>(x);
  if (op == SQUARE) return v128.mul<T>(x, x);
  if (op == RELU) return v128.max<T>(x, v128.splat<T>(<T>0));
  return v128.div<T>(v128.splat<T>(<T>1), x);
}

// @ts-expect-error: decorator
@inline function unSca<T>(op: i32, x: T): T {
  if (op == NEG) return -x;
  if (op == ABS) return abs<T>(x);
  if (op == SQRT) return sqrt<T>(x);
  if (op == SQUARE) return x * x;
  if (op == RELU) return max<T>(x, <T>0);
  return <T>1 / x;
}

// @ts-expect-error: decorator
@inline function unRun<T>(op: i32, n: i32, x: usize, out: usize): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  let j = 0;
  for (; j + L <= n; j += L) {
    const o = <usize>j * sz;
    v128.store(out + o, unVec<T>(op, v128.load(x + o)));
  }
  for (; j < n; j++) store<T>(out + <usize>j * sz, unSca<T>(op, load<T>(x + <usize>j * sz)));
}

/** out[j] = op(x[j]) for n contiguous elements (out may equal x). */
export function unary<T>(op: i32, n: i32, x: usize, out: usize): void {
  switch (op) {
    case NEG: unRun<T>(NEG, n, x, out); break;
    case ABS: unRun<T>(ABS, n, x, out); break;
    case SQRT: unRun<T>(SQRT, n, x, out); break;
    case SQUARE: unRun<T>(SQUARE, n, x, out); break;
    case RELU: unRun<T>(RELU, n, x, out); break;
    default: unRun<T>(RECIPROCAL, n, x, out); break;
  }
}

/** y[i] = y[i] + x[i]·α (axpy, in place): the product rounded to T, then the sum (no fused multiply-add). */
export function axpy<T>(n: i32, y: usize, x: usize, alpha: T): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  const av = v128.splat<T>(alpha);
  let j = 0;
  for (; j + L <= n; j += L) {
    const o = <usize>j * sz;
    v128.store(y + o, v128.add<T>(v128.load(y + o), v128.mul<T>(v128.load(x + o), av)));
  }
  for (; j < n; j++) {
    const o = <usize>j * sz;
    store<T>(y + o, load<T>(y + o) + load<T>(x + o) * alpha);
  }
}
