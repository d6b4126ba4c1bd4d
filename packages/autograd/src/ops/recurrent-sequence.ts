/**
 * The whole-sequence LSTM and GRU layers on arrays (the records are in defs/recurrent-sequence.ts):
 * each time step is one gemm for all the gates, h·W_hhᵀ (+ b_hh), and one fused cell kernel; the
 * input's projections x·W_ihᵀ + b_ih come in precomputed for every step (one gemm outside). The
 * backward walks the steps back with one fused cell-backward kernel and one gemm (∂h = ∂gates·W_hh)
 * each, then makes W_hh's gradient in one gemm over every step and b_hh's in one reduction. The
 * forward keeps each step's cell planes (and the GRU's h·W_hhᵀ + b_hh) in one workspace, of which
 * the result is a view; the backward reads them from there.
 */
import * as T from '@chainrule/tensor';
import { GRU_CELL_PLANES, LSTM_CELL_PLANES, type NDArray } from '@chainrule/tensor';
import { scratch, traceListener } from '../compile/trace-state.js';

/** A workspace step's size in planes of [N, H]: the LSTM's 7 cell planes; the GRU's 4, then hGates (3). */
export const SEQUENCE_STEP_PLANES = 7;

/** The operands of a sequence layer, named (bias last and optional in the records' inputs). */
export interface SequenceOperands {
  readonly xGates: NDArray;
  readonly weightHh: NDArray;
  readonly h0: NDArray;
  /** The LSTM's initial cell state (absent for the GRU). */
  readonly c0?: NDArray;
  readonly biasHh?: NDArray;
}

/** The sizes of a sequence: steps T, batch N, hidden H, and the elements of one [N, H] plane. */
interface Sizes {
  readonly steps: number;
  readonly batch: number;
  readonly hidden: number;
  readonly plane: number;
}

function sizesOf(xGates: NDArray, h0: NDArray): Sizes {
  const [steps, batch] = xGates.shape as [number, number];
  const hidden = h0.shape[1]!;
  return { steps, batch, hidden, plane: batch * hidden };
}

/**
 * `target`, holding `result`: a kernel given `target` (or another view of the same elements) as its
 * `out` returns it; what a backend that ignores `out` returned instead is copied there (the
 * workspace and the buffers are what is read).
 */
function held(result: NDArray, target: NDArray): NDArray {
  if (!sameElements(result, target)) T.getBackend().copy(result, result.dtype, target);
  return target;
}

/** Whether two contiguous views of one shape are the same elements of the same storage. */
const sameElements = (a: NDArray, b: NDArray): boolean =>
  a === b || (a.data === b.data && a.offset === b.offset && a.isContiguous && b.isContiguous);

/**
 * W_hhᵀ [H, k·H] as a contiguous copy, made once per sequence: a BLAS packs B on every product,
 * and BLIS packs a contiguous B faster than a transposed view (32×128×512: 40 against 56 µs;
 * OpenBLAS about the same either way). The wasm and TypeScript gemms and BLIS give the same bits
 * either way (they pack or read the same values in the same order); another library's could differ
 * in the last bits from the transposed view's, the same in eager and compiled runs.
 */
function weightHhT(o: SequenceOperands): NDArray {
  const w = o.weightHh.transpose();
  const out = scratch([...w.shape], w.dtype);
  return held(T.getBackend().copy(w, w.dtype, out), out);
}

/** h·W_hhᵀ + b_hh ([N, k·H]) as `linear` computes it (wT: weightHhT's), written into `out`. */
function hiddenGates(h: NDArray, wT: NDArray, o: SequenceOperands, out: NDArray): NDArray {
  const be = T.getBackend();
  const y = held(be.matmul(h, wT, h.dtype, out), out);
  if (o.biasHh !== undefined) held(be.binary('add', y, o.biasHh.expand(y.shape), y.dtype, y), y);
  return y;
}

/** A view of `data` with `shape` and row-major strides inside each step, starting at `offset`. */
const at = (data: T.TypedArray, shape: number[], offset: number): NDArray =>
  new T.NDArray(data, shape, T.contiguousStrides(shape), offset);

/** The layer's sizes, dtype and workspace step (elements per time step). */
function layoutOf(o: SequenceOperands) {
  const s = sizesOf(o.xGates, o.h0);
  return { ...s, dtype: o.xGates.dtype, step: SEQUENCE_STEP_PLANES * s.plane };
}

type Layout = ReturnType<typeof layoutOf>;

/** A new workspace for the layer's forward (`op` names it in an allocation error), with its layout. */
function workspace(o: SequenceOperands, op: string) {
  const l = layoutOf(o);
  const data = T.allocate(l.dtype, l.steps * l.step, op);
  traceListener()?.scratch(data); // no element read before a kernel writes it
  return { ...l, data };
}

