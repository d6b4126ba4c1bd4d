export type { Batch, ArrayData, BatchSource } from './batches.js';
export { accuracy, confusionMatrix, predictedClasses, type ClassOptions } from './metrics.js';
export {
  evaluate,
  type EvaluateOptions,
  type EvaluateResult,
  type MetricFn,
  type Metrics,
  type Model,
} from './evaluate.js';
export {
  fit,
  type FitOptions,
  type FitCallbacks,
  type EpochLog,
  type BatchLog,
  type EarlyStopping,
  type Monitor,
  type History,
} from './fit.js';
export {
  gridSearch,
  randomSearch,
  type Distribution,
  type Trial,
  type TrialResult,
  type SearchOptions,
} from './search.js';
export { saveCheckpoint, loadCheckpoint, encodeCheckpoint, decodeCheckpoint } from './checkpoint.js';
export { type CastMode, type LoadCast, type LoadCheckpointOptions } from './load-cast.js';
