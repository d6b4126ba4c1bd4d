// Grouped convolution, conv1d and transposed convolution: against per-group convolutions and
// conv2d's adjoint on random settings, gradients of first and second order, and bad input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as T from '@chainrule/tensor';
import { type Tensor, assertGradcheck, concat, gradgradcheck, slice, tensor } from '@chainrule/autograd';
import {
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  ModuleError,
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
} from '@chainrule/nn';
import { expectClose, randLeaf } from './helpers.js';

const pair = (max: number, min = 1) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));
const dot = (a: Tensor, b: Tensor) => T.sum(T.mul(a.value, b.value)).item();

/** Random grouped-conv settings whose conv2d output is at least 1x1. */
const groupCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 2 }),
    og: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 5 }),
    w: fc.integer({ min: 1, max: 5 }),
    k: pair(3),
    stride: pair(3),
    padding: pair(2, 0),
    dilation: pair(2),
    seed: fc.integer({ min: 0, max: 9999 }),
  })
  .filter(
    (s) =>
      s.h + 2 * s.padding[0] >= s.dilation[0] * (s.k[0] - 1) + 1 &&
      s.w + 2 * s.padding[1] >= s.dilation[1] * (s.k[1] - 1) + 1,
  );

describe('grouped conv2d', () => {
  it('equals the concatenation of one conv2d per group', () => {
    fc.assert(
      fc.property(groupCase, (s) => {
        const c = s.groups * s.cg,
          o = s.groups * s.og;
        const x = randLeaf([s.n, c, s.h, s.w], s.seed),
          w = randLeaf([o, s.cg, ...s.k], s.seed + 1),
          b = randLeaf([o], s.seed + 2);
        const window = { stride: s.stride, padding: s.padding, dilation: s.dilation };
        const parts = Array.from({ length: s.groups }, (_, g) =>
          conv2d(
            slice(x, 1, g * s.cg, (g + 1) * s.cg),
            slice(w, 0, g * s.og, (g + 1) * s.og),
            slice(b, 0, g * s.og, (g + 1) * s.og),
            window,
          ),
        );
        const grouped = conv2d(x, w, b, { ...window, groups: s.groups });
        expectClose(grouped.toArray(), concat(parts, 1).toArray(), 1e-12);
      }),
      { numRuns: 40, seed: 11 },
    );
  });

  it('gradients (and gradients of gradients) check against finite differences', () => {
    fc.assert(
      fc.property(groupCase, (s) => {
        const x = randLeaf([s.n, s.groups * s.cg, s.h, s.w], s.seed),
          w = randLeaf([s.groups * s.og, s.cg, ...s.k], s.seed + 1),
          b = randLeaf([s.groups * s.og], s.seed + 2);
        const opts = { stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups };
        assertGradcheck((a, k, c) => conv2d(a, k, c, opts), [x, w, b]);
      }),
      { numRuns: 15, seed: 12 },
    );
    const x = randLeaf([1, 4, 4, 4], 1),
      w = randLeaf([4, 1, 3, 3], 2);
    gradgradcheck((a, k) => conv2d(a, k, null, { groups: 4, padding: 1 }).tanh(), [x, w], { raise: true });
  });

  it('Conv2d draws its weight [out, in/groups, kh, kw] with fanIn = (in/groups)·kh·kw', () => {
    const conv = new Conv2d(6, 4, 3, { groups: 2, rng: new T.Rng(3) });
    expect(conv.weight.shape).toEqual([4, 3, 3, 3]);
    const w = (conv.weight.toArray() as number[][][][]).flat(3);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(27));
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 / Math.sqrt(27));
    expect(conv.toString()).toContain('groups=2');
  });
});

