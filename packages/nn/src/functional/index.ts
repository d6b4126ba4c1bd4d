/** The functional forms: activations, losses, and the layer computations. */
export * from './activations.js';
export * from './losses.js';
export { linear } from './linear.js';
export { dropout } from './dropout.js';
export { batchNorm, layerNorm, type BatchNormOptions, type RunningStats } from './normalization.js';
export { embedding } from './embedding.js';
export { conv2d, maxPool2d, avgPool2d, type Conv2dOptions, type PoolOptions } from './conv.js';
export { rnnCell, lstmCell, gruCell, type CellWeights, type RnnNonlinearity } from './recurrent.js';
