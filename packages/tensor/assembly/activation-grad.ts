// Activation gradients g·f′ in one pass over contiguous operands, generic over f32 / f64. Each op
// is rounded to T as it happens (no fused multiply-add), which gives the unfused chain's bits.

/** Op codes (keep in sync with src/backends/wasm/activation-grad.ts). */
export const SIGMOID = 0, TANH = 1, RELU = 2;

// @ts-expect-error: decorator
@inline function gradVec<T>(op: i32, g: v128, s: v128): v128 {
  const one = v128.splat<T>(<T>1);
  // d σ = y·(1 − y)
  if (op == SIGMOID) return v128.mul<T>(g, v128.mul<T>(s, v128.sub<T>(one, s)));
  // d tanh = 1 − y²
  if (op == TANH) return v128.mul<T>(g, v128.sub<T>(one, v128.mul<T>(s, s)));
  // d relu = [x > 0]: the all-ones lanes of the compare select 1.0's bits, the others give +0
  return v128.mul<T>(g, v128.and(v128.gt<T>(s, v128.splat<T>(<T>0)), one));
}

// @ts-expect-error: decorator
@inline function gradSca<T>(op: i32, g: T, s: T): T {
  if (op == SIGMOID) return g * (s * (<T>1 - s));
  if (op == TANH) return g * (<T>1 - s * s);
  return g * (s > <T>0 ? <T>1 : <T>0);
}

// @ts-expect-error: decorator
@inline function gradRun<T>(op: i32, n: i32, g: usize, s: usize, out: usize): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  let j = 0;
  for (; j + L <= n; j += L) {
    const o = <usize>j * sz;
    v128.store(out + o, gradVec<T>(op, v128.load(g + o), v128.load(s + o)));
  }
  for (; j < n; j++) {
    const o = <usize>j * sz;
    store<T>(out + o, gradSca<T>(op, load<T>(g + o), load<T>(s + o)));
  }
}

/** out[j] = g[j]·f′(s[j]) for n contiguous elements (out may equal g or s). */
export function activationGrad<T>(op: i32, n: i32, g: usize, s: usize, out: usize): void {
  switch (op) {
    case SIGMOID: gradRun<T>(SIGMOID, n, g, s, out); break;
    case TANH: gradRun<T>(TANH, n, g, s, out); break;
    default: gradRun<T>(RELU, n, g, s, out); break;
  }
}