describe('conv1d', () => {
  it('is conv2d over a height of 1, and its gradients check', () => {
    const x = randLeaf([2, 4, 9], 5),
      w = randLeaf([6, 2, 3], 6),
      b = randLeaf([6], 7);
    const opts = { stride: 2, padding: 1, dilation: 2, groups: 2 };
    const via2d = conv2d(x.unsqueeze(2), w.unsqueeze(2), b, {
      stride: [1, 2],
      padding: [0, 1],
      dilation: [1, 2],
      groups: 2,
    });
    expectClose(conv1d(x, w, b, opts).toArray(), via2d.squeeze(2).toArray(), 1e-14);
    assertGradcheck((a, k, c) => conv1d(a, k, c, opts), [x, w, b]);
    gradgradcheck((a, k) => conv1d(a, k, null, opts).tanh(), [x, w], { raise: true });
    expect(new Conv1d(4, 6, 3, opts).forward(x.cast('float32')).shape).toEqual([2, 6, 4]);
  });
});

/** Random transposed-conv settings: outputPadding below the stride or the dilation. */
const transposeCase = groupCase
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      op: fc.tuple(
        fc.integer({ min: 0, max: Math.max(s.stride[0], s.dilation[0]) - 1 }),
        fc.integer({ min: 0, max: Math.max(s.stride[1], s.dilation[1]) - 1 }),
      ),
    }),
  )
  .map(({ s, op }) => ({ ...s, outputPadding: op as [number, number] }));

