// 1-D and adaptive pooling, interpolate/Upsample, BatchNorm2d, GroupNorm and InstanceNorm2d:
// against direct loops on random shapes, gradients of first and second order, and bad input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as T from '@chainrule/tensor';
import { type Tensor, assertGradcheck, gradgradcheck, tensor } from '@chainrule/autograd';
import {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  BatchNorm2d,
  GroupNorm,
  InstanceNorm2d,
  MaxPool1d,
  MaxPool2d,
  ModuleError,
  Upsample,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  avgPool1d,
  avgPool2d,
  groupNorm,
  instanceNorm,
  interpolate,
  maxPool1d,
  maxPool2d,
} from '@chainrule/nn';
import { expectClose, randLeaf } from './helpers.js';

type Grid = number[][][][];

/** Adaptive pooling written out: window i of an axis of `n` is [⌊i·n/out⌋, ⌈(i+1)·n/out⌉). */
function naiveAdaptive(x: Grid, oh: number, ow: number, kind: 'max' | 'avg'): Grid {
  return x.map((img) =>
    img.map((plane) => {
      const h = plane.length,
        w = plane[0]!.length;
      return Array.from({ length: oh }, (_, i) =>
        Array.from({ length: ow }, (_, j) => {
          const vals: number[] = [];
          for (let y = Math.floor((i * h) / oh); y < Math.ceil(((i + 1) * h) / oh); y++)
            for (let z = Math.floor((j * w) / ow); z < Math.ceil(((j + 1) * w) / ow); z++) vals.push(plane[y]![z]!);
          return kind === 'max' ? Math.max(...vals) : vals.reduce((a, b) => a + b, 0) / vals.length;
        }),
      );
    }),
  );
}

const adaptiveCase = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  c: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 1, max: 7 }),
  w: fc.integer({ min: 1, max: 7 }),
  oh: fc.integer({ min: 1, max: 5 }),
  ow: fc.integer({ min: 1, max: 5 }),
  seed: fc.integer({ min: 0, max: 9999 }),
});

describe('1-D pooling', () => {
  it('is 2-D pooling over a height of 1; gradients check', () => {
    const x = randLeaf([2, 3, 9], 1);
    const x4 = x.unsqueeze(2);
    const max1 = maxPool1d(x, { kernel: 3, stride: 2, padding: 1 });
    expectClose(
      max1.toArray(),
      maxPool2d(x4, { kernel: [1, 3], stride: [1, 2], padding: [0, 1] })
        .squeeze(2)
        .toArray(),
      0,
    );
    const avg1 = avgPool1d(x, { kernel: 3, padding: 1, countIncludePad: false });
    const avg2 = avgPool2d(x4, { kernel: [1, 3], stride: [1, 3], padding: [0, 1], countIncludePad: false });
    expectClose(avg1.toArray(), avg2.squeeze(2).toArray(), 0);
    assertGradcheck((a) => maxPool1d(a, { kernel: 2, dilation: 2 }), [x]);
    assertGradcheck((a) => avgPool1d(a, { kernel: 3, stride: 2, padding: 1, countIncludePad: false }), [x]);
    // ceil mode keeps a last partial window: 9 → ⌈(9 − 2)/2⌉ + 1 = 5 windows of 2
    expect(maxPool1d(x, { kernel: 2, ceilMode: true }).shape).toEqual([2, 3, 5]);
    expectClose(
      maxPool1d(x, { kernel: 2, ceilMode: true }).toArray(),
      (x.toArray() as number[][][]).map((r) =>
        r.map((v) => [0, 2, 4, 6, 8].map((i) => Math.max(v[i]!, v[i + 1] ?? -Infinity))),
      ),
      0,
    );
    assertGradcheck((a) => maxPool1d(a, { kernel: 2, ceilMode: true }), [x]);
    assertGradcheck(
      (a) => avgPool2d(a.unsqueeze(2), { kernel: [1, 3], stride: [1, 2], padding: [0, 1], ceilMode: true }),
      [x],
    );
    expect(new MaxPool1d(3, { stride: 2 }).forward(x).shape).toEqual([2, 3, 4]);
    expect(new AvgPool1d(2).forward(x).shape).toEqual([2, 3, 4]);
    expect(() => maxPool1d(x, { kernel: 2, padding: 2 })).toThrow(
      'maxPool1d: padding 0x2 must be at most half the kernel 1x2',
    );
  });
});

