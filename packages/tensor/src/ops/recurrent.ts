import { type GruCellGrads, type LstmCellGrads, getBackend } from '../backend.js';
import { isFloat } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { shapesEqual } from '../shape.js';

/**
 * The planes of `fusedLstmCell`'s result, in order: h' and c' (the cell's output), then σ(i), σ(f),
 * tanh(g), σ(o) and tanh(c') (what its backward reads).
 */
export const LSTM_CELL_PLANES = 7;

/** The planes of `fusedGruCell`'s result, in order: h' (the cell's output), then r, z, n (what its backward reads). */
export const GRU_CELL_PLANES = 4;

/** Throws unless every operand is of the first one's float dtype. */
function checkDtypes(op: string, names: readonly string[], xs: readonly NDArray[]): void {
  const dtype = xs[0]!.dtype;
  if (isFloat(dtype) && xs.every((x) => x.dtype === dtype)) return;
  const got = xs.map((x, i) => `${names[i]} ${x.dtype}`).join(', ');
  throw new DTypeError(op, `expected operands of one float dtype (float32 or float64), got ${got}`);
}

/** Throws unless `gates` is [...lead, k·H] for a state of shape [...lead, H]. */
function checkGates(op: string, name: string, gates: NDArray, k: number, state: NDArray, stateName: string): void {
  const s = state.shape;
  const want = s.length === 0 ? [] : [...s.slice(0, -1), k * s[s.length - 1]!];
  if (s.length > 0 && shapesEqual(gates.shape, want)) return;
  const detail =
    s.length === 0
      ? `${stateName} must have at least 1 dimension [..., H], got []`
      : `${name} must be [..., ${k}·H] = ${fmtShape(want)} for ${stateName} ${fmtShape(s)}, ` +
        `got ${fmtShape(gates.shape)}`;
  throw new ShapeError(op, detail);
}

/** Throws unless `cell` is [planes, ...state shape] and `grad` has the shape of the cell's output `gradShape`. */
function checkBackward(
  op: string,
  planes: number,
  gradShape: readonly number[],
  grad: NDArray,
  cell: NDArray,
  state: NDArray,
  name: string,
): void {
  const want = [planes, ...state.shape];
  if (shapesEqual(cell.shape, want) && shapesEqual(grad.shape, gradShape)) return;
  throw new ShapeError(
    op,
    `expected grad ${fmtShape(gradShape)} and cell ${fmtShape(want)} (${planes} planes of ${name} ` +
      `${fmtShape(state.shape)}), got grad ${fmtShape(grad.shape)} and cell ${fmtShape(cell.shape)}`,
  );
}

/**
 * The LSTM cell's pointwise part in one pass, from the gates' pre-activations (PyTorch's order
 * i, f, g, o along the last axis): c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). Returns
 * [7, ..., H] planes h', c', σ(i), σ(f), tanh(g), σ(o), tanh(c') (the last five are what the
 * backward reads). Bit for bit what the unfused ops give, each result rounded to the dtype.
 * @throws ShapeError `fusedLstmCell: gates must be [..., 4·H] = [2,8] for c [2,2], got [2,6]`
 * @example
 * ```ts
 * const planes = fusedLstmCell(zeros([1, 4]), zeros([1, 1])); // [7, 1, 1]
 * planes.select(0, 0).item(); // h' = 0.5·tanh(0) = 0
 * ```
 */
export function fusedLstmCell(gates: NDArray, c: NDArray): NDArray {
  checkDtypes('fusedLstmCell', ['gates', 'c'], [gates, c]);
  checkGates('fusedLstmCell', 'gates', gates, 4, c, 'c');
  return getBackend().fusedLstmCell(gates, c);
}

/**
 * The gradients of `fusedLstmCell`'s gates and c, given `grad` [2, ..., H] (of h' and c'), `cell`
 * (the forward's 7 planes) and c: the unfused ops' backward, bit for bit.
 * @example
 * ```ts
 * const cell = fusedLstmCell(gates, c);
 * const { gates: dGates, c: dc } = fusedLstmCellBackward(stack([dh, dc2]), cell, c);
 * ```
 */
export function fusedLstmCellBackward(grad: NDArray, cell: NDArray, c: NDArray): LstmCellGrads {
  checkDtypes('fusedLstmCellBackward', ['grad', 'cell', 'c'], [grad, cell, c]);
  if (c.ndim === 0) throw new ShapeError('fusedLstmCellBackward', 'c must have at least 1 dimension [..., H], got []');
  checkBackward('fusedLstmCellBackward', LSTM_CELL_PLANES, [2, ...c.shape], grad, cell, c, 'c');
  return getBackend().fusedLstmCellBackward(grad, cell, c);
}

/**
 * The GRU cell's pointwise part in one pass, from the input part xGates = x·W_ihᵀ + b_ih and the
 * hidden part hGates = h·W_hhᵀ + b_hh (PyTorch's order r, z, n along the last axis):
 * r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), h' = (1 − z)·n + z·h. Returns
 * [4, ..., H] planes h', r, z, n. Bit for bit what the unfused ops give.
 * @throws ShapeError `fusedGruCell: hGates must be [..., 3·H] = [2,6] for h [2,2], got [2,4]`
 * @example
 * ```ts
 * fusedGruCell(zeros([1, 3]), zeros([1, 3]), ones([1, 1])).select(0, 0).item(); // 0.5·0 + 0.5·1 = 0.5
 * ```
 */
export function fusedGruCell(xGates: NDArray, hGates: NDArray, h: NDArray): NDArray {
  checkDtypes('fusedGruCell', ['xGates', 'hGates', 'h'], [xGates, hGates, h]);
  checkGates('fusedGruCell', 'xGates', xGates, 3, h, 'h');
  checkGates('fusedGruCell', 'hGates', hGates, 3, h, 'h');
  return getBackend().fusedGruCell(xGates, hGates, h);
}

/**
 * The gradients of `fusedGruCell`'s two gate parts and h, given `grad` [..., H] (of h'), `cell` (the
 * forward's 4 planes), hGates and h: the unfused ops' backward, bit for bit.
 * @example
 * ```ts
 * const cell = fusedGruCell(xGates, hGates, h);
 * const { xGates: dx, hGates: dhg, h: dh } = fusedGruCellBackward(dh2, cell, hGates, h);
 * ```
 */
export function fusedGruCellBackward(grad: NDArray, cell: NDArray, hGates: NDArray, h: NDArray): GruCellGrads {
  checkDtypes('fusedGruCellBackward', ['grad', 'cell', 'hGates', 'h'], [grad, cell, hGates, h]);
  checkGates('fusedGruCellBackward', 'hGates', hGates, 3, h, 'h');
  checkBackward('fusedGruCellBackward', GRU_CELL_PLANES, h.shape, grad, cell, h, 'h');
  return getBackend().fusedGruCellBackward(grad, cell, hGates, h);
}