describe('convTranspose2d', () => {
  it("is conv2d's adjoint: ⟨conv2d(y, w), x⟩ = ⟨y, convTranspose2d(x, w)⟩ (groups, all window options)", () => {
    fc.assert(
      fc.property(transposeCase, (s) => {
        const c = s.groups * s.cg,
          o = s.groups * s.og;
        const w = randLeaf([c, s.og, ...s.k], s.seed + 1); // conv2d's weight [c, o/groups, …] maps o → c channels
        const x = randLeaf([s.n, c, s.h, s.w], s.seed);
        const opts = { stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups };
        const size = [0, 1].map(
          (a) =>
            ([s.h, s.w][a]! - 1) * s.stride[a]! -
            2 * s.padding[a]! +
            s.dilation[a]! * (s.k[a]! - 1) +
            s.outputPadding[a]! +
            1,
        ) as [number, number];
        fc.pre(size[0] >= 1 && size[1] >= 1);
        const up = convTranspose2d(x, w, null, { ...opts, outputPadding: s.outputPadding });
        expect(up.shape).toEqual([s.n, o, ...size]);
        const y = randLeaf([s.n, o, ...size], s.seed + 2);
        // an outputPadding of a whole stride (allowed below the dilation) gives conv2d extra rows or
        // columns, which the transposed conv read as zeros: the adjoint pairs x with the rest
        const full = conv2d(y, w, null, opts);
        const extra = [0, 1].map((a) => Math.floor(s.outputPadding[a]! / s.stride[a]!));
        expect(full.shape).toEqual([s.n, c, s.h + extra[0]!, s.w + extra[1]!]);
        const down = slice(slice(full, 2, 0, s.h), 3, 0, s.w);
        expect(Math.abs(dot(down, x) - dot(y, up))).toBeLessThan(1e-10 * (1 + Math.abs(dot(down, x))));
      }),
      { numRuns: 60, seed: 13 },
    );
  });

  it('gradients of first and second order check', () => {
    const x = randLeaf([1, 4, 3, 3], 8),
      w = randLeaf([4, 1, 3, 2], 9),
      b = randLeaf([2], 10);
    const opts = {
      stride: [2, 1] as const,
      padding: 1,
      outputPadding: [1, 0] as const,
      dilation: [1, 2] as const,
      groups: 2,
    };
    assertGradcheck((a, k, c) => convTranspose2d(a, k, c, opts), [x, w, b]);
    gradgradcheck((a, k) => convTranspose2d(a, k, null, opts).tanh(), [x, w], { raise: true });
    // outputPadding at the stride, below the dilation: the extra input row stands in as zeros
    assertGradcheck((a, k) => convTranspose2d(a, k, null, { dilation: 2, outputPadding: 1, groups: 2 }), [x, w]);
  });

  it('convTranspose1d and the layers give PyTorch output sizes', () => {
    const x = randLeaf([2, 3, 5], 11),
      w = randLeaf([3, 2, 3], 12);
    assertGradcheck((a, k) => convTranspose1d(a, k, null, { stride: 2, padding: 1, outputPadding: 1 }), [x, w]);
    expect(
      new ConvTranspose1d(3, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }).forward(x.cast('float32')).shape,
    ).toEqual([2, 4, 10]);
    const up = new ConvTranspose2d(4, 2, 4, { stride: 2, padding: 1, rng: new T.Rng(1) });
    expect(up.weight.shape).toEqual([4, 2, 4, 4]);
    expect(up.forward(randLeaf([1, 4, 3, 5], 1).cast('float32')).shape).toEqual([1, 2, 6, 10]);
    const bound = 1 / Math.sqrt(2 * 16); // fanIn = weight.shape[1]·kh·kw, as PyTorch
    const wv = (up.weight.toArray() as number[][][][]).flat(3);
    expect(Math.max(...wv.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(up.toString()).toContain('ConvTranspose2d(4, 2, kernelSize=(4, 4), stride=2, padding=1, outputPadding=0');
  });
});

describe('padding modes', () => {
  it('reflect, replicate and circular read the mirrored, edge and wrapped values', () => {
    // a 1x1 kernel of weight 1 shows the padded input itself
    const x = tensor([[[1, 2, 3, 4]]], { dtype: 'float64' });
    const show = (mode: 'reflect' | 'replicate' | 'circular') => {
      const conv = new Conv1d(1, 1, 1, { padding: 2, paddingMode: mode, bias: false, dtype: 'float64' });
      conv.weight.value.data.fill(1);
      return conv.forward(x).toArray();
    };
    expect(show('reflect')).toEqual([[[3, 2, 1, 2, 3, 4, 3, 2]]]);
    expect(show('replicate')).toEqual([[[1, 1, 1, 2, 3, 4, 4, 4]]]);
    expect(show('circular')).toEqual([[[3, 4, 1, 2, 3, 4, 1, 2]]]);
  });

  it('gradients of first and second order check', () => {
    const conv = new Conv2d(2, 2, 3, { padding: [2, 1], paddingMode: 'reflect', dtype: 'float64', rng: new T.Rng(2) });
    const x = randLeaf([1, 2, 4, 3], 3);
    assertGradcheck((a) => conv.forward(a), [x]);
    gradgradcheck((a) => conv.forward(a).tanh(), [x], { raise: true });
    const same = new Conv2d(2, 2, 4, { padding: 'same', paddingMode: 'circular', dtype: 'float64' });
    assertGradcheck((a) => same.forward(a), [x]);
    expect(same.toString()).toContain("padding='same', dilation=1, bias=true, paddingMode='circular'");
  });

  it('refuses a padding the mode cannot make and unknown modes', () => {
    const conv = new Conv1d(1, 1, 3, { padding: 3, paddingMode: 'reflect' });
    expect(() => conv.forward(randLeaf([1, 1, 3], 0).cast('float32'))).toThrow(
      "Conv1d: padding 3 is too large for 'reflect' padding of a size-3 axis (expected below the size)",
    );
    expect(() => new Conv2d(1, 1, 3, { paddingMode: 'mirror' as never })).toThrow(
      'Conv2d: paddingMode must be one of zeros, reflect, replicate, circular, got "mirror"',
    );
  });
});

describe('bad input', () => {
  const x = randLeaf([1, 4, 5, 5], 0);
  it('names the op, the shapes and what was expected', () => {
    expect(() => conv2d(x, randLeaf([4, 1, 3, 3], 1), null, { groups: 3 })).toThrow(
      'conv2d: input [1,4,5,5] has 4 channels, which groups 3 does not divide',
    );
    expect(() => conv2d(x, randLeaf([3, 2, 3, 3], 1), null, { groups: 2 })).toThrow(
      'conv2d: weight [3,2,3,3] does not fit input [1,4,5,5] (expected [outChannels, 2, kh, kw] with groups 2)',
    );
    expect(() => conv2d(x, randLeaf([4, 1, 3, 3], 1), null, { groups: 0 })).toThrow(
      'conv2d: groups must be a positive integer, got 0',
    );
    expect(() => conv2d(x, randLeaf([4, 4, 3, 3], 1), null, { groups: 2 })).toThrow(
      'conv2d: weight [4,4,3,3] does not fit input [1,4,5,5] (expected [outChannels, 2, kh, kw] with groups 2)',
    );
    expect(() => conv1d(randLeaf([1, 4, 5], 0), randLeaf([2, 4, 3, 3], 1))).toThrow(
      'conv1d: expected weight [outChannels, inChannels/groups, k], got [2,4,3,3]',
    );
    expect(() => convTranspose2d(x, randLeaf([3, 2, 3, 3], 1))).toThrow(
      'convTranspose2d: weight [3,2,3,3] does not fit input [1,4,5,5] (expected [4, outChannels/groups, kh, kw])',
    );
    expect(() => convTranspose2d(x, randLeaf([4, 2, 3, 3], 1), null, { stride: 2, outputPadding: 2 })).toThrow(
      /convTranspose2d: outputPadding 2 must be a non-negative integer smaller than the stride or the dilation/,
    );
    expect(() => new ConvTranspose2d(4, 2, 3, { outputPadding: 1 })).toThrow(/ConvTranspose2d: outputPadding 1/);
    expect(() => conv2d(x, randLeaf([2, 4, 3, 3], 1), null, { padding: 'same', stride: 2 })).toThrow(
      "conv2d: padding 'same' needs stride 1 (as PyTorch), got stride 2",
    );
    expect(() => new Conv1d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow(/Conv1d: padding 'same' needs stride 1/);
    expect(() => conv2d(x, randLeaf([2, 4, 3, 3], 1), null, { padding: 'full' as never })).toThrow(
      `conv2d: padding must be a number, a pair, 'same' or 'valid', got "full"`,
    );
    expect(new Conv2d(4, 2, 4, { padding: 'same' }).forward(x.cast('float32')).shape).toEqual([1, 2, 5, 5]);
    expect(new Conv2d(4, 2, 4, { padding: 'same' }).toString()).toContain("padding='same'");
  });

  it('an int32 input is a DTypeError naming the op', () => {
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
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return null;
    };
    const e = err(() => new Conv2d(1, 1, 1).forward(ints));
    expect(e).toBeInstanceOf(T.DTypeError);
    expect((e as Error).message).toBe('conv2d: expected a float input (float32 or float64), got int32');
    expect(() => conv1d(ints.squeeze(0), randLeaf([1, 2, 1], 0))).toThrow(/^conv1d: expected a float input/);
    expect(() => convTranspose2d(ints, randLeaf([1, 1, 1, 1], 0))).toThrow(/^convTranspose2d: expected a float input/);
  });

  it('unknown option keys are a ModuleError for every conv layer', () => {
    const bad = { bais: false } as never;
    for (const make of [
      () => new Conv1d(1, 1, 1, bad),
      () => new Conv2d(1, 1, 1, bad),
      () => new ConvTranspose1d(1, 1, 1, bad),
      () => new ConvTranspose2d(1, 1, 1, bad),
    ]) {
      expect(make).toThrow(ModuleError);
      expect(make).toThrow(/unknown option key "bais"/);
    }
    expect(() => new Conv2d(1, 1, 1, { device: 'cpu' } as never)).toThrow(/unknown option key "device"/);
  });
});