describe('adaptive pooling', () => {
  it("matches PyTorch's windows written out, on random sizes (larger and smaller outputs)", () => {
    fc.assert(
      fc.property(adaptiveCase, (s) => {
        const x = randLeaf([s.n, s.c, s.h, s.w], s.seed);
        const xa = x.toArray() as Grid;
        expectClose(adaptiveAvgPool2d(x, [s.oh, s.ow]).toArray(), naiveAdaptive(xa, s.oh, s.ow, 'avg'), 1e-14);
        expectClose(adaptiveMaxPool2d(x, [s.oh, s.ow]).toArray(), naiveAdaptive(xa, s.oh, s.ow, 'max'), 0);
      }),
      { numRuns: 60, seed: 21 },
    );
  });

  it('gradients of first and second order check', () => {
    fc.assert(
      fc.property(adaptiveCase, (s) => {
        const x = randLeaf([s.n, s.c, s.h, s.w], s.seed);
        assertGradcheck((a) => adaptiveAvgPool2d(a, [s.oh, s.ow]), [x]);
        assertGradcheck((a) => adaptiveMaxPool2d(a, [s.oh, s.ow]), [x]);
      }),
      { numRuns: 15, seed: 22 },
    );
    const x = randLeaf([1, 2, 5, 4], 3);
    gradgradcheck((a) => adaptiveAvgPool2d(a, [3, 3]).square(), [x], { raise: true });
    gradgradcheck((a) => adaptiveMaxPool2d(a, [2, 3]).square(), [x], { raise: true });
  });

  it('takes [C, H, W], null keeps an axis, and 1 is global pooling', () => {
    const x = randLeaf([3, 6, 4], 4);
    expect(adaptiveAvgPool2d(x, [2, null]).shape).toEqual([3, 2, 4]);
    expectClose(new AdaptiveAvgPool2d(1).forward(x).toArray(), x.mean([1, 2], true).toArray(), 1e-14);
    expectClose(new AdaptiveMaxPool2d(1).forward(x).toArray(), x.max([1, 2], true).toArray(), 0);
    expect(() => adaptiveAvgPool2d(x, 0)).toThrow(
      'adaptiveAvgPool2d: outputSize must be positive integers (or null), got 0',
    );
  });
});

