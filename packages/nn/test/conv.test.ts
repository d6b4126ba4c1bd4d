import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { Tensor, assertGradcheck, fold, gradgradcheck, unfold } from '@chainrule/autograd';
import { AvgPool2d, Conv2d, MaxPool2d, avgPool2d, conv2d, maxPool2d } from '@chainrule/nn';
import { expectClose, randLeaf } from './helpers.js';

type P2 = [number, number];
const at4 = (v: number[][][][], n: number, c: number, y: number, x: number) => v[n]![c]![y]![x]!;

/** Direct 2-D cross-correlation, written out loop by loop. */
function naiveConv(
  x: number[][][][],
  w: number[][][][],
  b: number[] | null,
  stride: P2,
  padding: P2,
  dilation: P2,
): number[][][][] {
  const [N, C, H, W] = [x.length, x[0]!.length, x[0]![0]!.length, x[0]![0]![0]!.length];
  const [O, , KH, KW] = [w.length, w[0]!.length, w[0]![0]!.length, w[0]![0]![0]!.length];
  const OH = Math.floor((H + 2 * padding[0] - dilation[0] * (KH - 1) - 1) / stride[0]) + 1;
  const OW = Math.floor((W + 2 * padding[1] - dilation[1] * (KW - 1) - 1) / stride[1]) + 1;
  const out: number[][][][] = [];
  for (let n = 0; n < N; n++) {
    out.push([]);
    for (let o = 0; o < O; o++) {
      out[n]!.push([]);
      for (let oy = 0; oy < OH; oy++) {
        out[n]![o]!.push([]);
        for (let ox = 0; ox < OW; ox++) {
          let s = b === null ? 0 : b[o]!;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const iy = oy * stride[0] - padding[0] + i * dilation[0],
                  ix = ox * stride[1] - padding[1] + j * dilation[1];
                if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += at4(x, n, c, iy, ix) * at4(w, o, c, i, j);
              }
          out[n]![o]![oy]!.push(s);
        }
      }
    }
  }
  return out;
}

/** Direct pooling: max or mean over each window (padding: −∞ for max, 0 for the mean). */
function naivePool(
  x: number[][][][],
  k: P2,
  stride: P2,
  padding: P2,
  kind: 'max' | 'avg' | 'avgValid',
): number[][][][] {
  const [H, W] = [x[0]![0]!.length, x[0]![0]![0]!.length];
  const OH = Math.floor((H + 2 * padding[0] - k[0]) / stride[0]) + 1,
    OW = Math.floor((W + 2 * padding[1] - k[1]) / stride[1]) + 1;
  return x.map((img) =>
    img.map((plane) => {
      const rows: number[][] = [];
      for (let oy = 0; oy < OH; oy++) {
        const row: number[] = [];
        for (let ox = 0; ox < OW; ox++) {
          const vals: number[] = [];
          let inside = 0;
          for (let i = 0; i < k[0]; i++)
            for (let j = 0; j < k[1]; j++) {
              const iy = oy * stride[0] - padding[0] + i,
                ix = ox * stride[1] - padding[1] + j;
              const ok = iy >= 0 && iy < H && ix >= 0 && ix < W;
              if (ok) inside++;
              vals.push(ok ? plane[iy]![ix]! : kind === 'max' ? -Infinity : 0);
            }
          const s = vals.reduce((a, b) => a + b, 0);
          row.push(kind === 'max' ? Math.max(...vals) : kind === 'avg' ? s / vals.length : s / inside);
        }
        rows.push(row);
      }
      return rows;
    }),
  );
}

const pair = (max: number, min = 1) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));
/** Random conv settings whose output is at least 1x1. */
const convCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    o: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 6 }),
    k: pair(3),
    stride: pair(3),
    padding: pair(2, 0),
    dilation: pair(2),
    bias: fc.boolean(),
    seed: fc.integer({ min: 0, max: 9999 }),
  })
  .filter(
    (s) =>
      s.h + 2 * s.padding[0] >= s.dilation[0] * (s.k[0] - 1) + 1 &&
      s.w + 2 * s.padding[1] >= s.dilation[1] * (s.k[1] - 1) + 1,
  );

