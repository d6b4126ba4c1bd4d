import * as T from '@chainrule/tensor';
import { type Tensor, adamUpdateInPlace, add, div, maximum, mul, sqrt, square } from '@chainrule/autograd';
import {
  type Hyperparameters,
  type LiveState,
  Optimizer,
  type ParamGroup,
  type ParamGroupInput,
  zerosState,
} from './optimizer.js';
import { advanceStep, coefficientTensors, stepCoefficientArray } from './host-step.js';
import type { StateSchema } from './state-check.js';

/** Hyperparameters of Adam and AdamW (PyTorch's). */
export interface AdamOptions extends Hyperparameters {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

/** Adam's options as given: PyTorch's `betas: [beta1, beta2]` is accepted too. */
export type AdamInput = Partial<AdamOptions> & { betas?: readonly [number, number] };

/** A parameter group for Adam and AdamW, which may also give `betas`. */
export type AdamGroupInput = ParamGroupInput<AdamOptions> & { betas?: readonly [number, number] };

function checkAdam(name: string, h: Hyperparameters): void {
  const o = h as Partial<AdamOptions>;
  for (const key of ['beta1', 'beta2'] as const) {
    const b = o[key];
    if (b !== undefined && !(b >= 0 && b < 1)) throw new T.RangeError(name, `${key} must be in [0, 1), got ${b}`);
  }
  if (o.eps !== undefined && !(o.eps >= 0)) throw new T.RangeError(name, `eps must be >= 0, got ${o.eps}`);
  if (o.weightDecay !== undefined && !(o.weightDecay >= 0))
    throw new T.RangeError(name, `weightDecay must be >= 0, got ${o.weightDecay}`);
}

/** Adam's per-parameter state: max_exp_avg_sq with amsgrad (created when missing). */
const ADAM_STATE: StateSchema = {
  step: { kind: 'count', required: true },
  exp_avg: { kind: 'tensor', required: true },
  exp_avg_sq: { kind: 'nonnegative', required: true },
  max_exp_avg_sq: { kind: 'nonnegative', required: false },
};

/** The shared Adam moment update and step; `g` already includes any L2 term. */
function adamStep(name: string, p: Tensor, g: Tensor, state: LiveState, h: AdamOptions): void {
  if (state.exp_avg === undefined) {
    state.step = 0;
    state.exp_avg = zerosState(p);
    state.exp_avg_sq = zerosState(p);
  }
  advanceStep(name, state);
  const m = state.exp_avg as Tensor,
    v = state.exp_avg_sq as Tensor;
  if (h.amsgrad) state.max_exp_avg_sq ??= zerosState(p); // (also when a loaded state lacks it)
  const vmax = h.amsgrad ? (state.max_exp_avg_sq as Tensor) : undefined;
  // √(1 − β₂ᵗ) and −η/(1 − β₁ᵗ), recomputed from the count on each replay of a compiled step
  const coefficients = stepCoefficientArray(name, p.dtype, () => [
    Math.sqrt(1 - h.beta2 ** (state.step as number)),
    -(h.lr / (1 - h.beta1 ** (state.step as number))),
  ]);
  if (T.adamUpdateFits(p.value, g.value, m.value, v.value, vmax?.value, coefficients)) {
    // one pass with the bits of the ops below
    adamUpdateInPlace(p, g, m, v, vmax, coefficients, { beta1: h.beta1, beta2: h.beta2, eps: h.eps });
    return;
  }
  m.mulInPlace(h.beta1).addScaledInPlace(g, 1 - h.beta1);
  v.mulInPlace(h.beta2).addInPlace(mul(square(g), 1 - h.beta2));
  const [bc2Sqrt, stepSize] = coefficientTensors(coefficients);
  let second = v;
  if (vmax !== undefined) {
    vmax.copyInPlace(maximum(vmax, v));
    second = vmax;
  }
  const denom = add(div(sqrt(second), bc2Sqrt!), h.eps);
  p.addInPlace(mul(div(m, denom), stepSize!)); // the bits of addScaledInPlace(·, −η/(1 − β₁ᵗ))
}

/**
 * Adam, as PyTorch's: g ← ∇ + λθ; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
 * θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε) (with `amsgrad`, v is the running max).
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  /** Step counts and bias corrections go through host updates and kernels: replayable. */
  override readonly replayableStep: boolean = true;
  constructor(params: Iterable<Tensor> | readonly AdamGroupInput[], options: AdamInput = {}) {
    super('Adam', params, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false }, options);
  }

  protected override checkHyperparameters(h: Hyperparameters): void {
    super.checkHyperparameters(h);
    checkAdam('Adam', h);
  }

  protected stateSchema(): StateSchema {
    return ADAM_STATE;
  }

  protected update(p: Tensor, grad: Tensor, state: LiveState, h: ParamGroup<AdamOptions>): void {
    adamStep('Adam', p, h.weightDecay === 0 ? grad : add(grad, mul(p, h.weightDecay)), state, h);
  }
}

/**
 * AdamW (decoupled weight decay), as PyTorch's: θ ← θ(1 − ηλ), then the Adam step on the plain
 * gradient. The default weight decay is 0.01.
 */
export class AdamW extends Optimizer<AdamOptions> {
  /** Step counts and bias corrections go through host updates and kernels: replayable. */
  override readonly replayableStep: boolean = true;
  constructor(params: Iterable<Tensor> | readonly AdamGroupInput[], options: AdamInput = {}) {
    super(
      'AdamW',
      params,
      { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: false },
      options,
    );
  }

  protected override checkHyperparameters(h: Hyperparameters): void {
    super.checkHyperparameters(h);
    checkAdam('AdamW', h);
  }

  protected stateSchema(): StateSchema {
    return ADAM_STATE;
  }

  protected update(p: Tensor, grad: Tensor, state: LiveState, h: ParamGroup<AdamOptions>): void {
    if (h.weightDecay !== 0) p.mulInPlace(1 - h.lr * h.weightDecay);
    adamStep('AdamW', p, grad, state, h);
  }
}
