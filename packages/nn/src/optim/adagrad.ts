import * as T from '@chainrule/tensor';
import { Tensor, add, div, mul, sqrt, square } from '@chainrule/autograd';
import { advanceStep, stepCoefficients } from './host-step.js';
import { type Hyperparameters, type LiveState, Optimizer, type ParamGroup, type ParamGroupInput } from './optimizer.js';
import type { StateSchema } from './state-check.js';

/** Hyperparameters of Adagrad (PyTorch's). */
export interface AdagradOptions extends Hyperparameters {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
}

/**
 * Adagrad, as PyTorch's: g ← ∇ + λθ; η_t = η / (1 + (t − 1)·decay); s ← s + g²;
 * θ ← θ − η_t g / (√s + ε).
 * @example
 * ```ts
 * const opt = new Adagrad(model.parameters(), { lr: 0.01 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  /** Its step count and decayed rate go through a host update and a host kernel: replayable. */
  override readonly replayableStep: boolean = true;
  constructor(
    params: Iterable<Tensor> | readonly ParamGroupInput<AdagradOptions>[],
    options: Partial<AdagradOptions> = {},
  ) {
    super('Adagrad', params, { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 }, options);
  }

  protected override checkHyperparameters(h: Hyperparameters): void {
    super.checkHyperparameters(h);
    const o = h as Partial<AdagradOptions>;
    if (o.eps !== undefined && !(o.eps >= 0)) throw new T.RangeError('Adagrad', `eps must be >= 0, got ${o.eps}`);
    if (o.initialAccumulatorValue !== undefined && !(o.initialAccumulatorValue >= 0))
      throw new T.RangeError('Adagrad', `initialAccumulatorValue must be >= 0, got ${o.initialAccumulatorValue}`);
    if (o.lrDecay !== undefined && !(o.lrDecay >= 0))
      throw new T.RangeError('Adagrad', `lrDecay must be >= 0, got ${o.lrDecay}`);
    if (o.weightDecay !== undefined && !(o.weightDecay >= 0))
      throw new T.RangeError('Adagrad', `weightDecay must be >= 0, got ${o.weightDecay}`);
  }

  protected stateSchema(): StateSchema {
    return { step: { kind: 'count', required: true }, sum: { kind: 'nonnegative', required: true } };
  }

  protected update(p: Tensor, grad: Tensor, state: LiveState, h: ParamGroup<AdagradOptions>): void {
    let sum = state.sum as Tensor | undefined;
    if (sum === undefined) {
      sum = new Tensor(T.full(p.shape, h.initialAccumulatorValue, p.dtype));
      state.sum = sum;
      state.step = 0;
    }
    advanceStep('Adagrad', state);
    const g = h.weightDecay === 0 ? grad : add(grad, mul(p, h.weightDecay));
    // −η/(1 + (t − 1)·decay), recomputed from the count on each replay of a compiled step
    const [negClr] = stepCoefficients('Adagrad', p.dtype, () => [
      -(h.lr / (1 + ((state.step as number) - 1) * h.lrDecay)),
    ]);
    sum.addInPlace(square(g));
    p.addInPlace(mul(div(g, add(sqrt(sum), h.eps)), negClr!)); // the bits of addScaledInPlace(·, −clr)
  }
}