describe('interpolate and Upsample', () => {
  it('nearest by an integer factor repeats each pixel; bilinear with alignCorners keeps the corners', () => {
    const x = randLeaf([2, 3, 4, 5], 5);
    const up = interpolate(x, { scaleFactor: [2, 3] });
    const xa = x.toArray() as Grid;
    const want = xa.map((img) =>
      img.map((p) =>
        Array.from({ length: 8 }, (_, i) => Array.from({ length: 15 }, (_, j) => p[i >> 1]![Math.floor(j / 3)]!)),
      ),
    );
    expectClose(up.toArray(), want, 0);
    const b = interpolate(x, { size: [7, 9], mode: 'bilinear', alignCorners: true }).toArray() as Grid;
    for (const [i, j, y, z] of [
      [0, 0, 0, 0],
      [6, 8, 3, 4],
      [0, 8, 0, 4],
      [6, 0, 3, 0],
    ] as const)
      expect(b[1]![2]![i]![j]).toBeCloseTo(xa[1]![2]![y]![z]!, 14);
    expectClose(interpolate(x, { size: [4, 5], mode: 'bilinear' }).toArray(), xa, 0); // the same size is the identity
  });

  it('gradients of first and second order check', () => {
    const x = randLeaf([1, 2, 3, 4], 6);
    assertGradcheck((a) => interpolate(a, { size: [5, 7] }), [x]);
    assertGradcheck((a) => interpolate(a, { scaleFactor: [1.7, 0.6], mode: 'bilinear' }), [x]);
    assertGradcheck((a) => interpolate(a, { size: [6, 3], mode: 'bilinear', alignCorners: true }), [x]);
    gradgradcheck((a) => interpolate(a, { size: [5, 5], mode: 'bilinear' }).square(), [x], { raise: true });
    gradgradcheck((a) => interpolate(a, { scaleFactor: 2 }).square(), [x], { raise: true });
    assertGradcheck((a) => interpolate(a, { size: 7, mode: 'linear' }), [x.squeeze(0).detach().requiresGrad_()]);
  });

  it('refuses contradictory or missing options', () => {
    const x = randLeaf([1, 1, 2, 2], 7);
    expect(() => interpolate(x, { size: 3, scaleFactor: 2 })).toThrow(
      'interpolate: give exactly one of size and scaleFactor',
    );
    expect(() => interpolate(x, {})).toThrow('interpolate: give exactly one of size and scaleFactor');
    expect(() => interpolate(x.squeeze(0), { size: 3, mode: 'bilinear' })).toThrow(
      "interpolate: mode 'bilinear' expects input [N, C, H, W], got [1,2,2]",
    );
    expect(() => interpolate(x, { size: 3, alignCorners: true })).toThrow(
      /alignCorners applies to the modes 'linear' and 'bilinear' only/,
    );
    expect(() => interpolate(x, { size: [3, 3, 3] })).toThrow(
      'interpolate: size has 3 entries but the input has 2 spatial axes',
    );
    expect(() => new Upsample({ scale: 2 } as never)).toThrow(ModuleError);
    // the layers check what they can at construction
    expect(() => new Upsample({})).toThrow('Upsample: give exactly one of size and scaleFactor');
    expect(() => new Upsample({ size: [2, 0] })).toThrow('Upsample: size must be positive integers, got 0');
    expect(() => new Upsample({ scaleFactor: -1 })).toThrow('Upsample: scaleFactor must be positive, got -1');
    expect(() => new Upsample({ size: 2, mode: 'bicubic' as never })).toThrow(
      /Upsample: mode must be 'nearest', 'linear' or 'bilinear'/,
    );
    expect(() => new AdaptiveMaxPool2d([2, 1.5])).toThrow('AdaptiveMaxPool2d: outputSize must be positive integers');
    expect(new Upsample({ scaleFactor: 2, mode: 'bilinear' }).toString()).toMatch(
      /^Upsample\(scaleFactor=2, mode='bilinear'\)/,
    );
  });
});

