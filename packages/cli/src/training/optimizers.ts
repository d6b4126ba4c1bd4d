import { Adagrad, Adam, type Hyperparameters, type Optimizer, RMSprop, SGD } from '@chainrule/nn';
import type { Tensor } from '@chainrule/autograd';
import type { LossName } from '../model/architecture.js';

/** The optimizers the CLI offers. `momentum` is SGD with momentum 0.9, `nesterov` its Nesterov form. */
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Momentum coefficient of `momentum` and `nesterov`. */
export const MOMENTUM = 0.9;

/**
 * The learning rate used when `--lr` is not given. Plain SGD uses the notes' 3.0 on the quadratic
 * cost (whose gradients are small: sigmoid outputs, 1/(2n) scaling) and 0.1 on cross-entropy;
 * momentum divides those by 10 (its steps are about 1/(1 − 0.9) times larger); the adaptive
 * methods use their usual defaults.
 */
export function defaultLearningRate(optimizer: OptimizerName, loss: LossName): number {
  switch (optimizer) {
    case 'sgd':
      return loss === 'mse' ? 3 : 0.1;
    case 'momentum':
    case 'nesterov':
      return loss === 'mse' ? 0.3 : 0.01;
    case 'rmsprop':
    case 'adam':
      return 0.001;
    case 'adagrad':
      return loss === 'mse' ? 0.1 : 0.01;
  }
}

/** The defaults table as one line, for --help. */
export const LEARNING_RATE_DEFAULTS =
  'sgd 3 (mse) / 0.1 (ce); momentum, nesterov 0.3 / 0.01; rmsprop, adam 0.001; adagrad 0.1 / 0.01';

/** Builds the optimizer over `params`. */
export function makeOptimizer(name: OptimizerName, params: Tensor[], lr: number): Optimizer<Hyperparameters> {
  switch (name) {
    case 'sgd':
      return new SGD(params, { lr });
    case 'momentum':
      return new SGD(params, { lr, momentum: MOMENTUM });
    case 'nesterov':
      return new SGD(params, { lr, momentum: MOMENTUM, nesterov: true });
    case 'rmsprop':
      return new RMSprop(params, { lr });
    case 'adam':
      return new Adam(params, { lr });
    case 'adagrad':
      return new Adagrad(params, { lr });
  }
}
