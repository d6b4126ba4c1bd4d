/**
 * The LSTM cell's pointwise part and its backward, each in one wasm call (assembly/lstm-cell.ts).
 * The forward: gates (and the hidden part and bias added to them, where given) and c copied in
 * (views put in row-major order by the strided copy: `stageDense`), the seven planes out, with the
 * TypeScript kernel's bits (its activations are the same math kernels, its products and sums rounded
 * alike). Declined where the math kernels disagree with Math.* on this engine (see unary-math.ts),
 * for small operands or views of more than four merged dimensions, and past the heap's block size;
 * the caller then runs the TypeScript kernel.
 */
import type { LstmCellGrads } from '../../backend.js';
import { isFloat } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import { shapesEqual } from '../../shape.js';
import { LSTM_CELL_PLANES as PLANES } from '../../ops/recurrent.js';
import type { WasmContext } from './context.js';
import { MIN_SIZE } from './elementwise.js';
import { beginCall, finish, target } from './stage.js';
import { stageDense } from './strided-copy.js';
import { mathKernelAgrees } from './unary-math.js';

/**
 * [7, ..., H] planes from gates [..., 4H] (plus hGates + bias where given) and c [..., H], of one
 * float dtype, or undefined when declined.
 */
export function wasmLstmCell(
  ctx: WasmContext,
  gates: NDArray,
  c: NDArray,
  out?: NDArray,
  hGates?: NDArray,
  bias?: NDArray,
): NDArray | undefined {
  const dtype = c.dtype;
  if (!isFloat(dtype) || gates.dtype !== dtype || gates.size < MIN_SIZE || c.ndim === 0) return undefined;
  const hidden = c.shape[c.ndim - 1]!;
  // (a bias without hGates is the reference's error to raise)
  if (hGates === undefined ? bias !== undefined : !fits(hGates, gates)) return undefined;
  if (bias !== undefined && !fits(bias, gates, [4 * hidden])) return undefined;
  // staged: the gates and hGates (4 planes each), c (1) and the result (7)
  if (((hGates === undefined ? 4 : 8) + 1 + PLANES) * c.size > ctx.chunkElements) return undefined;
  // (probing resets the heap on first use: before anything is staged)
  if (!mathKernelAgrees(ctx.heap, 'sigmoid') || !mathKernelAgrees(ctx.heap, 'tanh')) return undefined;
  const f64 = dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [gates, c, out, hGates, bias]);
  const G = stageDense(heap, gates),
    C = stageDense(heap, c),
    HG = hGates === undefined ? 0 : stageDense(heap, hGates),
    B = bias === undefined ? 0 : stageDense(heap, bias);
  if (G === undefined || C === undefined || HG === undefined || B === undefined) return undefined;
  const n = PLANES * c.size;
  const O = target(heap, out, n * bytes, present([gates, c, hGates, bias]));
  const scratch = heap.alloc(heap.exports.unaryMathScratchBytes());
  const pre = hGates === undefined ? 0 : heap.alloc(4 * hidden * bytes);
  (f64 ? heap.exports.lstmCell_f64 : heap.exports.lstmCell_f32)(c.size / hidden, hidden, G, HG, B, C, O, scratch, pre);
  return finish(heap, f64, O, n, [PLANES, ...c.shape], out);
}

/** The arrays among `xs` (what a kernel reads, optional operands included). */
const present = (xs: readonly (NDArray | undefined)[]): NDArray[] => xs.filter((x): x is NDArray => x !== undefined);

/** Whether the kernel takes optional operand `x`: `like`'s dtype and `shape` (`like`'s by default), any layout. */
function fits(x: NDArray, like: NDArray, shape: readonly number[] = like.shape): boolean {
  return x.dtype === like.dtype && shapesEqual(x.shape, shape);
}

/**
 * The cell's backward in one wasm call (assembly/lstm-cell.ts), with the TypeScript kernel's bits:
 * grad [2, ..., H] (and gradNext, added to it, where given), the forward's planes [7, ..., H] and c
 * [..., H] copied in (read in place when resident and contiguous; views as `stageDense` stages them),
 * the gates' gradients [..., 4H] and c's out (into `into`'s arrays when given, checked by the
 * caller). Declined, for the TypeScript kernel to compute or reject, where the dtypes or shapes are
 * not what it takes, for small operands, and past the heap's block size.
 */
export function wasmLstmCellBackward(
  ctx: WasmContext,
  grad: NDArray,
  cell: NDArray,
  c: NDArray,
  into?: LstmCellGrads,
  gradNext?: NDArray,
): LstmCellGrads | undefined {
  const dtype = c.dtype;
  if (!isFloat(dtype) || grad.dtype !== dtype || cell.dtype !== dtype || c.size < MIN_SIZE || c.ndim === 0)
    return undefined;
  if (!shapesEqual(grad.shape, [2, ...c.shape]) || !shapesEqual(cell.shape, [PLANES, ...c.shape])) return undefined;
  if (gradNext !== undefined && !fits(gradNext, grad)) return undefined;
  const hidden = c.shape[c.ndim - 1]!;
  const gateShape = [...c.shape.slice(0, -1), 4 * hidden];
  // staged: grad and gradNext (2 planes each), cell (7), c (1), and the results (4 + 1)
  if (((gradNext === undefined ? 2 : 4) + PLANES + 1 + 5) * c.size > ctx.chunkElements) return undefined;
  const f64 = dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [grad, cell, c, into?.gates, into?.c, gradNext]);
  const G = stageDense(heap, grad),
    N = gradNext === undefined ? 0 : stageDense(heap, gradNext),
    S = stageDense(heap, cell),
    C = stageDense(heap, c);
  if (G === undefined || N === undefined || S === undefined || C === undefined) return undefined;
  const read = present([grad, cell, c, gradNext]);
  const DG = target(heap, into?.gates, 4 * c.size * bytes, read),
    DC = target(heap, into?.c, c.size * bytes, read);
  const run = f64 ? heap.exports.lstmCellBackward_f64 : heap.exports.lstmCellBackward_f32;
  run(c.size / hidden, hidden, G, N, S, C, DG, DC);
  return {
    gates: finish(heap, f64, DG, 4 * c.size, gateShape, into?.gates),
    c: finish(heap, f64, DC, c.size, c.shape, into?.c),
  };
}
