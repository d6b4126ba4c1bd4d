/**
 * @chainrule/nn: layers, losses, initializers, optimizers and training utilities on top of
 * @chainrule/autograd.
 *
 * @example
 * ```ts
 * import { Sequential, Linear, Sigmoid, SGD, mseLoss } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * const net = new Sequential(new Linear(2, 2), new Sigmoid(), new Linear(2, 1), new Sigmoid());
 * const opt = new SGD(net.parameters(), { lr: 2 });
 * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y = tensor([[0], [1], [1], [0]]);
 * for (let i = 0; i < 2000; i++) {
 *   opt.zeroGrad();
 *   mseLoss(net.forward(x), y).backward();
 *   opt.step();
 * }
 * ```
 */
export const PACKAGE = '@chainrule/nn';

import * as F from './functional/index.js';
import * as init from './init.js';
/**
 * `F`: the functional forms (`F.gelu(x)`, `F.softplus(x, beta)`, `F.crossEntropy(logits, labels)`),
 * as PyTorch's `torch.nn.functional`; `init`: the initializers (`init.kaimingUniform_(w)`).
 */
export { F, init };

export { Module, type AnyModule, type StateDictInput, type LoadStateDictOptions } from './module.js';
export { Parameter } from './parameter.js';
export { StateDictError, ModuleError, type StateDictMismatch } from './errors.js';
export type { Nonlinearity, FanMode, XavierOptions, KaimingOptions } from './init.js';

// The functional forms at the top level too, except `softplus`: @chainrule/autograd exports its own
// softplus (without beta and threshold), so nn's is `F.softplus`. No top-level name here is also
// one of @chainrule/autograd's.
export {
  identity,
  step,
  type SmhtOptions,
  smht,
  softsign,
  leakyRelu,
  type GeluApproximate,
  gelu,
  elu,
} from './functional/index.js';
export {
  type Reduction,
  type LossOptions,
  type MseOptions,
  type HuberOptions,
  mseLoss,
  quadraticCost,
  l1Loss,
  huberLoss,
  bce,
  bceWithLogits,
  crossEntropy,
  nllLoss,
  l2Penalty,
} from './functional/index.js';
export {
  dropout,
  embedding,
  batchNorm,
  layerNorm,
  type BatchNormOptions,
  type RunningStats,
} from './functional/index.js';
export { conv2d, maxPool2d, avgPool2d, type Conv2dOptions, type PoolOptions } from './functional/index.js';
export { rnnCell, lstmCell, gruCell, type CellWeights, type RnnNonlinearity } from './functional/index.js';

export type { LayerOptions } from './layers/options.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Sequential, type TensorModule } from './layers/sequential.js';
export {
  Identity,
  Step,
  Sigmoid,
  Tanh,
  SobolevaTanh,
  Softsign,
  ReLU,
  LeakyReLU,
  GELU,
  Softplus,
  ELU,
  Softmax,
  LogSoftmax,
} from './layers/activations.js';
export { Flatten, Dropout, Embedding, type EmbeddingOptions } from './layers/basic.js';
export { Conv2d, MaxPool2d, AvgPool2d, type Conv2dLayerOptions } from './layers/conv.js';
export {
  RNNCell,
  LSTMCell,
  GRUCell,
  RNN,
  LSTM,
  GRU,
  type CellOptions,
  type RecurrentOptions,
} from './layers/recurrent.js';
export { BatchNorm1d, LayerNorm, type BatchNormLayerOptions, type LayerNormOptions } from './layers/normalization.js';

export {
  Optimizer,
  type Hyperparameters,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type OptimizerStateDict,
  type OptimizerStateDictInput,
  type LiveState,
  SGD,
  type SGDOptions,
  Adagrad,
  type AdagradOptions,
  RMSprop,
  type RMSpropOptions,
  Adam,
  AdamW,
  type AdamOptions,
  clipGradNorm,
  LRScheduler,
  StepLR,
  ExponentialLR,
  CosineAnnealingLR,
  type SchedulerStateDict,
  ReduceLROnPlateau,
  type PlateauOptions,
} from './optim/index.js';

export {
  type Batch,
  type ArrayData,
  type BatchSource,
  accuracy,
  confusionMatrix,
  predictedClasses,
  type ClassOptions,
  evaluate,
  type EvaluateOptions,
  type EvaluateResult,
  type MetricFn,
  type Metrics,
  type Model,
  fit,
  type FitOptions,
  type FitCallbacks,
  type EpochLog,
  type BatchLog,
  type EarlyStopping,
  type Monitor,
  type History,
  gridSearch,
  randomSearch,
  type Distribution,
  type Trial,
  type TrialResult,
  type SearchOptions,
  saveCheckpoint,
  loadCheckpoint,
  encodeCheckpoint,
  decodeCheckpoint,
} from './train/index.js';

export {
  CheckpointError,
  type CheckpointProblem,
  type TensorMap,
  MAX_HEADER_BYTES,
  encodeSafetensors,
  type DecodedSafetensors,
  decodeSafetensors,
  saveSafetensors,
  loadSafetensors,
  type SafetensorsDType,
} from './serialization/index.js';

export {
  type Dataset,
  type BatchedDataset,
  type TensorTuple,
  TensorDataset,
  Subset,
  type Collated,
  defaultCollate,
  type DataLoaderOptions,
  DataLoader,
  type SplitSizes,
  type IndexSplit,
  type DatasetSplit,
  trainValTestSplit,
  randomPermutation,
  NotFittedError,
  FeatureScaler,
  type StandardScalerOptions,
  StandardScaler,
  type MinMaxScalerOptions,
  MinMaxScaler,
  normalize,
} from './data/index.js';