/**
 * The LSTM layer: for t = 0..T−1, the gemm h·W_hhᵀ and the fused cell, which adds xGates[t] and b_hh
 * to it (gates = xGates[t] + (h·W_hhᵀ + b_hh), as two adds would). Returns [h_t, c_t] of every step
 * as a view [T, 2, N, H] of the workspace [T, 7, N, H].
 */
export function lstmSequenceForward(o: SequenceOperands): NDArray {
  const be = T.getBackend();
  const { steps, batch, hidden, plane, dtype, step, data } = workspace(o, 'fusedLstmSequence');
  const wT = weightHhT(o);
  const product = scratch([batch, 4 * hidden], dtype);
  let h = o.h0,
    c = o.c0!;
  for (let t = 0; t < steps; t++) {
    held(be.matmul(h, wT, dtype, product), product);
    const target = at(data, [LSTM_CELL_PLANES, batch, hidden], t * step);
    const cell = held(be.fusedLstmCell(o.xGates.select(0, t), c, target, product, o.biasHh), target);
    h = cell.select(0, 0);
    c = cell.select(0, 1);
  }
  return new T.NDArray(data, [steps, 2, batch, hidden], [step, plane, hidden, 1]);
}

/**
 * The GRU layer: for t = 0..T−1, hGates = h·W_hhᵀ + b_hh (kept in the workspace) and the fused
 * cell. Returns h_t of every step as a view [T, N, H] of the workspace.
 */
export function gruSequenceForward(o: SequenceOperands): NDArray {
  const be = T.getBackend();
  const { steps, batch, hidden, plane, step, data } = workspace(o, 'fusedGruSequence');
  const wT = weightHhT(o);
  let h = o.h0;
  for (let t = 0; t < steps; t++) {
    const hGates = hiddenGates(h, wT, o, at(data, [batch, 3 * hidden], t * step + GRU_CELL_PLANES * plane));
    const target = at(data, [GRU_CELL_PLANES, batch, hidden], t * step);
    h = held(be.fusedGruCell(o.xGates.select(0, t), hGates, h, target), target).select(0, 0);
  }
  return new T.NDArray(data, [steps, batch, hidden], [step, hidden, 1]);
}

/**
 * The workspace behind a sequence layer's result `out` (the view the forward returned), or null
 * where `out` is not that view (then the rule composes differentiable ops).
 */
export function sequenceWorkspace(out: NDArray, planes: number): T.TypedArray | null {
  const { steps, plane } = { steps: out.shape[0]!, plane: out.shape.at(-1)! * out.shape.at(-2)! };
  const step = SEQUENCE_STEP_PLANES * plane;
  const want = planes === 2 ? [step, plane, out.shape.at(-1)!, 1] : [step, out.shape.at(-1)!, 1];
  const ok = out.offset === 0 && out.data.length === steps * step && out.strides.every((s, i) => s === want[i]);
  return ok ? out.data : null;
}

/** The gradients a sequence layer's rule gives: of xGates, W_hh, h0, c0 (LSTM) and b_hh, where asked. */
export interface SequenceGrads {
  xGates: NDArray | null;
  weightHh: NDArray | null;
  h0: NDArray | null;
  c0: NDArray | null;
  biasHh: NDArray | null;
}

/** Which gradients to compute. */
export interface SequenceNeeds {
  readonly xGates: boolean;
  readonly weightHh: boolean;
  readonly h0: boolean;
  readonly c0: boolean;
  readonly biasHh: boolean;
}

/**
 * [h0, h_0, ..., h_{T−2}]: each step's incoming hidden state, stacked [T, N, H] (a copy): h0, then
 * the workspace's first plane of steps 0..T−2 in one strided copy.
 */
function incomingStates(data: T.TypedArray, o: SequenceOperands, s: Layout): NDArray {
  const be = T.getBackend();
  const out = scratch([s.steps, s.batch, s.hidden], s.dtype);
  const first = out.select(0, 0);
  held(be.copy(o.h0, s.dtype, first), first);
  if (s.steps > 1) {
    const rest = out.slice(0, 1);
    const states = new T.NDArray(data, [s.steps - 1, s.batch, s.hidden], [s.step, s.hidden, 1], 0);
    held(be.copy(states, s.dtype, rest), rest);
  }
  return out;
}

/** ∂W_hh = Σ_t ∂hGates_tᵀ·h_{t−1} (one gemm over every step) and ∂b_hh = Σ_{t,n} ∂hGates. */
function weightGrads(dGates: NDArray, data: T.TypedArray, o: SequenceOperands, s: Layout, need: SequenceNeeds) {
  const rows = s.steps * s.batch;
  const flat = dGates.reshape([rows, dGates.shape[2]!]);
  return {
    weightHh: need.weightHh ? T.matmul(flat.transpose(), incomingStates(data, o, s).reshape([rows, s.hidden])) : null,
    biasHh: need.biasHh && o.biasHh !== undefined ? T.sum(dGates, [0, 1]) : null,
  };
}

