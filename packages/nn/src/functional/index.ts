/** The functional forms: activations, losses, and the layer computations. */
export * from './activations.js';
export * from './losses.js';
export { linear } from './linear.js';
export { dropout } from './dropout.js';
export { batchNorm, layerNorm, type BatchNormOptions, type RunningStats } from './normalization.js';
export { embedding } from './embedding.js';
