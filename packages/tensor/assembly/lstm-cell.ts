// The LSTM cell's pointwise part in one call (Backend.fusedLstmCell), bit-identical to the
// TypeScript kernel (src/backends/js/lstm-cell.ts): each activation is unary-math.ts's (computed in
// f64, rounded once for f32), read straight from its part of the gates and written into its plane;
// the state and h' in T arithmetic, each product and sum rounded to T as the unfused ops store them.
import { SIGMOID, TANH, unaryMath } from './unary-math';

/**
 * One row of pre-activations at `pre`: x + (h + bias) over `count` elements (4·hidden: a whole
 * number of vectors), each sum rounded to T (what two binary adds store); x + h where `bias` is 0.
 */
function addRow<T>(count: i32, x: usize, h: usize, bias: usize, pre: usize): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  if (bias != 0) {
    for (let j = 0; j < count; j += L) {
      const o = <usize>j * sz;
      const hb = v128.add<T>(v128.load(h + o), v128.load(bias + o));
      v128.store(pre + o, v128.add<T>(v128.load(x + o), hb));
    }
    return;
  }
  for (let j = 0; j < count; j += L) {
    const o = <usize>j * sz;
    v128.store(pre + o, v128.add<T>(v128.load(x + o), v128.load(h + o)));
  }
}

/**
 * [h', c', σ(i), σ(f), tanh(g), σ(o), tanh(c')] planes of rows·hidden elements each at `out`, from
 * gates [rows, 4·hidden] (i, f, g, o) and c [rows, hidden], all contiguous. Where `hGates` is not 0
 * (also [rows, 4·hidden]), the pre-activations are gates + (hGates + bias) (`bias` [4·hidden], or 0
 * for none), made a row at a time at `pre` (4·hidden elements). `scratch`: unary-math's.
 */
export function lstmCell<T>(
  rows: i32, hidden: i32, gates: usize, hGates: usize, bias: usize, c: usize, out: usize,
  scratch: usize, pre: usize,
): void {
  const sz = <usize>sizeof<T>();
  const n = rows * hidden;
  const P = <usize>n * sz,
    H = <usize>hidden * sz;
  for (let b = 0; b < rows; b++) {
    let g = gates + <usize>b * 4 * H;
    const r = <usize>b * H;
    if (hGates != 0) {
      addRow<T>(4 * hidden, g, hGates + <usize>b * 4 * H, bias, pre);
      g = pre;
    }
    unaryMath<T>(SIGMOID, hidden, g, out + 2 * P + r, scratch);
    unaryMath<T>(SIGMOID, hidden, g + H, out + 3 * P + r, scratch);
    unaryMath<T>(TANH, hidden, g + 2 * H, out + 4 * P + r, scratch);
    unaryMath<T>(SIGMOID, hidden, g + 3 * H, out + 5 * P + r, scratch);
  }
  // c' = σ(f)·c + σ(i)·tanh(g), L lanes at a time (each lane's product and sum rounded as alone)
  const L = 16 / <i32>sz;
  const nv = n - (n % L);
  for (let k = 0; k < nv; k += L) {
    const o = <usize>k * sz;
    const fc = v128.mul<T>(v128.load(out + 3 * P + o), v128.load(c + o));
    const ig = v128.mul<T>(v128.load(out + 2 * P + o), v128.load(out + 4 * P + o));
    v128.store(out + P + o, v128.add<T>(fc, ig));
  }
  for (let k = nv; k < n; k++) {
    const o = <usize>k * sz;
    const fc: T = load<T>(out + 3 * P + o) * load<T>(c + o);
    const ig: T = load<T>(out + 2 * P + o) * load<T>(out + 4 * P + o);
    store<T>(out + P + o, fc + ig);
  }
  unaryMath<T>(TANH, n, out + P, out + 6 * P, scratch);
  // h' = σ(o)·tanh(c')
  for (let k = 0; k < nv; k += L) {
    const o = <usize>k * sz;
    v128.store(out + o, v128.mul<T>(v128.load(out + 5 * P + o), v128.load(out + 6 * P + o)));
  }
  for (let k = nv; k < n; k++) {
    const o = <usize>k * sz;
    store<T>(out + o, load<T>(out + 5 * P + o) * load<T>(out + 6 * P + o));
  }
}

