import * as T from '@chainrule/tensor';
import { type Tensor, add, mul } from '@chainrule/autograd';
import {
  type Hyperparameters,
  type LiveState,
  Optimizer,
  type ParamGroup,
  type ParamGroupInput,
  cloneState,
} from './optimizer.js';
import type { StateSchema } from './state-check.js';

/** Hyperparameters of SGD (PyTorch's). */
export interface SGDOptions extends Hyperparameters {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * Stochastic gradient descent, as PyTorch's:
 * g ← ∇ + λθ; with momentum μ: b ← g on the first step, else b ← μb + (1 − τ)g;
 * g ← g + μb (Nesterov) or b; θ ← θ − ηg.
 * @example
 * ```ts
 * import { SGD } from '@chainrule/nn';
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  /** Its state (momentum buffers) is updated in place with the hyperparameters' numbers: replayable. */
  override readonly replayableStep: boolean = true;
  constructor(
    params: Iterable<Tensor> | readonly ParamGroupInput<SGDOptions>[],
    options: Partial<SGDOptions> & { lr: number },
  ) {
    super('SGD', params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, options);
  }

  protected override checkHyperparameters(h: Hyperparameters): void {
    super.checkHyperparameters(h);
    const s = h as Partial<SGDOptions>;
    if (s.momentum !== undefined && !(s.momentum >= 0))
      throw new T.RangeError('SGD', `momentum must be >= 0, got ${s.momentum}`);
    if (s.weightDecay !== undefined && !(s.weightDecay >= 0))
      throw new T.RangeError('SGD', `weightDecay must be >= 0, got ${s.weightDecay}`);
    if (s.nesterov === true && (!((s.momentum ?? 0) > 0) || (s.dampening ?? 0) !== 0)) {
      throw new T.RangeError('SGD', 'Nesterov momentum needs momentum > 0 and dampening 0');
    }
  }

  protected stateSchema(): StateSchema {
    return { momentum_buffer: { kind: 'tensor', required: false } };
  }

  protected update(p: Tensor, grad: Tensor, state: LiveState, h: ParamGroup<SGDOptions>): void {
    let g = h.maximize ? mul(grad, -1) : grad;
    if (h.weightDecay !== 0) g = add(g, mul(p, h.weightDecay));
    if (h.momentum !== 0) {
      let buf = state.momentum_buffer as Tensor | undefined;
      if (buf === undefined) {
        buf = cloneState(g);
        state.momentum_buffer = buf;
      } else {
        buf.mulInPlace(h.momentum);
        if (h.dampening === 0) buf.addInPlace(g);
        else buf.addScaledInPlace(g, 1 - h.dampening);
      }
      g = h.nesterov ? add(g, mul(buf, h.momentum)) : buf;
    }
    p.addScaledInPlace(g, -h.lr); // θ ← θ − ηg in one pass
  }
}
