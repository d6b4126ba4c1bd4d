/** Catalogue cases: Linear, Conv2d, pooling, normalization, Dropout and Flatten (wrong inputs, bad configurations). */
import * as T from '@chainrule/tensor';
import { randn, tensor } from '@chainrule/autograd';
import { AvgPool2d, BatchNorm1d, Conv2d, Dropout, Flatten, LayerNorm, Linear, MaxPool2d } from '../../src/index.js';
import { type Case, forward, refuseNew } from './types.js';

const { ShapeError, DTypeError, RangeError } = T;

export const layerCases: Case[] = [
  // Linear
  forward(
    'Linear: 5 features for 3',
    ShapeError,
    'Linear: expected input of shape [..., 3], got [4,5]',
    () => new Linear(3, 2),
    () => randn([4, 5]),
  ),
  forward(
    'Linear: a scalar input',
    ShapeError,
    'Linear: expected input of shape [..., 3], got []',
    () => new Linear(3, 2),
    () => tensor(1),
  ),
  forward(
    'Linear: a 1-D input of the wrong length',
    ShapeError,
    'got [2]',
    () => new Linear(3, 2),
    () => tensor([1, 2]),
  ),
  refuseNew(
    'Linear: inFeatures 0',
    RangeError,
    'Linear: inFeatures must be a positive integer, got 0',
    () => new Linear(0, 2),
  ),
  refuseNew(
    'Linear: outFeatures 1.5',
    RangeError,
    'Linear: outFeatures must be a positive integer, got 1.5',
    () => new Linear(2, 1.5),
  ),
  refuseNew(
    'Linear: inFeatures NaN',
    RangeError,
    'Linear: inFeatures must be a positive integer, got NaN',
    () => new Linear(NaN, 2),
  ),
  refuseNew(
    'Linear: int32 parameters',
    DTypeError,
    'Linear: layer parameters must be float32 or float64, got int32',
    () => new Linear(2, 2, { dtype: 'int32' }),
  ),
  // Conv2d
  forward(
    'Conv2d: a 3-D input',
    ShapeError,
    'conv2d: expected input [N, C, H, W], got [1,5,5]',
    () => new Conv2d(1, 2, 3),
    () => randn([1, 5, 5]),
  ),
  forward(
    'Conv2d: 2 channels for 1',
    ShapeError,
    'conv2d: weight [2,1,3,3] does not fit input [1,2,5,5]',
    () => new Conv2d(1, 2, 3),
    () => randn([1, 2, 5, 5]),
  ),
  forward(
    'Conv2d: an input smaller than the kernel',
    ShapeError,
    'conv2d: a 3x3 kernel (dilation 1x1) does not fit an input of 2x2',
    () => new Conv2d(1, 2, 3),
    () => randn([1, 1, 2, 2]),
  ),
  refuseNew(
    'Conv2d: kernel 0',
    RangeError,
    'Conv2d: kernelSize must be a positive integer, got 0',
    () => new Conv2d(1, 2, 0),
  ),
  refuseNew(
    'Conv2d: stride 0',
    RangeError,
    'Conv2d: stride must be a positive integer (or a pair of them), got 0',
    () => new Conv2d(1, 2, 3, { stride: 0 }),
  ),
  refuseNew(
    'Conv2d: padding -1',
    RangeError,
    'Conv2d: padding must be a non-negative integer',
    () => new Conv2d(1, 2, 3, { padding: -1 }),
  ),
  refuseNew(
    'Conv2d: dilation 0',
    RangeError,
    'Conv2d: dilation must be a positive integer',
    () => new Conv2d(1, 2, 3, { dilation: 0 }),
  ),
  refuseNew(
    'Conv2d: inChannels 0',
    RangeError,
    'Conv2d: inChannels must be a positive integer, got 0',
    () => new Conv2d(0, 2, 3),
  ),
  refuseNew(
    'Conv2d: int32 parameters',
    DTypeError,
    'Conv2d: layer parameters must be float32 or float64',
    () => new Conv2d(1, 2, 3, { dtype: 'int32' }),
  ),
  // pooling
  forward(
    'MaxPool2d: a 3-D input',
    ShapeError,
    'maxPool2d: expected input [N, C, H, W], got [1,4,4]',
    () => new MaxPool2d(2),
    () => randn([1, 4, 4]),
  ),
  forward(
    'MaxPool2d: kernel 0',
    RangeError,
    'maxPool2d: kernel size must be a positive integer',
    () => new MaxPool2d(0),
    () => randn([1, 1, 4, 4]),
  ),
  forward(
    'MaxPool2d: a kernel larger than the input',
    ShapeError,
    'maxPool2d: a 5x5 kernel (dilation 1x1) does not fit an input of 4x4',
    () => new MaxPool2d(5),
    () => randn([1, 1, 4, 4]),
  ),
  forward(
    'MaxPool2d: stride 0',
    RangeError,
    'maxPool2d: stride must be a positive integer',
    () => new MaxPool2d(2, { stride: 0 }),
    () => randn([1, 1, 4, 4]),
  ),
  forward(
    'MaxPool2d: padding over half the kernel',
    RangeError,
    'maxPool2d: padding 2x2 must be at most half the kernel 2x2',
    () => new MaxPool2d(2, { padding: 2 }),
    () => randn([1, 1, 4, 4]),
  ),
  forward(
    'AvgPool2d: a 3-D input',
    ShapeError,
    'avgPool2d: expected input [N, C, H, W], got [1,4,4]',
    () => new AvgPool2d(2),
    () => randn([1, 4, 4]),
  ),
  forward(
    'AvgPool2d: a kernel larger than the input',
    ShapeError,
    'avgPool2d: a 5x5 kernel (dilation 1x1) does not fit',
    () => new AvgPool2d(5),
    () => randn([1, 1, 4, 4]),
  ),
  forward(
    'AvgPool2d: kernel 1.5',
    RangeError,
    'avgPool2d: kernel size must be a positive integer (or a pair of them), got 1.5',
    () => new AvgPool2d(1.5),
    () => randn([1, 1, 4, 4]),
  ),
  // BatchNorm1d and LayerNorm (running statistics and the batch count are watched too)
  forward(
    'BatchNorm1d: 2 features for 3',
    ShapeError,
    'BatchNorm1d: expected input [N, 3] or [N, 3, L], got [4,2]',
    () => new BatchNorm1d(3),
    () => randn([4, 2]),
  ),
  forward(
    'BatchNorm1d: a 1-D input',
    ShapeError,
    'BatchNorm1d: expected input [N, 3] or [N, 3, L], got [3]',
    () => new BatchNorm1d(3),
    () => randn([3]),
  ),
  forward(
    'BatchNorm1d: a 4-D input',
    ShapeError,
    'got [2,3,2,2]',
    () => new BatchNorm1d(3),
    () => randn([2, 3, 2, 2]),
  ),
  forward(
    'BatchNorm1d: a batch of one in training',
    ShapeError,
    'batchNorm: training needs more than one value per channel, got input [1,3]',
    () => new BatchNorm1d(3),
    () => randn([1, 3]),
  ),
  forward(
    'BatchNorm1d: wrong features in eval mode',
    ShapeError,
    'BatchNorm1d: expected input [N, 3]',
    () => new BatchNorm1d(3).eval(),
    () => randn([4, 5]),
  ),
  refuseNew(
    'BatchNorm1d: numFeatures 0',
    RangeError,
    'BatchNorm1d: numFeatures must be a positive integer, got 0',
    () => new BatchNorm1d(0),
  ),
  forward(
    'LayerNorm: a trailing axis of 4 for [3]',
    ShapeError,
    'layerNorm: input [2,4] does not end in the normalized shape [3]',
    () => new LayerNorm([3]),
    () => randn([2, 4]),
  ),
  forward(
    'LayerNorm: a scalar input',
    ShapeError,
    'layerNorm: input [] does not end in the normalized shape [3]',
    () => new LayerNorm(3),
    () => tensor(1),
  ),
  forward(
    'LayerNorm: trailing [3,2] for [2,3]',
    ShapeError,
    'does not end in the normalized shape [2,3]',
    () => new LayerNorm([2, 3]),
    () => randn([4, 3, 2]),
  ),
  refuseNew(
    'LayerNorm: normalizedShape 0',
    RangeError,
    'LayerNorm: normalizedShape must be a positive integer, got 0',
    () => new LayerNorm(0),
  ),
  refuseNew(
    'LayerNorm: normalizedShape [3, -1]',
    RangeError,
    'LayerNorm: normalizedShape must be a positive integer, got -1',
    () => new LayerNorm([3, -1]),
  ),
  // Dropout, Flatten
  refuseNew('Dropout: p 1.5', RangeError, 'Dropout: p must be in [0, 1], got 1.5', () => new Dropout(1.5)),
  refuseNew('Dropout: p -0.1', RangeError, 'Dropout: p must be in [0, 1], got -0.1', () => new Dropout(-0.1)),
  refuseNew('Dropout: p NaN', RangeError, 'Dropout: p must be in [0, 1], got NaN', () => new Dropout(NaN)),
  forward(
    'Flatten: axis 3 of a rank-2 input',
    RangeError,
    'Flatten: axis 3 is out of range for a tensor of rank 2',
    () => new Flatten(3),
    () => randn([2, 2]),
  ),
];