describe('unfold and fold (im2col / col2im)', () => {
  it('are adjoint: ⟨unfold(x), y⟩ = ⟨x, fold(y)⟩', () => {
    fc.assert(
      fc.property(convCase, (s) => {
        const x = randLeaf([s.n, s.c, s.h, s.w], s.seed);
        const window = { kernel: s.k, stride: s.stride, padding: s.padding, dilation: s.dilation };
        const cols = unfold(x, window);
        const y = randLeaf([...cols.shape], s.seed + 1);
        const lhs = T.sum(T.mul(cols.value, y.value)).item();
        const rhs = T.sum(T.mul(x.value, fold(y, [s.h, s.w], window).value)).item();
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-10 * (1 + Math.abs(lhs)));
      }),
      { numRuns: 60, seed: 1 },
    );
  });

  it("unfold matches PyTorch's layout on a small example", () => {
    const x = new Tensor(T.arange(0, 9, 1, 'float64').reshape([1, 1, 3, 3]));
    // windows of 2x2 at stride 1: columns are the 4 window positions, rows the kernel entries
    expect(unfold(x, { kernel: 2 }).toArray()).toEqual([
      [
        [0, 1, 3, 4],
        [1, 2, 4, 5],
        [3, 4, 6, 7],
        [4, 5, 7, 8],
      ],
    ]);
    expect(fold(unfold(x, { kernel: 2 }), [3, 3], { kernel: 2 }).toArray()).toEqual([
      [
        [
          [0, 2, 2],
          [6, 16, 10],
          [6, 14, 8],
        ],
      ],
    ]);
  });

  it('gradients of first and second order check against finite differences', () => {
    fc.assert(
      fc.property(convCase, (s) => {
        const window = { kernel: s.k, stride: s.stride, padding: s.padding, dilation: s.dilation };
        const x = randLeaf([s.n, s.c, s.h, s.w], s.seed);
        assertGradcheck((a) => unfold(a, window).square(), [x]);
        gradgradcheck((a) => unfold(a, window).square(), [x], { raise: true });
        const cols = randLeaf([...unfold(x, window).shape], s.seed + 2);
        assertGradcheck((a) => fold(a, [s.h, s.w], window).square(), [cols]);
      }),
      { numRuns: 20, seed: 2 },
    );
  });

  it('refuses a kernel that does not fit and bad window options', () => {
    const x = randLeaf([1, 1, 3, 3], 0);
    expect(() => unfold(x, { kernel: 4 })).toThrow(
      'im2col: a 4x4 kernel (dilation 1x1) does not fit an input of 3x3 padded by 0x0: the output would be 0x0',
    );
    expect(() => unfold(x, { kernel: 2, stride: 0 })).toThrow(/stride must be a positive integer/);
    expect(() => unfold(x, { kernel: 2, padding: -1 })).toThrow(/padding must be a non-negative integer/);
    expect(() => unfold(randLeaf([3, 3], 0), { kernel: 2 })).toThrow('im2col: expected input [N, C, H, W], got [3,3]');
  });
});

