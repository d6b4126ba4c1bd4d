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
export { dropout } from './dropout.js';
export { batchNorm, layerNorm, type BatchNormOptions, type RunningStats } from './normalization.js';
export { embedding } from './embedding.js';
export { conv2d, maxPool2d, avgPool2d, type Conv2dOptions, type PoolOptions } from './conv.js';
export { rnnCell, lstmCell, gruCell, type CellWeights, type RnnNonlinearity } from './recurrent.js';
