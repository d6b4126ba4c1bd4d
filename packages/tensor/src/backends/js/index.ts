import type { Backend } from '../../backend.js';
import { activationGrad } from './activation-grad.js';
import { addScaledInPlace } from './axpy.js';
import { col2im, im2col } from './conv.js';
import { assign, copy } from './copy.js';
import { binary, clamp, compare, unary, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { argReduce, reduce } from './reduce.js';
import { gather, indexSelect, scatterAdd } from './select.js';

/** The pure-TypeScript backend: every kernel, the fallback and the reference for faster backends. */
export const jsBackend: Backend = {
  name: 'js',
  unary,
  binary,
  compare,
  where,
  clamp,
  reduce,
  argReduce,
  matmul,
  copy,
  assign,
  indexSelect,
  gather,
  scatterAdd,
  addScaledInPlace,
  activationGrad,
  im2col,
  col2im,
};
