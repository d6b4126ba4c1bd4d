/**
 * The pointwise part of the GRU cell, one kernel each way (Backend.fusedGruCell and fusedGruCellBackward):
 * what the unfused ops compute from the gates' pre-activations, with their bits. Every value the
 * unfused chain stores is rounded here at the same step (Math.fround for float32; float64 arithmetic
 * is already that rounding). The activations are the running backend's unary kernels: the same bits
 * on every backend (the project's rule), and fast where a backend has fast ones (wasm's are several
 * times faster than Math.tanh and Math.exp in a loop). Operands that are not contiguous are copied first.
 */
import { type Backend, type GruCellGrads, getBackend } from '../../backend.js';
import type { NDArray } from '../../ndarray.js';
import { GRU_CELL_PLANES as PLANES } from '../../ops/recurrent.js';
import { checkOut } from '../out.js';
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
 * [h', r, z, n] from the input part xGates [..., 3H], the hidden part hGates [..., 3H] and h [..., H]:
 * the r and z sums by the binary kernel and σ of them in one unary call, n's pre-activation in a
 * loop and tanh of it into its plane, then h' in a loop. Written into `into` when given.
 */
export function fusedGruCell(xGates: NDArray, hGates: NDArray, h: NDArray, into?: NDArray): NDArray {
  const kernels = getBackend();
  const dtype = h.dtype;
  const hidden = h.shape[h.ndim - 1]!;
  const x = contiguous(xGates),
    hg = contiguous(hGates),
    hh = contiguous(h);
  const out = checkOut('fusedGruCell', into, [PLANES, ...h.shape], dtype) ?? planesLike(h, PLANES);
  const rows = rowsOf(h);
  const rzPart = (t: NDArray): NDArray => t.slice(t.ndim - 1, 0, 2 * hidden);
  const rz = dense(kernels.unary('sigmoid', kernels.binary('add', rzPart(x), rzPart(hg), dtype), dtype));
  const npre = fresh(h, h.shape);
  if (dtype === 'float32')
    gruCandidateF32(
      npre.data as F32,
      rz.data as F32,
      [x.data as F32, x.offset, hg.data as F32, hg.offset],
      rows,
      hidden,
    );
  else
    gruCandidateF64(
      npre.data as F64,
      rz.data as F64,
      [x.data as F64, x.offset, hg.data as F64, hg.offset],
      rows,
      hidden,
    );
  kernels.unary('tanh', npre, dtype, out.select(0, 3));
  if (dtype === 'float32')
    gruStateF32(out.data as F32, out.offset, rz.data as F32, hh.data as F32, hh.offset, rows, hidden);
  else gruStateF64(out.data as F64, out.offset, rz.data as F64, hh.data as F64, hh.offset, rows, hidden);
  return out;
}

/** The input and hidden parts with their offsets. */
type GateOperands<A> = readonly [A, number, A, number];

// n's pre-activation x_n + r·h_n: the float32 chain stores the product before the sum
function gruCandidateF32(o: F32, rz: F32, ops: GateOperands<F32>, rows: number, hidden: number): void {
  const fr = Math.fround;
  const [x, xo, hg, ho] = ops;
  for (let b = 0; b < rows; b++) {
    const gb = 3 * b * hidden + 2 * hidden;
    for (let j = 0; j < hidden; j++)
      o[b * hidden + j] = x[xo + gb + j]! + fr(rz[2 * b * hidden + j]! * hg[ho + gb + j]!);
  }
}

function gruCandidateF64(o: F64, rz: F64, ops: GateOperands<F64>, rows: number, hidden: number): void {
  const [x, xo, hg, ho] = ops;
  for (let b = 0; b < rows; b++) {
    const gb = 3 * b * hidden + 2 * hidden;
    for (let j = 0; j < hidden; j++) o[b * hidden + j] = x[xo + gb + j]! + rz[2 * b * hidden + j]! * hg[ho + gb + j]!;
  }
}

// h' = (1 − z)·n + z·h, and planes r and z: the float32 chain stores 1 − z and both products
function gruStateF32(o: F32, o0: number, rz: F32, h: F32, h0: number, rows: number, hidden: number): void {
  const fr = Math.fround;
  const P = rows * hidden;
  for (let b = 0; b < rows; b++) {
    for (let j = 0; j < hidden; j++) {
      const k = b * hidden + j;
      const z = rz[2 * b * hidden + hidden + j]!;
      o[o0 + k] = fr(fr(1 - z) * o[o0 + 3 * P + k]!) + fr(z * h[h0 + k]!);
      o[o0 + P + k] = rz[2 * b * hidden + j]!;
      o[o0 + 2 * P + k] = z;
    }
  }
}

function gruStateF64(o: F64, o0: number, rz: F64, h: F64, h0: number, rows: number, hidden: number): void {
  const P = rows * hidden;
  for (let b = 0; b < rows; b++) {
    for (let j = 0; j < hidden; j++) {
      const k = b * hidden + j;
      const z = rz[2 * b * hidden + hidden + j]!;
      o[o0 + k] = (1 - z) * o[o0 + 3 * P + k]! + z * h[h0 + k]!;
      o[o0 + P + k] = rz[2 * b * hidden + j]!;
      o[o0 + 2 * P + k] = z;
    }
  }
}

/**
 * The gradients of both gate parts and of h from `grad` [..., H] (of h'), `cell` (the forward's
 * planes, whose r, z and n it reads), hGates (its h_n part) and h: the unfused chain's backward.
 */
export function fusedGruCellBackward(
  grad: NDArray,
  cell: NDArray,
  hGates: NDArray,
  h: NDArray,
  into?: GruCellGrads,
): GruCellGrads {
  const gr = contiguous(grad),
    s = contiguous(cell),
    hg = contiguous(hGates),
    hh = contiguous(h);
  const hidden = h.shape[h.ndim - 1]!;
  const gateShape = [...h.shape.slice(0, -1), 3 * hidden];
  const out = (given: NDArray | undefined, shape: readonly number[]): NDArray =>
    checkOut('fusedGruCellBackward', given, shape, h.dtype) ?? fresh(h, shape);
  const dx = out(into?.xGates, gateShape),
    dhg = out(into?.hGates, gateShape),
    dh = out(into?.h, h.shape);
  const rows = rowsOf(h);
  if (h.dtype === 'float32')
    gruBackF32(
      [elements(dx) as F32, elements(dhg) as F32, elements(dh) as F32],
      [gr.data as F32, gr.offset, s.data as F32, s.offset, hh.data as F32, hh.offset],
      [hg.data as F32, hg.offset],
      rows,
      hidden,
    );
  else
    gruBackF64(
      [elements(dx) as F64, elements(dhg) as F64, elements(dh) as F64],
      [gr.data as F64, gr.offset, s.data as F64, s.offset, hh.data as F64, hh.offset],
      [hg.data as F64, hg.offset],
      rows,
      hidden,
    );
  return { xGates: dx, hGates: dhg, h: dh };
}

// ∂(x_n) = G·(1 − z)·(1 − n²), ∂r = ∂(x_n)·h_n·r(1 − r), ∂z = (G·h − G·n)·z(1 − z) (1 − z's rule
// negates), ∂(h_n) = ∂(x_n)·r, ∂h = G·z; both parts get ∂r and ∂z. The float32 chain stores every
// product, difference and sum before it is used again
function gruBackF32(
  out: readonly [F32, F32, F32],
  ops: Operands<F32>,
  hgs: readonly [F32, number],
  rows: number,
  hidden: number,
): void {
  const fr = Math.fround;
  const [dx, dhg, dh] = out;
  const [G, go, S, so, h, h0] = ops;
  const [hg, ho] = hgs;
  const P = rows * hidden;
  for (let b = 0; b < rows; b++) {
    const gb = 3 * b * hidden;
    for (let j = 0; j < hidden; j++) {
      const k = b * hidden + j;
      const sk = so + k;
      const g = G[go + k]!;
      const r = S[sk + P]!,
        z = S[sk + 2 * P]!,
        n = S[sk + 3 * P]!;
      const dn = fr(fr(g * fr(1 - z)) * fr(1 - fr(n * n)));
      const dr = fr(fr(dn * hg[ho + gb + 2 * hidden + j]!) * fr(r * fr(1 - r)));
      const dz = fr(fr(fr(g * h[h0 + k]!) - fr(g * n)) * fr(z * fr(1 - z)));
      dx[gb + j] = dr;
      dx[gb + hidden + j] = dz;
      dx[gb + 2 * hidden + j] = dn;
      dhg[gb + j] = dr;
      dhg[gb + hidden + j] = dz;
      dhg[gb + 2 * hidden + j] = dn * r;
      dh[k] = g * z;
    }
  }
}

function gruBackF64(
  out: readonly [F64, F64, F64],
  ops: Operands<F64>,
  hgs: readonly [F64, number],
  rows: number,
  hidden: number,
): void {
  const [dx, dhg, dh] = out;
  const [G, go, S, so, h, h0] = ops;
  const [hg, ho] = hgs;
  const P = rows * hidden;
  for (let b = 0; b < rows; b++) {
    const gb = 3 * b * hidden;
    for (let j = 0; j < hidden; j++) {
      const k = b * hidden + j;
      const sk = so + k;
      const g = G[go + k]!;
      const r = S[sk + P]!,
        z = S[sk + 2 * P]!,
        n = S[sk + 3 * P]!;
      const dn = g * (1 - z) * (1 - n * n);
      const dr = dn * hg[ho + gb + 2 * hidden + j]! * (r * (1 - r));
      const dz = (g * h[h0 + k]! - g * n) * (z * (1 - z));
      dx[gb + j] = dr;
      dx[gb + hidden + j] = dz;
      dx[gb + 2 * hidden + j] = dn;
      dhg[gb + j] = dr;
      dhg[gb + hidden + j] = dz;
      dhg[gb + 2 * hidden + j] = dn * r;
      dh[k] = g * z;
    }
  }
}

/** The fused GRU kernels of the reference backend. */
export const gruCellFamily = { fusedGruCell, fusedGruCellBackward } satisfies Partial<Backend>;
