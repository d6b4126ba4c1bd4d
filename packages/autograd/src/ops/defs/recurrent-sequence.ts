/**
 * Whole-sequence LSTM and GRU layers as one op each (what nn's LSTM and GRU run per layer): every
 * time step one gemm for all the gates and one fused cell kernel, the backward likewise, and the
 * recurrent weight's gradient in one gemm over all steps (ops/recurrent-sequence.ts). The input's
 * projections x·W_ihᵀ (+ b_ih) arrive precomputed for all steps (one `linear` over [T, N, I]; nn's
 * LSTM passes x·W_ihᵀ and b_ih + b_hh as the bias, which the cell kernel adds). A
 * recorded backward (gradients of gradients) composes differentiable ops step by step, with the
 * same kernels and so the same bits.
 */
import * as T from '@chainrule/tensor';
import { isGradEnabled } from '../../grad-mode.js';
import { type RuleContext, Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { checkOperand } from '../operands.js';
import {
  type SequenceGrads,
  type SequenceNeeds,
  type SequenceOperands,
  gruSequenceBackward,
  gruSequenceForward,
  lstmSequenceBackward,
  lstmSequenceForward,
  sequenceWorkspace,
} from '../recurrent-sequence.js';
import { NONE, type None, op, records } from '../records.js';
import { add } from './binary.js';
import { linear, matmul } from './linalg.js';
import { gruGrads, lstmGrads } from './recurrent-grads.js';
import { sum } from './reduce.js';
import { clone, reshape, select, stack, transpose } from './shape.js';

/** The records' inputs named: [xGates, W_hh, h0, c0, b_hh?] (LSTM) or [xGates, W_hh, h0, b_hh?] (GRU). */
function operands<A>(inputs: readonly A[], lstm: boolean): { xGates: A; weightHh: A; h0: A; c0?: A; biasHh?: A } {
  const k = lstm ? 4 : 3;
  return {
    xGates: inputs[0]!,
    weightHh: inputs[1]!,
    h0: inputs[2]!,
    ...(lstm ? { c0: inputs[3]! } : {}),
    ...(inputs.length > k ? { biasHh: inputs[k]! } : {}),
  };
}

/** Which inputs require grad. */
function needs(inputs: readonly Tensor[], lstm: boolean): SequenceNeeds {
  const o = operands(inputs, lstm);
  return {
    xGates: o.xGates.requiresGrad,
    weightHh: o.weightHh.requiresGrad,
    h0: o.h0.requiresGrad,
    c0: o.c0?.requiresGrad ?? false,
    biasHh: o.biasHh?.requiresGrad ?? false,
  };
}

/** The rule's gradients in the inputs' order. */
function inOrder(d: { [K in keyof SequenceGrads]: Tensor | null }, lstm: boolean, biased: boolean): (Tensor | null)[] {
  return [d.xGates, d.weightHh, d.h0, ...(lstm ? [d.c0] : []), ...(biased ? [d.biasHh] : [])];
}

/** The fused rule's arrays as tensors. */
function wrap(d: SequenceGrads): { [K in keyof SequenceGrads]: Tensor | null } {
  const t = (a: T.NDArray | null): Tensor | null => (a === null ? null : new Tensor(a));
  return { xGates: t(d.xGates), weightHh: t(d.weightHh), h0: t(d.h0), c0: t(d.c0), biasHh: t(d.biasHh) };
}

/** ∂W_hh = Σ_t ∂hGates_tᵀ·h_{t−1} over the stacked steps, and ∂b_hh, composed. */
function weightGrads(dGates: Tensor, incoming: Tensor[], need: SequenceNeeds) {
  const [steps, batch, width] = dGates.shape as [number, number, number];
  const rows = steps * batch;
  const hidden = incoming[0]!.shape[1]!;
  return {
    weightHh: need.weightHh
      ? matmul(transpose(reshape(dGates, [rows, width])), reshape(stack(incoming, 0), [rows, hidden]))
      : null,
    biasHh: need.biasHh ? sum(dGates, [0, 1]) : null,
  };
}

/** The LSTM layer's rule composed of differentiable ops: the fused rule's steps, op by op. */
function lstmComposed(g: Tensor, { inputs, output }: RuleContext<None>): (Tensor | null)[] {
  const o = operands(inputs, true);
  const need = needs(inputs, true);
  const steps = o.xGates.shape[0]!;
  const state = (t: number, k: number): Tensor => select(select(output, 0, t), 0, k);
  const dGates: Tensor[] = new Array<Tensor>(steps);
  const incoming: Tensor[] = new Array<Tensor>(steps);
  let next: Tensor | null = null;
  let dc: Tensor | null = null;
  for (let t = steps - 1; t >= 0; t--) {
    incoming[t] = t > 0 ? state(t - 1, 0) : o.h0;
    const gates = add(select(o.xGates, 0, t), linear(incoming[t]!, o.weightHh, o.biasHh ?? null));
    const gt = next === null ? select(g, 0, t) : add(select(g, 0, t), next);
    const [dg, dcT] = lstmGrads(gt, select(output, 0, t), gates, t > 0 ? state(t - 1, 1) : o.c0!, [true, true]);
    dGates[t] = dg!;
    dc = dcT!;
    if (t > 0 || need.h0) next = stack([matmul(dg!, o.weightHh), dc], 0);
  }
  const all = stack(dGates, 0);
  const d = {
    xGates: need.xGates ? all : null,
    h0: need.h0 ? select(next!, 0, 0) : null,
    c0: need.c0 ? dc : null,
    ...weightGrads(all, incoming, need),
  };
  return inOrder(d, true, o.biasHh !== undefined);
}

/** The GRU layer's rule composed of differentiable ops: the fused rule's steps, op by op. */
function gruComposed(g: Tensor, { inputs, output }: RuleContext<None>): (Tensor | null)[] {
  const o = operands(inputs, false);
  const need = needs(inputs, false);
  const steps = o.xGates.shape[0]!;
  const dX: Tensor[] = new Array<Tensor>(steps);
  const dH: Tensor[] = new Array<Tensor>(steps);
  const incoming: Tensor[] = new Array<Tensor>(steps);
  let next: Tensor | null = null;
  for (let t = steps - 1; t >= 0; t--) {
    incoming[t] = t > 0 ? select(output, 0, t - 1) : o.h0;
    const hGates = linear(incoming[t]!, o.weightHh, o.biasHh ?? null);
    const gt = next === null ? select(g, 0, t) : add(select(g, 0, t), next);
    const [dx, dh, direct] = gruGrads(gt, select(o.xGates, 0, t), hGates, incoming[t]!, [true, true, true]);
    dX[t] = dx!;
    dH[t] = dh!;
    if (t > 0 || need.h0) next = add(matmul(dh!, o.weightHh), direct!);
  }
  const all = stack(dH, 0);
  const d = { xGates: need.xGates ? stack(dX, 0) : null, h0: need.h0 ? next : null, c0: null };
  return inOrder({ ...d, ...weightGrads(all, incoming, need) }, false, o.biasHh !== undefined);
}

/** The fused rule where it applies (no graph recorded, the workspace behind the output), else the composed one. */
function rule(lstm: boolean): (g: Tensor, ctx: RuleContext<None>) => (Tensor | null)[] {
  return (g, ctx) => {
    const data =
      isGradEnabled() || g.dtype !== ctx.output.dtype ? null : sequenceWorkspace(ctx.output.value, lstm ? 2 : 1);
    if (data === null) return lstm ? lstmComposed(g, ctx) : gruComposed(g, ctx);
    const o = operands(
      ctx.inputs.map((x) => x.value),
      lstm,
    ) as SequenceOperands;
    const need = needs(ctx.inputs, lstm);
    const d = lstm ? lstmSequenceBackward(g.value, data, o, need) : gruSequenceBackward(g.value, data, o, need);
    return inOrder(wrap(d), lstm, o.biasHh !== undefined);
  };
}

/** The formula's input names: b_hh only where given. */
const biasName = (inputs: readonly string[], k: number): string => (inputs.length > k ? `, ${inputs[k]}` : '');

export const RECURRENT_SEQUENCE_OPS = records({
  // per step t: gates_t = X_t + h_{t−1}W_hhᵀ + b_hh, [h_t, c_t] = lstmCell(gates_t, c_{t−1}); back
  // from T−1: Ĝ_t = G_t + [∂gates_{t+1}·W_hh, ∂c_{t+1}], ∂gates_t = lstmCell′(Ĝ_t), ∂X_t = ∂gates_t,
  // ∂W_hh = Σ_t ∂gates_tᵀ·h_{t−1}, ∂b_hh = Σ_t Σ_n ∂gates_t, [∂h0, ∂c0] = [∂gates_0·W_hh, ∂c_0]
  fusedLstmSequence: op({
    infer: ([x, , h0]) => ({ shape: [x!.shape[0]!, 2, ...h0!.shape], dtype: x!.dtype }),
    forward: (inputs) => lstmSequenceForward(operands(inputs, true) as SequenceOperands),
    uses: 'both',
    vjp: rule(true),
    formula: {
      kind: 'vjp',
      show: (c) => `[h_t, c_t] = lstm(${c.inputs.slice(0, 4).join(', ')}${biasName(c.inputs, 4)}), t = 0..T−1`,
      vjp: (c) => {
        const back = 'with Ĝ_t = G_t + [∂gates_{t+1}·W_hh, ∂c_{t+1}] from the last step back';
        return [
          `∂gates_t = lstmCell′(Ĝ_t) ${back}`,
          'Σ_t ∂gates_tᵀ·h_{t−1} (one gemm over all steps)',
          '∂gates_0·W_hh',
          '∂c_0 = Ĝ_0,c·σ(f_0)',
          ...(c.inputs.length > 4 ? ['Σ over steps and batch of ∂gates_t'] : []),
        ];
      },
    },
  }),
  // per step t: hGates_t = h_{t−1}W_hhᵀ + b_hh, h_t = gruCell(X_t, hGates_t, h_{t−1}); back from T−1:
  // Ĝ_t = G_t + ∂hGates_{t+1}·W_hh + ∂h_{t+1} (the cell's own h input), [∂X_t, ∂hGates_t] =
  // gruCell′(Ĝ_t), ∂W_hh = Σ_t ∂hGates_tᵀ·h_{t−1}, ∂b_hh = Σ_t Σ_n ∂hGates_t
  fusedGruSequence: op({
    infer: ([x, , h0]) => ({ shape: [x!.shape[0]!, ...h0!.shape], dtype: x!.dtype }),
    forward: (inputs) => gruSequenceForward(operands(inputs, false) as SequenceOperands),
    uses: 'both',
    vjp: rule(false),
    formula: {
      kind: 'vjp',
      show: (c) => `h_t = gru(${c.inputs.slice(0, 3).join(', ')}${biasName(c.inputs, 3)}), t = 0..T−1`,
      vjp: (c) => [
        '∂X_t of gruCell′(Ĝ_t) with Ĝ_t = G_t + ∂hGates_{t+1}·W_hh + ∂h_{t+1} from the last step back',
        'Σ_t ∂hGates_tᵀ·h_{t−1} (one gemm over all steps)',
        '∂hGates_0·W_hh + G_0·z_0',
        ...(c.inputs.length > 3 ? ['Σ over steps and batch of ∂hGates_t'] : []),
      ],
    },
  }),
});

/**
 * Throws unless the layer's operands are Tensors of one float dtype with the shapes xGates
 * [T ≥ 1, N, k·H], weightHh [k·H, H], h0 (and c0) [N, H] and biasHh [k·H] (null: no bias).
 */
function checkSequence(op: string, k: number, xs: readonly (readonly [string, Tensor | null])[]): void {
  for (const [name, x] of xs) if (x !== null) checkOperand(op, x, name, false);
  const present = xs.filter((e): e is readonly [string, Tensor] => e[1] !== null);
  const dtype = present[0]![1].dtype;
  if (!T.isFloat(dtype) || present.some(([, x]) => x.dtype !== dtype)) {
    const got = present.map(([name, x]) => `${name} ${x.dtype}`).join(', ');
    throw new T.DTypeError(op, `expected operands of one float dtype (float32 or float64), got ${got}`);
  }
  const [xGates, h0] = [present[0]![1], present[2]![1]];
  const [steps, batch] = [xGates.shape[0] ?? 0, xGates.shape[1] ?? -1];
  const hidden = h0.shape[1] ?? -1;
  const want: Record<string, readonly number[]> = {
    xGates: [steps, batch, k * hidden],
    weightHh: [k * hidden, hidden],
    h0: [batch, hidden],
    c0: [batch, hidden],
    biasHh: [k * hidden],
  };
  if (steps >= 1 && hidden >= 0 && present.every(([name, x]) => T.shapesEqual(x.shape, want[name]!))) return;
  const got = present.map(([name, x]) => `${name} ${T.fmtShape(x.shape)}`).join(', ');
  const states = k === 4 ? 'h0, c0' : 'h0';
  throw new T.ShapeError(
    op,
    `expected xGates [T ≥ 1, N, ${k}·H], weightHh [${k}·H, H], ${states} [N, H] and biasHh [${k}·H], got ${got}`,
  );
}

/**
 * An LSTM layer over a whole sequence as one recorded op (PyTorch's equations and gate order
 * i, f, g, o): from the input's projections xGates = x·W_ihᵀ (+ b_ih) [T, N, 4H], the recurrent weight
 * W_hh [4H, H] and bias b_hh [4H] (or null) and the initial states h0, c0 [N, H], every step's
 * [h_t, c_t] = lstmCell(xGates[t] + h_{t−1}·W_hhᵀ + b_hh, c_{t−1}). Returns [h, c], each [T, N, H]:
 * the states after every step. Each step is one gemm and one fused kernel, forward and backward;
 * the bits are those of `fusedLstmCell(add(xGates[t], linear(h, W_hh, b_hh)), c)` step by step.
 * Differentiable to any order.
 * @throws ShapeError where a shape is off, naming every operand's, e.g. `fusedLstmSequence: expected
 * xGates [T ≥ 1, N, 4·H], weightHh [4·H, H], h0, c0 [N, H] and biasHh [4·H], got xGates [3,2,8], ...`
 * @throws DTypeError unless the operands are of one float dtype, naming each one's
 * @example
 * ```ts
 * import { fusedLstmSequence, linear, randn } from '@chainrule/autograd';
 * const x = randn([5, 2, 3]); // [T, N, I]
 * const [wIh, wHh, bIh, bHh] = [randn([8, 3]), randn([8, 2]), randn([8]), randn([8])]; // H = 2
 * const [h, c] = fusedLstmSequence(linear(x, wIh, bIh), wHh, bHh, randn([2, 2]), randn([2, 2]));
 * h.shape; // [5, 2, 2]
 * ```
 */
export function fusedLstmSequence(
  xGates: Tensor,
  weightHh: Tensor,
  biasHh: Tensor | null,
  h0: Tensor,
  c0: Tensor,
): [Tensor, Tensor] {
  const named = [
    ['xGates', xGates],
    ['weightHh', weightHh],
    ['h0', h0],
    ['c0', c0],
    ['biasHh', biasHh],
  ] as const;
  checkSequence('fusedLstmSequence', 4, named);
  const inputs = biasHh === null ? [xGates, weightHh, h0, c0] : [xGates, weightHh, h0, c0, biasHh];
  const out = apply(RECURRENT_SEQUENCE_OPS.fusedLstmSequence, inputs, NONE);
  return [released(select(out, 1, 0)), released(select(out, 1, 1))];
}

/**
 * A GRU layer over a whole sequence as one recorded op (PyTorch's equations and gate order r, z,
 * n): from xGates = x·W_ihᵀ + b_ih [T, N, 3H], W_hh [3H, H], b_hh [3H] (or null) and h0 [N, H], every
 * step's h_t = gruCell(xGates[t], h_{t−1}·W_hhᵀ + b_hh, h_{t−1}). Returns h [T, N, H]. Each step is
 * one gemm and one fused kernel, forward and backward, with the bits of `fusedGruCell` step by step.
 * Differentiable to any order.
 * @throws ShapeError where a shape is off, naming every operand's, e.g. `fusedGruSequence: expected
 * xGates [T ≥ 1, N, 3·H], weightHh [3·H, H], h0 [N, H] and biasHh [3·H], got xGates [3,2,6], ...`
 * @throws DTypeError unless the operands are of one float dtype, naming each one's
 * @example
 * ```ts
 * import { fusedGruSequence, linear, randn } from '@chainrule/autograd';
 * const x = randn([5, 2, 3]);
 * const [wIh, wHh] = [randn([6, 3]), randn([6, 2])]; // H = 2
 * fusedGruSequence(linear(x, wIh), wHh, null, randn([2, 2])).shape; // [5, 2, 2]
 * ```
 */
export function fusedGruSequence(xGates: Tensor, weightHh: Tensor, biasHh: Tensor | null, h0: Tensor): Tensor {
  const named = [
    ['xGates', xGates],
    ['weightHh', weightHh],
    ['h0', h0],
    ['biasHh', biasHh],
  ] as const;
  checkSequence('fusedGruSequence', 3, named);
  const inputs = biasHh === null ? [xGates, weightHh, h0] : [xGates, weightHh, h0, biasHh];
  return released(apply(RECURRENT_SEQUENCE_OPS.fusedGruSequence, inputs, NONE));
}

/**
 * A result view as it is, where a graph needs the workspace behind it (the backward reads the
 * activations there); else a copy, so that the workspace (3.5x an LSTM's outputs, 7x a GRU's) is
 * not kept alive by an inference result.
 */
function released(t: Tensor): Tensor {
  return t.requiresGrad ? t : clone(t);
}
