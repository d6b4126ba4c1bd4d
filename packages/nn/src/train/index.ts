export type { Batch, ArrayData, BatchSource } from './batches.js';
export { accuracy, confusionMatrix, predictedClasses, type ClassOptions } from './metrics.js';
export {
  precision,
  recall,
  f1Score,
  balancedAccuracy,
  type Average,
  type PrfOptions,
  type PerClassOptions,
  type BalancedAccuracyOptions,
} from './classification-metrics.js';
export { topKAccuracy, logLoss, type TopKAccuracyOptions, type LogLossOptions } from './probability-metrics.js';
export {
  rocCurve,
  rocAuc,
  precisionRecallCurve,
  averagePrecision,
  type RocCurve,
  type PrecisionRecallCurve,
  type CurveOptions,
  type ScoreAverageOptions,
} from './ranking-metrics.js';
export type { LabelsInput, ScoresInput } from './metric-inputs.js';
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
  compileStep,
  type CompiledStep,
  type CompileStepOptions,
  type StepResult,
} from './compile-step.js';
export {
  gridSearch,
  randomSearch,
  type Distribution,
  type Trial,
  type TrialResult,
  type SearchOptions,
} from './search.js';
export {
  successiveHalving,
  hyperband,
  hyperbandBrackets,
  type BudgetTrial,
  type BudgetSearchResult,
  type BudgetSearchOptions,
} from './hyperband.js';
export { saveCheckpoint, loadCheckpoint, encodeCheckpoint, decodeCheckpoint } from './checkpoint.js';
export type { CastMode, LoadCast, LoadCheckpointOptions } from './load-cast.js';
