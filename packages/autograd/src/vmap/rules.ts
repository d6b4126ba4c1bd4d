/**
 * The batching rule of every op, by name: how `vmap` runs the op once on a whole batch. The
 * table's type lists every `OpName`, so an op added to a family's table without a rule here does
 * not compile. Rules are made by the helpers of rule-helpers.ts: `elementwise` (broadcast the
 * unbatched operands along the batch axis), `reduceAxes` and `shiftAxis` (axes move one up),
 * `prependShape` (shapes gain the batch), `leadingBatch` (ops that take leading batch axes),
 * `matmulRule`, and `loop`, the fallback that runs the op per example and stacks the results
 * (right for any op, one op per example). test/vmap/vmap-table.test.ts checks every rule against
 * the loop, values and per-example gradients.
 */
import type { OpName, OpParams } from '../ops/registry.js';
import {
  argRule,
  type BatchRule,
  batchedFirstOperand,
  elementwise,
  expandRule,
  leadingBatch,
  loop,
  matmulRule,
  mergeBatch,
  permuteRule,
  planesFirst,
  prependShape,
  reduceAxes,
  shiftAxis,
  solveRule,
} from './rule-helpers.js';

export type { BatchRule, Operand } from './rule-helpers.js';

/** Every op's batching rule. */
export const BATCH_RULES: { readonly [K in OpName]: BatchRule<OpParams[K]> } = {
  cast: elementwise,
  // unary
  neg: elementwise,
  abs: elementwise,
  exp: elementwise,
  log: elementwise,
  log1p: elementwise,
  expm1: elementwise,
  sqrt: elementwise,
  square: elementwise,
  reciprocal: elementwise,
  sin: elementwise,
  cos: elementwise,
  tanh: elementwise,
  sigmoid: elementwise,
  relu: elementwise,
  erf: elementwise,
  softplus: elementwise,
  clamp: elementwise,
  sign: elementwise,
  floor: elementwise,
  ceil: elementwise,
  round: elementwise,
  // binary
  add: elementwise,
  sub: elementwise,
  mul: elementwise,
  div: elementwise,
  pow: elementwise,
  maximum: elementwise,
  minimum: elementwise,
  atan2: elementwise,
  where: elementwise,
  eq: elementwise,
  ne: elementwise,
  lt: elementwise,
  le: elementwise,
  gt: elementwise,
  ge: elementwise,
  // reductions
  sum: reduceAxes,
  max: reduceAxes,
  min: reduceAxes,
  prod: reduceAxes,
  cumsum: shiftAxis,
  argmax: argRule,
  argmin: argRule,
  // shape
  reshape: prependShape,
  permute: permuteRule,
  expand: expandRule,
  slice: shiftAxis,
  sliceBackward: prependShape,
  concat: shiftAxis,
  // linear algebra
  matmul: matmulRule,
  linear: batchedFirstOperand,
  // indexing
  gather: shiftAxis,
  scatterAdd: prependShape,
  scatter: shiftAxis,
  // windows
  unfold: mergeBatch,
  fold: mergeBatch,
  // decompositions, triangles, scans, sorting and rearrangements
  det: leadingBatch,
  inv: leadingBatch,
  cholesky: leadingBatch,
  solve: solveRule,
  slogdet: leadingBatch,
  solveTriangular: solveRule,
  tril: elementwise, // the last two axes: the batch axis is one more leading axis
  triu: elementwise,
  diagonal: elementwise,
  diagonalBackward: prependShape,
  flip: reduceAxes,
  roll: reduceAxes,
  argsort: shiftAxis,
  cumprod: shiftAxis,
  logcumsumexp: shiftAxis,
  // fused recurrent cells: leading batch axes in (the LSTM's [h', c'] out on a new axis 0)
  fusedLstmCell: planesFirst,
  fusedGruCell: leadingBatch,
  // a whole-sequence layer: per example (its states are [N, H], one batch axis already)
  fusedLstmSequence: loop,
  fusedGruSequence: loop,
  // a custom op's forward is the user's: per example
  custom: loop,
};
