/** Bad inputs to indexing (gather, indexSelect, scatterAdd, oneHot), window ops (unfold, fold) and casts. */
import { DTypeError, RangeError, ShapeError } from '../../src/index.js';
import * as A from '../../src/index.js';
import { type Case, bad, ints, leaf, plain } from './types.js';

const x23 = () =>
  leaf([
    [1, 2, 3],
    [4, 5, 6],
  ]);

export const indexingCases: Case[] = [
  bad('gather with a float index', DTypeError, 'gather', 'index must be int32, got float32', () => {
    const x = x23(),
      i = plain([[0, 1]]);
    return { watch: [x, i], call: () => A.gather(x, 1, i) };
  }),
  bad('gather with an index out of range', RangeError, 'gather', 'index 3 is out of range for axis 1 of size 3', () => {
    const x = x23(),
      i = ints([[0, 3]]);
    return { watch: [x, i], call: () => A.gather(x, 1, i) };
  }),
  bad('gather with a negative index', RangeError, 'gather', 'index -1 is out of range', () => {
    const x = x23(),
      i = ints([[-1]]);
    return { watch: [x, i], call: () => A.gather(x, 1, i) };
  }),
  bad('gather with an index of another rank', ShapeError, 'gather', 'does not fit shape [2,3]', () => {
    const x = x23(),
      i = ints([0, 1]);
    return { watch: [x, i], call: () => A.gather(x, 1, i) };
  }),
  bad('gather along an axis out of range', RangeError, 'gather', /out of range/, () => {
    const x = x23(),
      i = ints([[0]]);
    return { watch: [x, i], call: () => A.gather(x, 2, i) };
  }),
  bad('indexSelect with a 2-D index', ShapeError, 'indexSelect', 'index must be 1-D', () => {
    const x = x23(),
      i = ints([[0]]);
    return { watch: [x, i], call: () => A.indexSelect(x, 0, i) };
  }),
  bad('indexSelect with an index out of range', RangeError, 'indexSelect', 'index 2 is out of range for axis 0', () => {
    const x = x23(),
      i = ints([0, 2]);
    return { watch: [x, i], call: () => A.indexSelect(x, 0, i) };
  }),
  bad('indexSelect with a bool index', DTypeError, 'indexSelect', 'index must be int32, got bool', () => {
    const x = x23(),
      i = A.gt(plain([1, 0]), 0);
    return { watch: [x, i], call: () => A.indexSelect(x, 0, i) };
  }),
  bad('scatterAdd with a src smaller than the index', ShapeError, 'scatterAdd', 'does not fit src shape [2,1]', () => {
    const x = x23(),
      i = ints([
        [0, 1],
        [1, 2],
      ]),
      src = leaf([[1], [2]]);
    return { watch: [x, i, src], call: () => A.scatterAdd(x, 1, i, src) };
  }),
  bad('scatterAdd with an index out of range', RangeError, 'scatterAdd', 'index 5 is out of range for axis 1', () => {
    const x = x23(),
      i = ints([[5]]),
      src = leaf([[1]]);
    return { watch: [x, i, src], call: () => A.scatterAdd(x, 1, i, src) };
  }),
  bad('oneHot with 0 classes', ShapeError, 'oneHot', 'numClasses must be a positive integer', () => {
    const l = ints([1]);
    return { watch: [l], call: () => A.oneHot(l, 0) };
  }),
  bad('oneHot with a label out of range', RangeError, 'oneHot', 'label 3 is out of range for 3 classes', () => {
    const l = ints([0, 3]);
    return { watch: [l], call: () => A.oneHot(l, 3) };
  }),
  bad('oneHot of float labels', DTypeError, 'oneHot', 'must be int32, got float32', () => {
    const l = plain([1]);
    return { watch: [l], call: () => A.oneHot(l, 3) };
  }),
];

const image = () => A.ones([1, 1, 3, 3], { requiresGrad: true });

export const windowCases: Case[] = [
  bad('unfold of a 3-D input', ShapeError, 'im2col', 'expected input [N, C, H, W]', () => {
    const x = A.ones([1, 3, 3], { requiresGrad: true });
    return { watch: [x], call: () => A.unfold(x, { kernel: 2 }) };
  }),
  bad('unfold with a kernel larger than the input', ShapeError, 'im2col', 'does not fit an input of 3x3', () => {
    const x = image();
    return { watch: [x], call: () => A.unfold(x, { kernel: 4 }) };
  }),
  bad('unfold with stride 0', RangeError, 'im2col', /stride/, () => {
    const x = image();
    return { watch: [x], call: () => A.unfold(x, { kernel: 2, stride: 0 }) };
  }),
  bad('unfold with negative padding', RangeError, 'im2col', /padding/, () => {
    const x = image();
    return { watch: [x], call: () => A.unfold(x, { kernel: 2, padding: -1 }) };
  }),
  bad('unfold with a fractional kernel', RangeError, 'im2col', /kernel size/, () => {
    const x = image();
    return { watch: [x], call: () => A.unfold(x, { kernel: 1.5 }) };
  }),
  bad('fold of columns of the wrong shape', ShapeError, 'col2im', /\[1,4,4\]|columns|expected/, () => {
    const cols = A.ones([1, 3, 4], { requiresGrad: true });
    return { watch: [cols], call: () => A.fold(cols, [3, 3], { kernel: 2 }) };
  }),
];

export const castCases: Case[] = [
  bad('cast to an unknown dtype', DTypeError, 'cast', /float16/, () => {
    const x = x23();
    return { watch: [x], call: () => A.cast(x, 'float16' as A.DType) };
  }),
];