// ∂c' = G_c' + G_h'·σ(o)·(1 − tanh²c'); ∂i = ∂c'·tanh(g)·σ(i)(1 − σ(i)), ∂f = ∂c'·c·σ(f)(1 − σ(f)),
// ∂g = ∂c'·σ(i)·(1 − tanh²g), ∂o = G_h'·tanh(c')·σ(o)(1 − σ(o)), ∂c = ∂c'·σ(f): each product,
// difference and sum rounded to T in the TypeScript kernel's order (no fused multiply-add)
// @ts-expect-error: decorator
@inline function backVec<T>(
  g: usize, n: usize, s: usize, c: usize, dg: usize, dc: usize, k: usize, P: usize, H: usize,
): void {
  const one = v128.splat<T>(<T>1);
  let gh = v128.load(g + k),
    gc = v128.load(g + P + k);
  if (n != 0) {
    gh = v128.add<T>(gh, v128.load(n + k));
    gc = v128.add<T>(gc, v128.load(n + P + k));
  }
  const si = v128.load(s + 2 * P + k),
    sf = v128.load(s + 3 * P + k),
    tg = v128.load(s + 4 * P + k),
    so = v128.load(s + 5 * P + k),
    tc = v128.load(s + 6 * P + k);
  const slopeC = v128.sub<T>(one, v128.mul<T>(tc, tc));
  const gC2 = v128.add<T>(v128.mul<T>(v128.mul<T>(gh, so), slopeC), gc);
  v128.store(dg, v128.mul<T>(v128.mul<T>(gC2, tg), v128.mul<T>(si, v128.sub<T>(one, si))));
  v128.store(dg + H, v128.mul<T>(v128.mul<T>(gC2, v128.load(c + k)), v128.mul<T>(sf, v128.sub<T>(one, sf))));
  v128.store(dg + 2 * H, v128.mul<T>(v128.mul<T>(gC2, si), v128.sub<T>(one, v128.mul<T>(tg, tg))));
  v128.store(dg + 3 * H, v128.mul<T>(v128.mul<T>(gh, tc), v128.mul<T>(so, v128.sub<T>(one, so))));
  v128.store(dc + k, v128.mul<T>(gC2, sf));
}

// @ts-expect-error: decorator
@inline function backSca<T>(
  g: usize, n: usize, s: usize, c: usize, dg: usize, dc: usize, k: usize, P: usize, H: usize,
): void {
  let gh: T = load<T>(g + k),
    gc: T = load<T>(g + P + k);
  if (n != 0) {
    gh = gh + load<T>(n + k);
    gc = gc + load<T>(n + P + k);
  }
  const si = load<T>(s + 2 * P + k),
    sf = load<T>(s + 3 * P + k),
    tg = load<T>(s + 4 * P + k),
    so = load<T>(s + 5 * P + k),
    tc = load<T>(s + 6 * P + k);
  const gC2: T = gh * so * (<T>1 - tc * tc) + gc;
  store<T>(dg, gC2 * tg * (si * (<T>1 - si)));
  store<T>(dg + H, gC2 * load<T>(c + k) * (sf * (<T>1 - sf)));
  store<T>(dg + 2 * H, gC2 * si * (<T>1 - tg * tg));
  store<T>(dg + 3 * H, gh * tc * (so * (<T>1 - so)));
  store<T>(dc + k, gC2 * sf);
}

/**
 * The cell's backward (Backend.fusedLstmCellBackward), bit-identical to the TypeScript kernel: from
 * grad [2, rows, hidden] (of h' and c'; plus `gradNext`, of that shape, where it is not 0), the
 * forward's seven planes `cell` and c [rows, hidden], the gates' gradients [rows, 4·hidden] at
 * `dGates` and c's [rows, hidden] at `dc`; all contiguous.
 */
export function lstmCellBackward<T>(
  rows: i32, hidden: i32, grad: usize, gradNext: usize, cell: usize, c: usize, dGates: usize,
  dc: usize,
): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  const P = <usize>(rows * hidden) * sz,
    H = <usize>hidden * sz;
  for (let b = 0; b < rows; b++) {
    const row = <usize>b * H,
      dg = dGates + <usize>b * 4 * H;
    let j = 0;
    for (; j + L <= hidden; j += L) {
      const o = <usize>j * sz;
      backVec<T>(grad, gradNext, cell, c, dg + o, dc, row + o, P, H);
    }
    for (; j < hidden; j++) {
      const o = <usize>j * sz;
      backSca<T>(grad, gradNext, cell, c, dg + o, dc, row + o, P, H);
    }
  }
}
