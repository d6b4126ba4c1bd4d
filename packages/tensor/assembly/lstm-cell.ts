// The LSTM cell's pointwise part in one call (Backend.fusedLstmCell), bit-identical to the
// TypeScript kernel (src/backends/js/lstm-cell.ts): each activation is unary-math.ts's (computed in
// f64, rounded once for f32), read straight from its part of the gates and written into its plane;
// the state and h' in T arithmetic, each product and sum rounded to T as the unfused ops store them.
import { SIGMOID, TANH, unaryMath } from './unary-math';

/**
 * [h', c', σ(i), σ(f), tanh(g), σ(o), tanh(c')] planes of rows·hidden elements each at `out`, from
 * gates [rows, 4·hidden] (i, f, g, o) and c [rows, hidden], all contiguous. `scratch`: unary-math's.
 */
export function lstmCell<T>(rows: i32, hidden: i32, gates: usize, c: usize, out: usize, scratch: usize): void {
  const sz = <usize>sizeof<T>();
  const n = rows * hidden;
  const P = <usize>n * sz,
    H = <usize>hidden * sz;
  for (let b = 0; b < rows; b++) {
    const g = gates + <usize>b * 4 * H,
      r = <usize>b * H;
    unaryMath<T>(SIGMOID, hidden, g, out + 2 * P + r, scratch);
    unaryMath<T>(SIGMOID, hidden, g + H, out + 3 * P + r, scratch);
    unaryMath<T>(TANH, hidden, g + 2 * H, out + 4 * P + r, scratch);
    unaryMath<T>(SIGMOID, hidden, g + 3 * H, out + 5 * P + r, scratch);
  }
  // c' = σ(f)·c + σ(i)·tanh(g)
  for (let k = 0; k < n; k++) {
    const o = <usize>k * sz;
    const fc: T = load<T>(out + 3 * P + o) * load<T>(c + o);
    const ig: T = load<T>(out + 2 * P + o) * load<T>(out + 4 * P + o);
    store<T>(out + P + o, fc + ig);
  }
  unaryMath<T>(TANH, n, out + P, out + 6 * P, scratch);
  // h' = σ(o)·tanh(c')
  for (let k = 0; k < n; k++) {
    const o = <usize>k * sz;
    store<T>(out + o, load<T>(out + 5 * P + o) * load<T>(out + 6 * P + o));
  }
}
