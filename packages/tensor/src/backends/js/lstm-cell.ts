/**
 * The pointwise part of the LSTM cell, one kernel each way (Backend.fusedLstmCell and
 * fusedLstmCellBackward): what the unfused ops compute from the gates' pre-activations, with their
 * bits. Every value the unfused chain stores is rounded here at the same step (Math.fround for
 * float32; float64 arithmetic is already that rounding). The activations are the running backend's
 * unary kernels: the same bits on every backend (the project's rule), and fast where a backend has
 * fast ones (wasm's are several times faster than Math.tanh and Math.exp in a loop). Operands that
 * are not contiguous are copied first.
 */
import { type Backend, type LstmCellGrads, getBackend } from '../../backend.js';
import { ShapeError } from '../../errors.js';
import type { NDArray } from '../../ndarray.js';
import { LSTM_CELL_PLANES as PLANES } from '../../ops/recurrent.js';
import { checkOperand, checkOut } from '../out.js';
import { copy } from './copy.js';
import {
  type F32,
  type F64,
  type Operands,
  contiguous,
  dense,
  elements,
  fresh,
  planesLike,
  rowsOf,
} from './recurrent-arrays.js';

/**
 * gates + (hGates + bias) as the binary kernel adds (bias [4H] broadcast over the rows; gates
 * itself without hGates), checked against gates' shape and dtype (a bias needs hGates).
 */
function preActivations(gates: NDArray, hGates?: NDArray, bias?: NDArray): NDArray {
  if (hGates === undefined) {
    if (bias !== undefined) throw new ShapeError('fusedLstmCell', 'bias is added to hGates: give hGates too');
    return gates;
  }
  const kernels = getBackend();
  const dtype = gates.dtype;
  checkOperand('fusedLstmCell', 'hGates', hGates, gates.shape, dtype);
  checkOperand('fusedLstmCell', 'bias', bias, gates.shape.slice(-1), dtype);
  if (bias === undefined) return kernels.binary('add', gates, hGates, dtype);
  const h = kernels.binary('add', hGates, bias.expand(gates.shape), dtype);
  return kernels.binary('add', gates, h, dtype, h); // (h is this call's own: the sum goes into it)
}

/**
 * [h', c', σ(i), σ(f), tanh(g), σ(o), tanh(c')] from gates [..., 4H] (plus hGates + bias where
 * given) and c [..., H]: σ of all four parts in one unary call (σ(g) unused), tanh of the g part,
 * the state in one loop, tanh(c') into its plane, and h' = σ(o)·tanh(c') as the binary kernel
 * multiplies. Written into `into` when given.
 */
export function fusedLstmCell(gates: NDArray, c: NDArray, into?: NDArray, hGates?: NDArray, bias?: NDArray): NDArray {
  const kernels = getBackend();
  const dtype = c.dtype;
  const hidden = c.shape[c.ndim - 1]!;
  const g = contiguous(preActivations(gates, hGates, bias)),
    cc = contiguous(c);
  const out = checkOut('fusedLstmCell', into, [PLANES, ...c.shape], dtype) ?? planesLike(c, PLANES);
  const plane = (k: number): NDArray => out.select(0, k);
  const rows = rowsOf(c);
  const sig = dense(kernels.unary('sigmoid', g, dtype));
  const tg = dense(kernels.unary('tanh', copy(g.slice(g.ndim - 1, 2 * hidden, 3 * hidden), dtype), dtype));
  if (dtype === 'float32')
    lstmStateF32(
      out.data as F32,
      out.offset,
      [sig.data as F32, tg.data as F32, cc.data as F32, cc.offset],
      rows,
      hidden,
    );
  else
    lstmStateF64(
      out.data as F64,
      out.offset,
      [sig.data as F64, tg.data as F64, cc.data as F64, cc.offset],
      rows,
      hidden,
    );
  kernels.unary('tanh', plane(1), dtype, plane(6));
  kernels.binary('mul', plane(5), plane(6), dtype, plane(0));
  return out;
}

/** The activations, the cell state and its offset. */
type StateOperands<A> = readonly [A, A, A, number];

// One monomorphic loop per dtype (a loop over a union of typed arrays runs several times slower).

// c' = σ(f)·c + σ(i)·tanh(g), planes 1 to 5: the float32 chain stores both products before the sum
function lstmStateF32(o: F32, o0: number, ops: StateOperands<F32>, rows: number, hidden: number): void {
  const fr = Math.fround;
  const [s, tg, c, co] = ops;
  const P = rows * hidden;
  for (let b = 0; b < rows; b++) {
    const sb = 4 * b * hidden;
    for (let j = 0; j < hidden; j++) {
      const k = b * hidden + j;
      const si = s[sb + j]!,
        sf = s[sb + hidden + j]!,
        t = tg[k]!;
      o[o0 + P + k] = fr(sf * c[co + k]!) + fr(si * t);
      o[o0 + 2 * P + k] = si;
      o[o0 + 3 * P + k] = sf;
      o[o0 + 4 * P + k] = t;
      o[o0 + 5 * P + k] = s[sb + 3 * hidden + j]!;
    }
  }
}

