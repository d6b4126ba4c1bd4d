/**
 * The recurrent cells' gradients composed of differentiable ops: what the fused cells' and
 * sequences' rules compute when a graph of the backward is recorded (gradients of gradients), or
 * where no kernel planes stand behind an output. The activations are computed again from the gate
 * pre-activations with the forward's unary kernels, so the values have the fused kernels' bits.
 */
import type { Tensor } from '../../tensor.js';
import { add, mul, sub } from './binary.js';
import { concat, select, slice } from './shape.js';
import { sigmoid, square, tanh } from './unary.js';

/** g·σ′ from σ's output y: g·(y·(1 − y)), as sigmoid's rule. */
const sigmoidSlope = (g: Tensor, y: Tensor): Tensor => mul(g, mul(y, sub(1, y)));
/** g·tanh′ from tanh's output y: g·(1 − y²), as tanh's rule. */
const tanhSlope = (g: Tensor, y: Tensor): Tensor => mul(g, sub(1, square(y)));

/** Part `k` of `n` equal parts of the last axis of `t` (a gate's pre-activations). */
const part = (t: Tensor, k: number, n: number): Tensor => {
  const size = t.shape[t.ndim - 1]! / n;
  return slice(t, -1, k * size, (k + 1) * size);
};

/**
 * The LSTM cell's gradients [∂gates, ∂c] from g = [G_h', G_c'], its output [h', c'] (c' is read
 * from it), the gates and c; `need` says which to compute (by default, the operands requiring grad).
 */
export function lstmGrads(
  g: Tensor,
  out: Tensor,
  gates: Tensor,
  c: Tensor,
  need: readonly [boolean, boolean] = [gates.requiresGrad, c.requiresGrad],
): (Tensor | null)[] {
  const [gh, gc] = [select(g, 0, 0), select(g, 0, 1)];
  const [si, sf, tg, so] = [
    sigmoid(part(gates, 0, 4)),
    sigmoid(part(gates, 1, 4)),
    tanh(part(gates, 2, 4)),
    sigmoid(part(gates, 3, 4)),
  ];
  const tc = tanh(select(out, 0, 1));
  const gC2 = add(tanhSlope(mul(gh, so), tc), gc);
  const dc = need[1] ? mul(gC2, sf) : null;
  if (!need[0]) return [null, dc];
  const dGates = concat(
    [
      sigmoidSlope(mul(gC2, tg), si),
      sigmoidSlope(mul(gC2, c), sf),
      tanhSlope(mul(gC2, si), tg),
      sigmoidSlope(mul(gh, tc), so),
    ],
    -1,
  );
  return [dGates, dc];
}

/**
 * The GRU cell's gradients [∂xGates, ∂hGates, ∂h] from G, the gate parts and h, r, z and n computed
 * again from the gate parts; `need` says which to compute (by default, the operands requiring grad).
 * 1 − z's rule negates: ∂z = G·h + (−G·n), as a difference.
 */
export function gruGrads(
  g: Tensor,
  xGates: Tensor,
  hGates: Tensor,
  h: Tensor,
  need: readonly [boolean, boolean, boolean] = [xGates.requiresGrad, hGates.requiresGrad, h.requiresGrad],
): (Tensor | null)[] {
  const dh = need[2] ? mul(g, sigmoid(add(part(xGates, 1, 3), part(hGates, 1, 3)))) : null;
  if (!need[0] && !need[1]) return [null, null, dh];
  const hn = part(hGates, 2, 3);
  const r = sigmoid(add(part(xGates, 0, 3), part(hGates, 0, 3)));
  const z = sigmoid(add(part(xGates, 1, 3), part(hGates, 1, 3)));
  const n = tanh(add(part(xGates, 2, 3), mul(r, hn)));
  const dn = tanhSlope(mul(g, sub(1, z)), n);
  const dr = sigmoidSlope(mul(dn, hn), r);
  const dz = sigmoidSlope(sub(mul(g, h), mul(g, n)), z);
  return [need[0] ? concat([dr, dz, dn], -1) : null, need[1] ? concat([dr, dz, mul(dn, r)], -1) : null, dh];
}
