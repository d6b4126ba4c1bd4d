/**
 * The functional forms (PyTorch's `torch.nn.functional`, reached as `F` from @chainrule/nn):
 * activations, losses, and the layer computations. `F.sigmoid`, `F.tanh`, `F.relu`, `F.softmax`,
 * `F.logSoftmax` and `F.linear` are @chainrule/autograd's own functions, reachable here as a
 * PyTorch user reaches for them (nn exports none of them at its top level, so nothing shadows
 * autograd). `softplus` is nn's own: it takes PyTorch's `beta` and `threshold`.
 *
 * @example
 * ```ts
 * import { F } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * F.softplus(tensor([-1, 0, 30]), 2).toArray(); // [0.0635, 0.3466, 30]
 * F.gelu(tensor([1]), 'tanh').item();            // 0.8412
 * F.relu(tensor([-1, 2])).toArray();              // [0, 2]
 * ```
 */
export { sigmoid, tanh, relu, softmax, logSoftmax, linear } from '@chainrule/autograd';
export {
  identity,
  step,
  type SmhtOptions,
  smht,
  softsign,
  leakyRelu,
  type GeluApproximate,
  gelu,
  softplus,
  elu,
} from './activations.js';
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
} from './losses.js';
export {
  type KLDivOptions,
  type CosineSimilarityOptions,
  type CosineEmbeddingOptions,
  klDiv,
  cosineSimilarity,
  cosineEmbeddingLoss,
  l1Penalty,
} from './losses-extra.js';
export { dropout } from './dropout.js';
export { batchNorm, layerNorm, type BatchNormOptions, type RunningStats } from './normalization.js';
export { embedding } from './embedding.js';
export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions, type Single } from './conv.js';
export {
  convTranspose1d,
  convTranspose2d,
  type ConvTranspose1dOptions,
  type ConvTranspose2dOptions,
} from './conv-transpose.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, type PoolOptions, type Pool1dOptions } from './pooling.js';
export { adaptiveAvgPool2d, adaptiveMaxPool2d, type AdaptiveSize } from './adaptive-pool.js';
export { interpolate, type InterpolateMode, type InterpolateOptions } from './interpolate.js';
export { groupNorm, instanceNorm, type InstanceNormOptions } from './normalization2d.js';
export {
  rnnCell,
  lstmCell,
  gruCell,
  lstmLayer,
  gruLayer,
  type CellWeights,
  type RnnNonlinearity,
} from './recurrent.js';
export {
  scaledDotProductAttention,
  attentionWeights,
  type AttentionWeightsOptions,
  type ScaledDotProductAttentionOptions,
} from './attention.js';
