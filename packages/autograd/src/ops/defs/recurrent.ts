/**
 * The pointwise part of the LSTM and GRU cells as one op each (the gemms of the gates stay
 * `linear`s): one kernel forward, one kernel backward, instead of a dozen elementwise ops and their
 * rules. A record has one output: the LSTM's is [h', c'] stacked on a new axis 0, the GRU's h'. Each
 * is a view of the start of the kernel's result, whose further planes hold the activations the
 * backward reads (a workspace, as PyTorch's fused cells return one): the usual backward runs the
 * fused kernel on them, and a recorded one composes differentiable ops, computing the activations
 * again with the same kernels, so the bits are the same (as ops/fused-grads.ts does).
 */
import * as T from '@chainrule/tensor';
import { GRU_CELL_PLANES, LSTM_CELL_PLANES } from '@chainrule/tensor';
import { isGradEnabled } from '../../grad-mode.js';
import { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { checkOperand } from '../operands.js';
import { NONE, op, records } from '../records.js';
import { gruGrads, lstmGrads } from './recurrent-grads.js';
import { expand, select } from './shape.js';

/**
 * The kernel's planes behind a cell's output `out` (the view the forward returned: its first planes,
 * at the start of the storage), or null where `out` is not that view (then the rule composes).
 */
function cellPlanes(out: Tensor, planes: number, state: Tensor): T.NDArray | null {
  const v = out.value;
  if (v.offset !== 0 || !v.isContiguous || v.data.length !== planes * state.value.size) return null;
  return new T.NDArray(v.data, [planes, ...state.shape]);
}

export const RECURRENT_OPS = records({
  // c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'): with Ĝ = G_c' + G_h'·σ(o)·(1 − tanh²c'),
  // ∂i = Ĝ·tanh(g)·σ(i)(1 − σ(i)), ∂f = Ĝ·c·σ(f)(1 − σ(f)), ∂g = Ĝ·σ(i)·(1 − tanh²g),
  // ∂o = G_h'·tanh(c')·σ(o)(1 − σ(o)), ∂c = Ĝ·σ(f)
  fusedLstmCell: op({
    infer: ([, c]) => ({ shape: [2, ...c!.shape], dtype: c!.dtype }),
    // [h', c']: the first two of the kernel's planes, a view; the activations behind them in the same
    // storage are what the fused rule reads
    forward: ([gates, c]) => T.fusedLstmCell(gates!, c!).slice(0, 0, 2),
    uses: 'both',
    vjp: (g, { inputs: [gates, c], output }) => {
      const planes = isGradEnabled() || g.dtype !== output.dtype ? null : cellPlanes(output, LSTM_CELL_PLANES, c!);
      if (planes === null) return lstmGrads(g, output, gates!, c!);
      const d = T.fusedLstmCellBackward(g.value, planes, c!.value);
      return [gates!.requiresGrad ? new Tensor(d.gates) : null, c!.requiresGrad ? new Tensor(d.c) : null];
    },
    formula: {
      kind: 'vjp',
      show: (c) => `[h', c'] = lstmCell(${c.inputs[0]}, ${c.inputs[1]})`,
      vjp: (c) => [
        `[Ĝ·tanh(g)·σ(i)(1 − σ(i)), Ĝ·${c.inputs[1]}·σ(f)(1 − σ(f)), Ĝ·σ(i)·(1 − tanh(g)²), ` +
          `G_h'·tanh(c')·σ(o)(1 − σ(o))] with Ĝ = G_c' + G_h'·σ(o)·(1 − tanh(c')²)`,
        `Ĝ·σ(f) with Ĝ = G_c' + G_h'·σ(o)·(1 − tanh(c')²)`,
      ],
    },
  }),
  // r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), h' = (1 − z)·n + z·h: with
  // n̂ = G·(1 − z)·(1 − n²), r̂ = n̂·h_n·r(1 − r), ẑ = G·(h − n)·z(1 − z), ∂x = [r̂, ẑ, n̂],
  // ∂(hidden part) = [r̂, ẑ, n̂·r], ∂h = G·z
  fusedGruCell: op({
    infer: ([, , h]) => h!,
    // h': the first of the kernel's planes, a view; r, z and n behind it are what the fused rule reads
    forward: ([xGates, hGates, h]) => T.fusedGruCell(xGates!, hGates!, h!).select(0, 0),
    uses: 'both',
    vjp: (g, { inputs: [xGates, hGates, h], output }) => {
      const planes = isGradEnabled() || g.dtype !== output.dtype ? null : cellPlanes(output, GRU_CELL_PLANES, h!);
      if (planes === null) return gruGrads(g, xGates!, hGates!, h!);
      const d = T.fusedGruCellBackward(g.value, planes, hGates!.value, h!.value);
      return [
        xGates!.requiresGrad ? new Tensor(d.xGates) : null,
        hGates!.requiresGrad ? new Tensor(d.hGates) : null,
        h!.requiresGrad ? new Tensor(d.h) : null,
      ];
    },
    formula: {
      kind: 'vjp',
      show: (c) => `h' = gruCell(${c.inputs[0]}, ${c.inputs[1]}, ${c.inputs[2]})`,
      vjp: (c) => {
        const terms = `n̂ = G·(1 − z)·(1 − n²), r̂ = n̂·h_n·r(1 − r), ẑ = G·(${c.inputs[2]} − n)·z(1 − z)`;
        return [`[r̂, ẑ, n̂] with ${terms}`, `[r̂, ẑ, n̂·r] with ${terms}`, 'G·z'];
      },
    },
  }),
});

/**
 * The LSTM cell's pointwise part, as one recorded op: from the gates' pre-activations
 * gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh ([..., 4H], PyTorch's order i, f, g, o) and the cell state
 * c [..., H], c' = σ(f)·c + σ(i)·tanh(g) and h' = σ(o)·tanh(c'). Returns [h', c'], with the bits of
 * those ops written out; differentiable to any order. Operands of one float dtype.
 * @throws ShapeError `fusedLstmCell: gates must be [..., 4·H] = [2,8] for c [2,2], got [2,6]`
 * @example
 * ```ts
 * import { fusedLstmCell, linear, add } from '@chainrule/autograd';
 * const [h2, c2] = fusedLstmCell(add(linear(x, wIh, bIh), linear(h, wHh, bHh)), c);
 * ```
 */
export function fusedLstmCell(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  checkOperand('fusedLstmCell', gates, 'the gates', false);
  checkOperand('fusedLstmCell', c, 'the cell state c', false);
  const out = apply(RECURRENT_OPS.fusedLstmCell, broadcastLeading('fusedLstmCell', [gates, c]), NONE);
  return [select(out, 0, 0), select(out, 0, 1)];
}

/**
 * The GRU cell's pointwise part, as one recorded op: from the input part xGates = x·W_ihᵀ + b_ih and
 * the hidden part hGates = h·W_hhᵀ + b_hh ([..., 3H] each, PyTorch's order r, z, n) and h [..., H],
 * r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n) and h' = (1 − z)·n + z·h. Returns h',
 * with the bits of those ops written out; differentiable to any order. Operands of one float dtype.
 * @throws ShapeError `fusedGruCell: hGates must be [..., 3·H] = [2,6] for h [2,2], got [2,4]`
 * @example
 * ```ts
 * import { fusedGruCell, linear } from '@chainrule/autograd';
 * const h2 = fusedGruCell(linear(x, wIh, bIh), linear(h, wHh, bHh), h);
 * ```
 */
export function fusedGruCell(xGates: Tensor, hGates: Tensor, h: Tensor): Tensor {
  checkOperand('fusedGruCell', xGates, 'the input part xGates', false);
  checkOperand('fusedGruCell', hGates, 'the hidden part hGates', false);
  checkOperand('fusedGruCell', h, 'the hidden state h', false);
  return apply(RECURRENT_OPS.fusedGruCell, broadcastLeading('fusedGruCell', [xGates, hGates, h]), NONE);
}

/**
 * The operands with their leading axes (all but the last) broadcast to one shape, by recorded
 * `expand`s (so their gradients are summed back in expand's rule), as the equations written op by op
 * broadcast a state of [H] or [1, H] against a batch.
 */
function broadcastLeading(op: string, xs: readonly Tensor[]): Tensor[] {
  let lead: number[] = [];
  for (const x of xs) lead = T.broadcastShapes(op, lead, x.shape.slice(0, -1));
  return xs.map((x) =>
    T.shapesEqual(x.shape.slice(0, -1), lead) || x.ndim === 0 ? x : expand(x, [...lead, x.shape[x.ndim - 1]!]),
  );
}