function lstmStateF64(o: F64, o0: number, ops: StateOperands<F64>, rows: number, hidden: number): void {
  const [s, tg, c, co] = ops;
  const P = rows * hidden;
  for (let b = 0; b < rows; b++) {
    const sb = 4 * b * hidden;
    for (let j = 0; j < hidden; j++) {
      const k = b * hidden + j;
      const si = s[sb + j]!,
        sf = s[sb + hidden + j]!,
        t = tg[k]!;
      o[o0 + P + k] = sf * c[co + k]! + si * t;
      o[o0 + 2 * P + k] = si;
      o[o0 + 3 * P + k] = sf;
      o[o0 + 4 * P + k] = t;
      o[o0 + 5 * P + k] = s[sb + 3 * hidden + j]!;
    }
  }
}

/**
 * The gradients of the gates and of c from `grad` [2, ..., H] (of h' and c'; plus `gradNext` where
 * given, as the binary kernel adds), `cell` (the forward's planes, whose activations it reads) and
 * c: the unfused chain's backward. Written into `into`'s arrays when given.
 */
export function fusedLstmCellBackward(
  grad: NDArray,
  cell: NDArray,
  c: NDArray,
  into?: LstmCellGrads,
  gradNext?: NDArray,
): LstmCellGrads {
  checkOperand('fusedLstmCellBackward', 'gradNext', gradNext, grad.shape, grad.dtype);
  const sum = gradNext === undefined ? grad : getBackend().binary('add', grad, gradNext, grad.dtype);
  const gr = contiguous(sum),
    s = contiguous(cell),
    cc = contiguous(c);
  const hidden = c.shape[c.ndim - 1]!;
  const gateShape = [...c.shape.slice(0, -1), 4 * hidden];
  const dGates = checkOut('fusedLstmCellBackward', into?.gates, gateShape, c.dtype) ?? fresh(c, gateShape),
    dc = checkOut('fusedLstmCellBackward', into?.c, c.shape, c.dtype) ?? fresh(c, c.shape);
  const rows = rowsOf(c);
  if (c.dtype === 'float32')
    lstmBackF32(
      [elements(dGates) as F32, elements(dc) as F32],
      [gr.data as F32, gr.offset, s.data as F32, s.offset, cc.data as F32, cc.offset],
      rows,
      hidden,
    );
  else
    lstmBackF64(
      [elements(dGates) as F64, elements(dc) as F64],
      [gr.data as F64, gr.offset, s.data as F64, s.offset, cc.data as F64, cc.offset],
      rows,
      hidden,
    );
  return { gates: dGates, c: dc };
}

// ∂c' = G_c' + G_h'·σ(o)·(1 − tanh²c'); ∂i = ∂c'·tanh(g)·σ(i)(1 − σ(i)), ∂f = ∂c'·c·σ(f)(1 − σ(f)),
// ∂g = ∂c'·σ(i)·(1 − tanh²g), ∂o = G_h'·tanh(c')·σ(o)(1 − σ(o)), ∂c = ∂c'·σ(f); the float32 chain
// stores every product, difference and sum (each op's rule is one op) before it is used again
function lstmBackF32(out: readonly [F32, F32], ops: Operands<F32>, rows: number, hidden: number): void {
  const fr = Math.fround;
  const [dg, dc] = out;
  const [G, go, S, so0, c, co] = ops;
  const P = rows * hidden;
  for (let b = 0; b < rows; b++) {
    const gb = 4 * b * hidden;
    for (let j = 0; j < hidden; j++) {
      const k = b * hidden + j;
      const sk = so0 + k;
      const gh = G[go + k]!;
      const si = S[sk + 2 * P]!,
        sf = S[sk + 3 * P]!,
        tg = S[sk + 4 * P]!,
        so = S[sk + 5 * P]!,
        tc = S[sk + 6 * P]!;
      const gC2 = fr(fr(fr(gh * so) * fr(1 - fr(tc * tc))) + G[go + P + k]!);
      dg[gb + j] = fr(gC2 * tg) * fr(si * fr(1 - si));
      dg[gb + hidden + j] = fr(gC2 * c[co + k]!) * fr(sf * fr(1 - sf));
      dg[gb + 2 * hidden + j] = fr(gC2 * si) * fr(1 - fr(tg * tg));
      dg[gb + 3 * hidden + j] = fr(gh * tc) * fr(so * fr(1 - so));
      dc[k] = gC2 * sf;
    }
  }
}

function lstmBackF64(out: readonly [F64, F64], ops: Operands<F64>, rows: number, hidden: number): void {
  const [dg, dc] = out;
  const [G, go, S, so0, c, co] = ops;
  const P = rows * hidden;
  for (let b = 0; b < rows; b++) {
    const gb = 4 * b * hidden;
    for (let j = 0; j < hidden; j++) {
      const k = b * hidden + j;
      const sk = so0 + k;
      const gh = G[go + k]!;
      const si = S[sk + 2 * P]!,
        sf = S[sk + 3 * P]!,
        tg = S[sk + 4 * P]!,
        so = S[sk + 5 * P]!,
        tc = S[sk + 6 * P]!;
      const gC2 = gh * so * (1 - tc * tc) + G[go + P + k]!;
      dg[gb + j] = gC2 * tg * (si * (1 - si));
      dg[gb + hidden + j] = gC2 * c[co + k]! * (sf * (1 - sf));
      dg[gb + 2 * hidden + j] = gC2 * si * (1 - tg * tg);
      dg[gb + 3 * hidden + j] = gh * tc * (so * (1 - so));
      dc[k] = gC2 * sf;
    }
  }
}

/** The fused LSTM kernels of the reference backend. */
export const lstmCellFamily = { fusedLstmCell, fusedLstmCellBackward } satisfies Partial<Backend>;
