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
export type { ZeroGradOptions } from './zero-grad.js';
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
  type KLDivOptions,
  type CosineSimilarityOptions,
  type CosineEmbeddingOptions,
  klDiv,
  cosineSimilarity,
  cosineEmbeddingLoss,
  l1Penalty,
} from './functional/index.js';
export {
  dropout,
  embedding,
  batchNorm,
  layerNorm,
  type BatchNormOptions,
  type RunningStats,
} from './functional/index.js';
export {
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
  maxPool1d,
  maxPool2d,
  avgPool1d,
  avgPool2d,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  interpolate,
  groupNorm,
  instanceNorm,
  type Conv1dOptions,
  type Conv2dOptions,
  type ConvTranspose1dOptions,
  type ConvTranspose2dOptions,
  type Single,
  type PoolOptions,
  type Pool1dOptions,
  type AdaptiveSize,
  type InterpolateMode,
  type InterpolateOptions,
  type InstanceNormOptions,
} from './functional/index.js';
export {
  rnnCell,
  lstmCell,
  gruCell,
  lstmLayer,
  gruLayer,
  type CellWeights,
  type RnnNonlinearity,
} from './functional/index.js';
export {
  scaledDotProductAttention,
  type AttentionWeightsOptions,
  type ScaledDotProductAttentionOptions,
} from './functional/index.js';

export type { LayerOptions } from './layers/options.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Sequential, type TensorModule } from './layers/sequential.js';
export { ModuleList, ModuleDict } from './layers/containers.js';
export type { RemovableHandle, ForwardHook, ForwardPreHook } from './hooks.js';
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
export { Conv1d, Conv2d, type Conv1dLayerOptions, type Conv2dLayerOptions } from './layers/conv.js';
export {
  ConvTranspose1d,
  ConvTranspose2d,
  type ConvTranspose1dLayerOptions,
  type ConvTranspose2dLayerOptions,
} from './layers/conv-transpose.js';
export {
  MaxPool1d,
  MaxPool2d,
  AvgPool1d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  type MaxPool1dOptions,
  type MaxPool2dOptions,
  type AvgPool1dOptions,
  type AvgPool2dOptions,
} from './layers/pooling.js';
export { Upsample, type UpsampleOptions } from './layers/upsample.js';
export {
  BatchNorm2d,
  InstanceNorm2d,
  GroupNorm,
  type Norm2dOptions,
  type GroupNormOptions,
} from './layers/normalization2d.js';
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
  MultiheadAttention,
  type MultiheadAttentionOptions,
  type MultiheadAttentionForwardOptions,
} from './layers/attention.js';
export {
  TransformerEncoderLayer,
  TransformerDecoderLayer,
  type TransformerLayerOptions,
  type TransformerActivation,
  type EncoderLayerForwardOptions,
  type DecoderLayerForwardOptions,
} from './layers/transformer.js';
export {
  TransformerEncoder,
  TransformerDecoder,
  generateSquareSubsequentMask,
  type TransformerStackOptions,
  type TransformerEncoderForwardOptions,
} from './layers/transformer-stack.js';

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
  precision,
  recall,
  f1Score,
  balancedAccuracy,
  type Average,
  type PrfOptions,
  type PerClassOptions,
  type BalancedAccuracyOptions,
  topKAccuracy,
  logLoss,
  type TopKAccuracyOptions,
  type LogLossOptions,
  rocCurve,
  rocAuc,
  precisionRecallCurve,
  averagePrecision,
  type RocCurve,
  type PrecisionRecallCurve,
  type CurveOptions,
  type ScoreAverageOptions,
  type LabelsInput,
  type ScoresInput,
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
  compileStep,
  type CompiledStep,
  type CompileStepOptions,
  type StepResult,
  gridSearch,
  randomSearch,
  successiveHalving,
  hyperband,
  hyperbandBrackets,
  type BudgetTrial,
  type BudgetSearchResult,
  type BudgetSearchOptions,
  type Distribution,
  type Trial,
  type TrialResult,
  type SearchOptions,
  type CastMode,
  type LoadCast,
  type LoadCheckpointOptions,
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
  type WritableDType,
  type EncodeOptions,
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
  type SymmetricRange,
  type RandomAffineOptions,
  type ElasticDistortionOptions,
  type RandomErasingOptions,
  randomAffine,
  elasticDistortion,
  randomErasing,
} from './data/index.js';