describe('BatchNorm2d, GroupNorm, InstanceNorm2d', () => {
  it('BatchNorm2d normalizes each channel over (N, H, W); eval uses the running statistics', () => {
    const bn = new BatchNorm2d(3, { dtype: 'float64', momentum: 0.5 });
    const x = randLeaf([4, 3, 2, 5], 8, 3);
    const y = bn.forward(x);
    expectClose(y.mean([0, 2, 3]).toArray(), [0, 0, 0], 1e-12);
    const mu = x.mean([0, 2, 3]).toArray() as number[];
    expectClose(
      bn.runningMean!.toArray(),
      mu.map((m) => 0.5 * m),
      1e-14,
    );
    expect(bn.numBatchesTracked!.item()).toBe(1);
    bn.eval();
    const e = bn.forward(x);
    const rm = bn.runningMean!.reshape([1, 3, 1, 1]),
      rv = bn.runningVar!.reshape([1, 3, 1, 1]);
    expectClose(e.toArray(), x.sub(rm).div(rv.add(1e-5).sqrt()).toArray(), 1e-14);
  });

  it('a failed forward changes no buffer', () => {
    const bn = new BatchNorm2d(2, { dtype: 'float64' });
    const before = [...bn.stateDict().values()].map((t) => t.toArray());
    expect(() => bn.forward(randLeaf([1, 2, 1, 1], 0))).toThrow(
      'BatchNorm2d: training needs more than one value per channel, got [1,2,1,1]',
    );
    expect(() => bn.forward(randLeaf([2, 3, 2, 2], 0))).toThrow(
      'BatchNorm2d: expected input [N, 2, H, W], got [2,3,2,2]',
    );
    expect([...bn.stateDict().values()].map((t) => t.toArray())).toEqual(before);
  });

  it('gradients of first and second order check', () => {
    const x = randLeaf([2, 4, 3, 2], 9);
    const w = randLeaf([4], 10),
      b = randLeaf([4], 11);
    assertGradcheck((a, g, c) => groupNorm(a, 2, g, c), [x, w, b]);
    gradgradcheck((a, g) => groupNorm(a, 2, g, null).square(), [x, w], { raise: true });
    assertGradcheck((a, g, c) => instanceNorm(a, { weight: g, bias: c }), [x, w, b]);
    gradgradcheck((a) => instanceNorm(a).square(), [x], { raise: true });
    const bn = new BatchNorm2d(4, { dtype: 'float64' });
    assertGradcheck((a) => bn.forward(a), [x]);
  });

  it("GroupNorm with one group per channel is InstanceNorm2d; state dict keys are PyTorch's", () => {
    const x = randLeaf([2, 3, 4, 4], 12);
    expectClose(
      new GroupNorm(3, 3).forward(x.cast('float32')).toArray(),
      new InstanceNorm2d(3).forward(x.cast('float32')).toArray(),
      1e-6,
    );
    expect([...new InstanceNorm2d(3).stateDict().keys()]).toEqual([]);
    expect([...new InstanceNorm2d(3, { trackRunningStats: true }).stateDict().keys()]).toEqual([
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    expect([...new GroupNorm(1, 4).stateDict().keys()]).toEqual(['weight', 'bias']);
    expect(() => new GroupNorm(3, 4)).toThrow('GroupNorm: numGroups 3 must divide numChannels 4');
  });
});

describe('bad input to pools and norms', () => {
  const ints = tensor(
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
  const message = (f: () => unknown): [unknown, string] => {
    try {
      f();
    } catch (e) {
      return [e, (e as Error).message];
    }
    return [null, ''];
  };

  it('an int32 input is a DTypeError naming the pool', () => {
    const cases: Array<[string, () => Tensor]> = [
      ['maxPool2d', () => new MaxPool2d(2).forward(ints)],
      ['avgPool2d', () => new AvgPool2d(2).forward(ints)],
      ['maxPool1d', () => new MaxPool1d(2).forward(ints.squeeze(0))],
      ['avgPool1d', () => new AvgPool1d(2).forward(ints.squeeze(0))],
      ['adaptiveAvgPool2d', () => new AdaptiveAvgPool2d(1).forward(ints)],
      ['adaptiveMaxPool2d', () => new AdaptiveMaxPool2d(1).forward(ints)],
      ['interpolate', () => new Upsample({ scaleFactor: 2 }).forward(ints)],
      ['BatchNorm2d', () => new BatchNorm2d(1).forward(ints)],
    ];
    for (const [op, f] of cases) {
      const [e, msg] = message(f);
      expect(e).toBeInstanceOf(T.DTypeError);
      expect(msg).toMatch(new RegExp(`^${op}: expected a float input`));
    }
  });

  it('unknown option keys are a ModuleError for every pool and norm layer', () => {
    const bad = { returnIndices: true } as never;
    for (const make of [
      () => new MaxPool1d(2, bad),
      () => new MaxPool2d(2, bad),
      () => new AvgPool1d(2, bad),
      () => new AvgPool2d(2, bad),
      () => new BatchNorm2d(2, bad),
      () => new InstanceNorm2d(2, bad),
      () => new GroupNorm(1, 2, bad),
    ]) {
      const [e, msg] = message(make);
      expect(e).toBeInstanceOf(ModuleError);
      expect(msg).toMatch(/unknown option key "returnIndices"/);
    }
  });
});

describe('normalization settings are checked as BatchNorm1d checks them', () => {
  it('refuses eps ≤ 0 and a momentum outside [0, 1] (null: a cumulative average, as PyTorch)', () => {
    for (const make of [(o: object) => new BatchNorm2d(3, o), (o: object) => new InstanceNorm2d(3, o)]) {
      expect(() => make({ eps: -1 })).toThrow(/eps must be a finite positive number, got -1/);
      expect(() => make({ momentum: 2 })).toThrow(/momentum must be in \[0, 1\] or null, got 2/);
      expect(() => make({ momentum: null })).not.toThrow();
    }
  });
});
