// The sliding-window pair used by convolution and pooling: unfold (im2col) and fold (col2im),
// on random geometries (kernel, stride, padding, dilation, non-square inputs).
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import { type ConvOptions, convGeometry } from '@chainrule/tensor';
import { dataArb, leaf, smooth } from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

interface Geometry {
  n: number;
  c: number;
  h: number;
  w: number;
  options: ConvOptions;
}

const small = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max });
const pairArb = (min: number, max: number): fc.Arbitrary<[number, number]> =>
  fc.tuple(small(min, max), small(min, max));

/** Window geometries that fit their input (the output is at least 1x1). */
const geometryArb: fc.Arbitrary<Geometry> = fc
  .record({
    n: small(1, 2),
    c: small(1, 2),
    h: small(2, 5),
    w: small(2, 5),
    kernel: pairArb(1, 3),
    stride: pairArb(1, 2),
    padding: pairArb(0, 1),
    dilation: pairArb(1, 2),
  })
  .filter((g) =>
    [0, 1].every((a) => (a === 0 ? g.h : g.w) + 2 * g.padding[a]! - g.dilation[a]! * (g.kernel[a]! - 1) - 1 >= 0),
  )
  .map(({ n, c, h, w, ...options }) => ({ n, c, h, w, options }));

/** [outH·outW, kh·kw] of a geometry. */
function columns(g: Geometry): [number, number] {
  const { output, kernel } = convGeometry('test', g.h, g.w, g.options);
  return [output[0] * output[1], kernel[0] * kernel[1]];
}

export const CONV_PROPERTIES: readonly OpProperty[] = [
  property({
    op: 'unfold',
    cases: geometryArb.chain((g) =>
      fc.tuple(fc.constant(g), dataArb([g.n, g.c, g.h, g.w], smooth), fc.constantFrom(0, 0.5)),
    ),
    build: ([g, x, pad]) => ({ inputs: [leaf(x)], f: (t) => A.unfold(t, g.options, pad) }),
    secondOrder: true,
    numRuns: 12,
  }),
  property({
    op: 'fold',
    cases: geometryArb.chain((g) => {
      const [l, k] = columns(g);
      return fc.tuple(fc.constant(g), dataArb([g.n, g.c * k, l], smooth));
    }),
    build: ([g, cols]) => ({ inputs: [leaf(cols)], f: (t) => A.fold(t, [g.h, g.w], g.options) }),
    secondOrder: true,
    numRuns: 12,
  }),
];
