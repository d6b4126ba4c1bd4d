/**
 * Catalogue cases: the convolution family (Conv1d, grouped Conv2d, ConvTranspose1d/2d), the 1-D
 * and adaptive pools, Upsample, BatchNorm2d, InstanceNorm2d and GroupNorm: wrong inputs, int inputs
 * and bad configurations. Running statistics and the batch count are watched with the layer.
 */
import * as T from '@chainrule/tensor';
import { randn, tensor } from '@chainrule/autograd';
import {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  GroupNorm,
  InstanceNorm2d,
  MaxPool1d,
  MaxPool2d,
  ModuleError,
  Upsample,
} from '../../src/index.js';
import { type Case, forward, refuseNew } from './types.js';

const { ShapeError, DTypeError, RangeError } = T;
const ints4 = () =>
  tensor(
    [
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ],
    { dtype: 'int32' },
  );

export const convFamilyCases: Case[] = [
  // convolutions
  forward(
    'Conv2d: an int32 input',
    DTypeError,
    'conv2d: expected a float input (float32 or float64), got int32',
    () => new Conv2d(1, 2, 1),
    ints4,
  ),
  forward(
    'Conv2d groups 2: 3 channels for 4',
    ShapeError,
    'conv2d: input [1,3,5,5] has 3 channels, which groups 2 does not divide',
    () => new Conv2d(4, 4, 3, { groups: 2 }),
    () => randn([1, 3, 5, 5]),
  ),
  refuseNew(
    'Conv2d: groups not dividing the channels',
    RangeError,
    'Conv2d: groups 3 must divide both the input channels (4) and the output channels (6)',
    () => new Conv2d(4, 6, 3, { groups: 3 }),
  ),
  refuseNew(
    "Conv2d: padding 'same' with stride 2",
    RangeError,
    "Conv2d: padding 'same' needs stride 1 (as PyTorch)",
    () => new Conv2d(1, 1, 3, { padding: 'same', stride: 2 }),
  ),
  refuseNew(
    'Conv2d: unknown option',
    ModuleError,
    'unknown option key "bais"',
    () => new Conv2d(1, 1, 3, { bais: 1 } as never),
  ),
  forward(
    'Conv2d reflect: padding as large as the input',
    ShapeError,
    "Conv2d: padding 2 is too large for 'reflect' padding of a size-2 axis",
    () => new Conv2d(1, 1, 3, { padding: 2, paddingMode: 'reflect' }),
    () => randn([1, 1, 2, 2]),
  ),
  forward(
    'Conv1d: a 4-D input',
    ShapeError,
    'conv1d: expected input [N, C, L], got [1,2,3,3]',
    () => new Conv1d(2, 2, 3),
    () => randn([1, 2, 3, 3]),
  ),
  forward(
    'Conv1d: a kernel longer than the input',
    ShapeError,
    'conv1d: a 1x5 kernel (dilation 1x1) does not fit an input of 1x3',
    () => new Conv1d(1, 1, 5),
    () => randn([2, 1, 3]),
  ),
  forward(
    'ConvTranspose2d: 3 channels for 4',
    ShapeError,
    'convTranspose2d: weight [4,2,3,3] does not fit input [1,3,4,4] (expected [3, outChannels/groups, kh, kw])',
    () => new ConvTranspose2d(4, 2, 3),
    () => randn([1, 3, 4, 4]),
  ),
  refuseNew(
    'ConvTranspose2d: outputPadding at the stride',
    RangeError,
    'ConvTranspose2d: outputPadding 2 must be a non-negative integer smaller than the stride or the dilation',
    () => new ConvTranspose2d(1, 1, 3, { stride: 2, outputPadding: 2 }),
  ),
  forward(
    'ConvTranspose1d: an int32 input',
    DTypeError,
    'convTranspose1d: expected a float input',
    () => new ConvTranspose1d(1, 1, 2),
    () => tensor([[[1, 2]]], { dtype: 'int32' }),
  ),
  // pooling and resizing
  forward('MaxPool2d: an int32 input', DTypeError, 'maxPool2d: expected a float input', () => new MaxPool2d(2), ints4),
  forward('AvgPool2d: an int32 input', DTypeError, 'avgPool2d: expected a float input', () => new AvgPool2d(2), ints4),
  refuseNew(
    'MaxPool2d: unknown option',
    ModuleError,
    'unknown option key "returnIndices"',
    () => new MaxPool2d(2, { returnIndices: true } as never),
  ),
  forward(
    'MaxPool1d: padding over half the kernel',
    RangeError,
    'maxPool1d: padding 0x2 must be at most half the kernel 1x2',
    () => new MaxPool1d(2, { padding: 2 }),
    () => randn([1, 1, 6]),
  ),
  forward(
    'AvgPool1d: a 4-D input',
    ShapeError,
    'avgPool1d: expected input [N, C, L], got [1,1,2,2]',
    () => new AvgPool1d(2),
    () => randn([1, 1, 2, 2]),
  ),
  forward(
    'AdaptiveAvgPool2d: a 2-D input',
    ShapeError,
    'adaptiveAvgPool2d: expected input [N, C, H, W] or [C, H, W], got [4,4]',
    () => new AdaptiveAvgPool2d(2),
    () => randn([4, 4]),
  ),
  refuseNew(
    'AdaptiveMaxPool2d: output size 0',
    RangeError,
    'AdaptiveMaxPool2d: outputSize must be positive',
    () => new AdaptiveMaxPool2d([0, 2]),
  ),
  refuseNew(
    'Upsample: both size and scaleFactor',
    RangeError,
    'Upsample: give exactly one of size and scaleFactor',
    () => new Upsample({ size: 4, scaleFactor: 2 }),
  ),
  forward(
    'Upsample bilinear: a 3-D input',
    ShapeError,
    "interpolate: mode 'bilinear' expects input [N, C, H, W], got [1,2,3]",
    () => new Upsample({ scaleFactor: 2, mode: 'bilinear' }),
    () => randn([1, 2, 3]),
  ),
  // normalization (buffers watched with the layer)
  forward(
    'BatchNorm2d: 2 channels for 3',
    ShapeError,
    'BatchNorm2d: expected input [N, 3, H, W], got [2,2,4,4]',
    () => new BatchNorm2d(3),
    () => randn([2, 2, 4, 4]),
  ),
  forward(
    'BatchNorm2d: one value per channel in training',
    ShapeError,
    'BatchNorm2d: training needs more than one value per channel',
    () => new BatchNorm2d(2),
    () => randn([1, 2, 1, 1]),
  ),
  forward(
    'InstanceNorm2d tracking: one value per instance',
    ShapeError,
    'instanceNorm: needs more than one spatial value per channel',
    () => new InstanceNorm2d(2, { trackRunningStats: true }),
    () => randn([3, 2, 1, 1]),
  ),
  forward(
    'InstanceNorm2d: an int32 input',
    DTypeError,
    'InstanceNorm2d: expected a float input',
    () => new InstanceNorm2d(1),
    ints4,
  ),
  refuseNew(
    'GroupNorm: 3 groups of 4 channels',
    RangeError,
    'GroupNorm: numGroups 3 must divide numChannels 4',
    () => new GroupNorm(3, 4),
  ),
  forward(
    'GroupNorm: 3 channels for 4',
    ShapeError,
    'GroupNorm: expected input [N, 4, ...], got [2,3,2]',
    () => new GroupNorm(2, 4),
    () => randn([2, 3, 2]),
  ),
  refuseNew(
    'BatchNorm2d: unknown option',
    ModuleError,
    'unknown option key "eps_"',
    () => new BatchNorm2d(2, { eps_: 1 } as never),
  ),
];