describe('conv2d', () => {
  it('matches a direct convolution for random shapes, strides, paddings and dilations', () => {
    fc.assert(
      fc.property(convCase, (s) => {
        const x = randLeaf([s.n, s.c, s.h, s.w], s.seed),
          w = randLeaf([s.o, s.c, ...s.k], s.seed + 1),
          b = s.bias ? randLeaf([s.o], s.seed + 2) : null;
        const out = conv2d(x, w, b, { stride: s.stride, padding: s.padding, dilation: s.dilation });
        const ref = naiveConv(
          x.toArray() as number[][][][],
          w.toArray() as number[][][][],
          b === null ? null : (b.toArray() as number[]),
          s.stride,
          s.padding,
          s.dilation,
        );
        expect(out.shape).toEqual([s.n, s.o, ref[0]![0]!.length, ref[0]![0]![0]!.length]);
        expectClose(out.toArray(), ref, 1e-12);
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('gradients with respect to input, weight and bias check against finite differences', () => {
    fc.assert(
      fc.property(convCase, (s) => {
        const x = randLeaf([s.n, s.c, s.h, s.w], s.seed),
          w = randLeaf([s.o, s.c, ...s.k], s.seed + 1),
          b = randLeaf([s.o], s.seed + 2);
        const opts = { stride: s.stride, padding: s.padding, dilation: s.dilation };
        assertGradcheck((a, k, c) => conv2d(a, k, c, opts), [x, w, b]);
      }),
      { numRuns: 25, seed: 4 },
    );
  });

  it('second-order gradients check too', () => {
    const x = randLeaf([1, 2, 4, 4], 1),
      w = randLeaf([2, 2, 2, 2], 2);
    gradgradcheck((a, k) => conv2d(a, k, null, { padding: 1, stride: 2 }).tanh(), [x, w], { raise: true });
  });

  it('refuses mismatched weights and biases', () => {
    const x = randLeaf([1, 3, 5, 5], 0);
    expect(() => conv2d(x, randLeaf([4, 2, 3, 3], 1))).toThrow(
      'conv2d: weight [4,2,3,3] does not fit input [1,3,5,5] (expected [outChannels, 3, kh, kw])',
    );
    expect(() => conv2d(x, randLeaf([4, 3, 3, 3], 1), randLeaf([3], 2))).toThrow(
      'conv2d: bias [3] does not fit 4 output channels',
    );
    expect(() => conv2d(x, randLeaf([4, 3, 7, 7], 1))).toThrow(/conv2d: a 7x7 kernel/);
  });
});

describe('Conv2d layer', () => {
  it("has PyTorch's default init bound 1/√(in·kh·kw), the right shapes and parameter count", () => {
    const conv = new Conv2d(3, 8, 3, { padding: 1, rng: new Rng(1) });
    expect(conv.parameterCount()).toBe(8 * 3 * 9 + 8);
    const w = (conv.weight.toArray() as number[][][][]).flat(3);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(27));
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 / Math.sqrt(27));
    expect(conv.forward(randLeaf([2, 3, 5, 5], 1).cast('float32')).shape).toEqual([2, 8, 5, 5]);
    expect(
      new Conv2d(1, 2, [3, 2], { stride: [2, 1], bias: false }).forward(randLeaf([1, 1, 7, 4], 1).cast('float32'))
        .shape,
    ).toEqual([1, 2, 3, 3]);
    expect(conv.toString()).toContain(
      'Conv2d(3, 8, kernelSize=(3, 3), stride=1, padding=1, dilation=1, bias=true)  # 224 params',
    );
  });
});

const poolCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 6 }),
    k: pair(3),
    stride: pair(3),
    seed: fc.integer({ min: 0, max: 9999 }),
    padFlag: pair(1, 0),
  })
  .map((s) => ({ ...s, padding: [s.padFlag[0] * Math.floor(s.k[0] / 2), s.padFlag[1] * Math.floor(s.k[1] / 2)] as P2 }))
  .filter((s) => s.h + 2 * s.padding[0] >= s.k[0] && s.w + 2 * s.padding[1] >= s.k[1]);

describe('pooling', () => {
  it('maxPool2d and avgPool2d match direct pooling', () => {
    fc.assert(
      fc.property(poolCase, (s) => {
        const x = randLeaf([s.n, s.c, s.h, s.w], s.seed);
        const xa = x.toArray() as number[][][][];
        const opts = { kernel: s.k, stride: s.stride, padding: s.padding };
        expectClose(maxPool2d(x, opts).toArray(), naivePool(xa, s.k, s.stride, s.padding, 'max'), 1e-15);
        expectClose(avgPool2d(x, opts).toArray(), naivePool(xa, s.k, s.stride, s.padding, 'avg'), 1e-14);
        expectClose(
          avgPool2d(x, { ...opts, countIncludePad: false }).toArray(),
          naivePool(xa, s.k, s.stride, s.padding, 'avgValid'),
          1e-14,
        );
      }),
      { numRuns: 60, seed: 5 },
    );
  });

  it('gradients check against finite differences (distinct random values, so no ties)', () => {
    fc.assert(
      fc.property(poolCase, (s) => {
        const x = randLeaf([s.n, s.c, s.h, s.w], s.seed);
        const opts = { kernel: s.k, stride: s.stride, padding: s.padding };
        assertGradcheck((a) => maxPool2d(a, opts), [x]);
        assertGradcheck((a) => avgPool2d(a, opts), [x]);
        assertGradcheck((a) => avgPool2d(a, { ...opts, countIncludePad: false }), [x]);
      }),
      { numRuns: 25, seed: 6 },
    );
  });

  it('the modules default the stride to the kernel size; too much padding is refused', () => {
    const x = randLeaf([1, 1, 4, 4], 3);
    expect(new MaxPool2d(2).forward(x).shape).toEqual([1, 1, 2, 2]);
    expect(new AvgPool2d(2, { stride: 1 }).forward(x).shape).toEqual([1, 1, 3, 3]);
    expect(new MaxPool2d(2).forward(x).toArray()).toEqual(maxPool2d(x, { kernel: 2, stride: 2 }).toArray());
    expect(() => maxPool2d(x, { kernel: 2, padding: 2 })).toThrow(
      'maxPool2d: padding 2x2 must be at most half the kernel 2x2',
    );
  });
});
