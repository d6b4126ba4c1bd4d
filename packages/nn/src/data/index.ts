/**
 * Data handling: datasets, a seeded batching DataLoader, train/val/test splits and feature
 * scalers. Everything random draws from the seeded `Rng` of @chainrule/tensor.
 *
 * @example
 * ```ts
 * const { train, val } = trainValTestSplit(new TensorDataset(x, y), { train: 0.8, val: 0.1, test: 0.1 }, 7);
 * for (const [xb, yb] of new DataLoader(train, { batchSize: 32, shuffle: true, seed: 7 })) step(xb, yb);
 * ```
 */
export { type Dataset, type BatchedDataset, type TensorTuple, TensorDataset, Subset } from './dataset.js';
export { type Collated, defaultCollate } from './collate.js';
export { type DataLoaderOptions, DataLoader } from './dataloader.js';
export { type SplitSizes, type IndexSplit, type DatasetSplit, trainValTestSplit } from './split.js';
export { randomPermutation } from './permutation.js';
export { NotFittedError, FeatureScaler } from './feature-scaler.js';
export { type StandardScalerOptions, StandardScaler, type MinMaxScalerOptions, MinMaxScaler } from './scalers.js';
export { normalize } from './normalize.js';
export {
  type SymmetricRange,
  type RandomAffineOptions,
  type ElasticDistortionOptions,
  type RandomErasingOptions,
  randomAffine,
  elasticDistortion,
  randomErasing,
} from './augment.js';
