// Property tests of the scatter record (torch.scatter and scatter_reduce): every reduction, with and
// without x's own value, a src larger than the index, random shapes and axes. Values are pairwise
// distinct across x and src (at least 5e-4 apart), so amax and amin have no ties; the replacing
// scatter writes each position at most once (where two writes land, the derivative of the
// overwritten one is 0 but the rule, as PyTorch's, passes it the gradient).
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import {
  type TensorData,
  dataArb,
  distinct,
  indexTensor,
  leaf,
  permutationArb,
  shapeArb,
  sizeOf,
} from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

type Reduce = 'none' | 'sum' | 'mean' | 'amax' | 'amin';

interface ScatterCase {
  readonly axis: number;
  readonly reduce: Reduce;
  readonly includeSelf: boolean;
  readonly indexShape: number[];
  readonly indexValues: number[];
  readonly x: TensorData;
  readonly src: TensorData;
}

/** The row-major coordinate on `axis` of every position of `shape`. */
function coordsOnAxis(shape: readonly number[], axis: number): number[] {
  const inner = sizeOf(shape.slice(axis + 1));
  return Array.from({ length: sizeOf(shape) }, (_, i) => Math.floor(i / inner) % shape[axis]!);
}

const scatterCases: fc.Arbitrary<ScatterCase> = fc
  .tuple(shapeArb(3, 3, 1), fc.constantFrom<Reduce>('none', 'sum', 'mean', 'amax', 'amin'), fc.boolean(), fc.boolean())
  .chain(([s, reduce, includeSelf, larger]) =>
    fc.integer({ min: 0, max: s.length - 1 }).chain((axis) => {
      const n = s[axis]!;
      const dims = s.map((d, i) => fc.integer({ min: 1, max: i === axis ? (reduce === 'none' ? n : 4) : d }));
      return fc.tuple(...dims).chain((is) => {
        // the replacing scatter: one permutation of the axis shared by every line, so no position is written twice
        const values =
          reduce === 'none'
            ? permutationArb(n).map((perm) => coordsOnAxis(is, axis).map((c) => perm[c]!))
            : fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: sizeOf(is), maxLength: sizeOf(is) });
        const srcShape = larger ? is.map((d, i) => (i === 0 ? d + 1 : d)) : is;
        return fc.record({
          axis: fc.constant(axis),
          reduce: fc.constant(reduce),
          includeSelf: fc.constant(includeSelf),
          indexShape: fc.constant(is),
          indexValues: values,
          x: dataArb(s, distinct),
          src: dataArb(srcShape, distinct).map((d) => ({ ...d, values: d.values.map((v) => v + 5e-4) })),
        });
      });
    }),
  );

export const INDEXING_PROPERTIES: OpProperty[] = [
  property({
    op: 'scatter',
    cases: scatterCases,
    build: (c) => {
      const index = indexTensor(c.indexShape, c.indexValues);
      const options = c.reduce === 'none' ? {} : { reduce: c.reduce, includeSelf: c.includeSelf };
      return { inputs: [leaf(c.x), leaf(c.src)], f: (x, src) => A.scatter(x, c.axis, index, src, options) };
    },
    secondOrder: true,
    numRuns: 40,
  }),
];
