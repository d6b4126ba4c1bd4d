import * as T from '@chainrule/tensor';
import { Tensor, add, clamp, div, mul, sqrt, square, sub } from '@chainrule/autograd';
import {
  type Hyperparameters,
  type LiveState,
  Optimizer,
  type ParamGroup,
  type ParamGroupInput,
  zerosState,
} from './optimizer.js';
import { advanceStep } from './host-step.js';
import { type StateSchema, stateValues } from './state-check.js';

/** Hyperparameters of RMSprop (PyTorch's). */
export interface RMSpropOptions extends Hyperparameters {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

/**
 * RMSprop, as PyTorch's: g ← ∇ + λθ; s ← αs + (1 − α)g²; with `centered`, m ← αm + (1 − α)g and
 * the denominator is √(s − m²) + ε, else √s + ε; with momentum μ: b ← μb + g/den, θ ← θ − ηb;
 * otherwise θ ← θ − η g/den.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  /** Its step count goes through a host update: replayable. */
  override readonly replayableStep: boolean = true;
  constructor(
    params: Iterable<Tensor> | readonly ParamGroupInput<RMSpropOptions>[],
    options: Partial<RMSpropOptions> = {},
  ) {
    super(
      'RMSprop',
      params,
      { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false },
      options,
    );
  }

  protected override checkHyperparameters(h: Hyperparameters): void {
    super.checkHyperparameters(h);
    const o = h as Partial<RMSpropOptions>;
    if (o.alpha !== undefined && !(o.alpha >= 0 && o.alpha <= 1))
      throw new T.RangeError('RMSprop', `alpha must be in [0, 1], got ${o.alpha}`);
    if (o.momentum !== undefined && !(o.momentum >= 0))
      throw new T.RangeError('RMSprop', `momentum must be >= 0, got ${o.momentum}`);
    if (o.eps !== undefined && !(o.eps >= 0)) throw new T.RangeError('RMSprop', `eps must be >= 0, got ${o.eps}`);
    if (o.weightDecay !== undefined && !(o.weightDecay >= 0))
      throw new T.RangeError('RMSprop', `weightDecay must be >= 0, got ${o.weightDecay}`);
  }

  protected stateSchema(): StateSchema {
    return {
      step: { kind: 'count', required: true },
      square_avg: { kind: 'nonnegative', required: true },
      momentum_buffer: { kind: 'tensor', required: false },
      grad_avg: { kind: 'tensor', required: false },
    };
  }

  /** A centered state needs grad_avg² ≤ square_avg (a variance ≥ 0), as every real run keeps it. */
  protected override checkLoadedState(op: string, where: string, state: LiveState): void {
    if (!(state.grad_avg instanceof Tensor) || !(state.square_avg instanceof Tensor)) return;
    const g = stateValues(state.grad_avg),
      s = stateValues(state.square_avg);
    for (let i = 0; i < g.length; i++) {
      const excess = g[i]! * g[i]! - s[i]!;
      if (excess > 1e-6 * s[i]! + 1e-30)
        throw new T.RangeError(
          op,
          `${where}: grad_avg² must not exceed square_avg (a variance is >= 0), ` +
            `got grad_avg ${g[i]} and square_avg ${s[i]} at element ${i}`,
        );
    }
  }

  protected update(p: Tensor, grad: Tensor, state: LiveState, h: ParamGroup<RMSpropOptions>): void {
    if (state.square_avg === undefined) {
      state.step = 0;
      state.square_avg = zerosState(p);
      if (h.momentum > 0) state.momentum_buffer = zerosState(p);
      if (h.centered) state.grad_avg = zerosState(p);
    }
    advanceStep('RMSprop', state);
    const g = h.weightDecay === 0 ? grad : add(grad, mul(p, h.weightDecay));
    const sq = state.square_avg as Tensor;
    sq.mulInPlace(h.alpha).addInPlace(mul(square(g), 1 - h.alpha));
    let avg: Tensor;
    if (h.centered) {
      state.grad_avg ??= zerosState(p);
      const ga = state.grad_avg as Tensor;
      ga.mulInPlace(h.alpha).addScaledInPlace(g, 1 - h.alpha);
      avg = add(sqrt(clamp(sub(sq, square(ga)), 0)), h.eps); // ≥ 0 up to rounding
    } else {
      avg = add(sqrt(sq), h.eps);
    }
    if (h.momentum > 0) {
      state.momentum_buffer ??= zerosState(p);
      const buf = state.momentum_buffer as Tensor;
      buf.mulInPlace(h.momentum).addInPlace(div(g, avg));
      p.addScaledInPlace(buf, -h.lr);
    } else {
      p.addScaledInPlace(div(g, avg), -h.lr);
    }
  }
}
