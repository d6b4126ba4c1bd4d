export {
  Optimizer,
  type Hyperparameters,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type OptimizerStateDict,
  type OptimizerStateDictInput,
  type LiveState,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adam, AdamW, type AdamOptions, type AdamInput, type AdamGroupInput } from './adam.js';
export { clipGradNorm, type ClipOptions } from './clip.js';
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, type SchedulerStateDict } from './scheduler.js';
export { ReduceLROnPlateau, type PlateauOptions } from './plateau.js';
