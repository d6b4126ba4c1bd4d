/** What was wrong with a checkpoint, for callers that branch on it. */
export type CheckpointProblem =
  | 'truncated'
  | 'header-too-large'
  | 'header-encoding'
  | 'header-json'
  | 'duplicate-key'
  | 'metadata'
  | 'entry'
  | 'dtype'
  | 'shape'
  | 'offsets'
  | 'byte-count'
  | 'value'
  | 'encode'
  | 'input'
  | 'io';

/**
 * A safetensors file (or a tensor map being written) that breaks the format. The message names
 * the tensor and what was expected, e.g.
 * `safetensors: tensor "w" has 12 bytes, expected 16 (shape [2,2] × 4 bytes of F32)`.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly problem: CheckpointProblem,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`safetensors: ${detail}`, options);
  }
}