/** g + next written into `into` (next null: g itself). */
function plus(g: NDArray, next: NDArray | null, into: NDArray): NDArray {
  return next === null ? g : held(T.getBackend().binary('add', g, next, g.dtype, into), into);
}

/**
 * The LSTM layer's gradients from g [T, 2, N, H] (of every h_t and c_t) and the workspace `data`:
 * steps back from T−1, the incoming [∂h, ∂c] of step t is g[t] + [∂gates_{t+1}·W_hh, ∂c_{t+1}] (the
 * sum made by the cell's backward kernel).
 */
export function lstmSequenceBackward(g: NDArray, data: T.TypedArray, o: SequenceOperands, need: SequenceNeeds) {
  const be = T.getBackend();
  const s = layoutOf(o);
  const { dtype, step } = s;
  const dGates = scratch([s.steps, s.batch, 4 * s.hidden], dtype);
  // [∂h, ∂c] out of step t (into step t − 1), in turns: step t reads step t + 1's from the other one
  const turns = [scratch([2, s.batch, s.hidden], dtype), scratch([2, s.batch, s.hidden], dtype)] as const;
  for (let t = s.steps - 1; t >= 0; t--) {
    const cell = at(data, [LSTM_CELL_PLANES, s.batch, s.hidden], t * step);
    const cPrev = t > 0 ? at(data, [s.batch, s.hidden], (t - 1) * step + s.plane) : o.c0!;
    const out = turns[t % 2]!;
    const into = { gates: dGates.select(0, t), c: out.select(0, 1) };
    const fromNext = t < s.steps - 1 ? turns[(t + 1) % 2] : undefined;
    const d = be.fusedLstmCellBackward(g.select(0, t), cell, cPrev, into, fromNext);
    const gates = held(d.gates, into.gates);
    held(d.c, into.c);
    const dh = out.select(0, 0);
    if (t > 0 || need.h0) held(be.matmul(gates, o.weightHh, dtype, dh), dh);
  }
  const first = turns[0];
  const grads: SequenceGrads = {
    xGates: need.xGates ? dGates : null,
    h0: need.h0 ? first.select(0, 0) : null,
    c0: need.c0 ? first.select(0, 1) : null,
    ...weightGrads(dGates, data, o, s, need),
  };
  return grads;
}

/**
 * The GRU layer's gradients from g [T, N, H] (of every h_t) and the workspace `data`: steps back
 * from T−1, the incoming ∂h of step t is g[t] + (∂hGates_{t+1}·W_hh + ∂h_{t+1}), the second term
 * the recurrence's (through the gemm and through the cell's own h input).
 */
export function gruSequenceBackward(g: NDArray, data: T.TypedArray, o: SequenceOperands, need: SequenceNeeds) {
  const be = T.getBackend();
  const s = layoutOf(o);
  const { dtype, step } = s;
  const shape = [s.steps, s.batch, 3 * s.hidden];
  const dX = scratch(shape, dtype);
  const dH = scratch(shape, dtype);
  // ∂h into step t from step t + 1, the cell's own part of it, and the sum with g[t]
  const next = scratch([s.batch, s.hidden], dtype);
  const direct = scratch([s.batch, s.hidden], dtype);
  const sum = scratch([s.batch, s.hidden], dtype);
  for (let t = s.steps - 1; t >= 0; t--) {
    const cell = at(data, [GRU_CELL_PLANES, s.batch, s.hidden], t * step);
    const hGates = at(data, [s.batch, 3 * s.hidden], t * step + GRU_CELL_PLANES * s.plane);
    const hPrev = t > 0 ? at(data, [s.batch, s.hidden], (t - 1) * step) : o.h0;
    const grad = plus(g.select(0, t), t < s.steps - 1 ? next : null, sum);
    const into = { xGates: dX.select(0, t), hGates: dH.select(0, t), h: direct };
    const d = be.fusedGruCellBackward(grad, cell, hGates, hPrev, into);
    held(d.xGates, into.xGates);
    const dh = held(d.hGates, into.hGates);
    held(d.h, into.h);
    if (t > 0 || need.h0) {
      held(be.matmul(dh, o.weightHh, dtype, next), next);
      held(be.binary('add', next, direct, dtype, next), next);
    }
  }
  const grads: SequenceGrads = {
    xGates: need.xGates ? dX : null,
    h0: need.h0 ? next : null,
    c0: null,
    ...weightGrads(dH, data, o, s, need),
  };
  return grads;
}
