import type { Backend } from '../../backend.js';
import { activationGradFamily } from './activation-grad.js';
import { adamFamily } from './adam.js';
import { axpyFamily } from './axpy.js';
import { convFamily } from './conv.js';
import { copyFamily } from './copy.js';
import { elementwiseFamily } from './elementwise.js';
import { gruCellFamily } from './gru-cell.js';
import { linalgFamily } from './linalg.js';
import { lstmCellFamily } from './lstm-cell.js';
import { matmulFamily } from './matmul.js';
import { maxPoolFamily } from './max-pool-grad.js';
import { reduceFamily } from './reduce.js';
import { scanFamily } from './scan.js';
import { selectFamily } from './select.js';
import { sortFamily } from './sort.js';

/**
 * The pure-TypeScript backend: every kernel, the fallback and the reference for faster backends.
 * Assembled from one object per kernel family (each family file exports its kernels), so a kernel
 * added to a family's object is part of it, and of every backend composed on it, with no edit here.
 */
export const jsBackend: Backend = {
  name: 'js',
  ...elementwiseFamily,
  ...reduceFamily,
  ...scanFamily,
  ...sortFamily,
  ...matmulFamily,
  ...copyFamily,
  ...selectFamily,
  ...axpyFamily,
  ...adamFamily,
  ...activationGradFamily,
  ...lstmCellFamily,
  ...gruCellFamily,
  ...convFamily,
  ...maxPoolFamily,
  ...linalgFamily,
};
