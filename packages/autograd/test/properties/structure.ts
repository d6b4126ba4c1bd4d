// Property tests of matmul and of the shape and data-movement rules.
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import { zeros as zerosArray } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import {
  type TensorData,
  dataArb,
  indexTensor,
  leaf,
  operandShapeArb,
  permutationArb,
  shapeArb,
  sizeOf,
  smooth,
} from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

const dim = fc.integer({ min: 1, max: 3 });

type MatmulVariant = '2d' | '1d-left' | '1d-right' | '1d-both' | 'batched' | 'transposed';

/** Operand shapes of each matmul variant (transposed: the data is stored transposed and viewed back with mT). */
function matmulShapes(v: MatmulVariant, m: number, k: number, n: number, b1: number, b2: number): [number[], number[]] {
  switch (v) {
    case '2d':
      return [
        [m, k],
        [k, n],
      ];
    case '1d-left':
      return [[k], [b1, k, n]];
    case '1d-right':
      return [[b1, m, k], [k]];
    case '1d-both':
      return [[k], [k]];
    case 'batched':
      return [
        [b1, 1, m, k],
        [b2, k, n],
      ];
    case 'transposed':
      return [
        [b1, k, m],
        [n, k],
      ];
  }
}

const matmulCases = fc
  .tuple(
    fc.constantFrom<MatmulVariant>('2d', '1d-left', '1d-right', '1d-both', 'batched', 'transposed'),
    dim,
    dim,
    dim,
    fc.integer({ min: 1, max: 2 }),
    fc.integer({ min: 1, max: 2 }),
  )
  .chain(([v, m, k, n, b1, b2]) => {
    const [sa, sb] = matmulShapes(v, m, k, n, b1, b2);
    return fc.tuple(fc.constant(v), dataArb(sa, smooth), dataArb(sb, smooth));
  });

/**
 * Shapes with at least one axis, an axis of it, and slice bounds (possibly negative, or omitted) and a non-zero step.
 */
const sliceCases = shapeArb(3, 4, 1).chain((s) =>
  fc.integer({ min: 0, max: s.length - 1 }).chain((axis) => {
    const n = s[axis]!;
    const bound = fc.option(fc.integer({ min: -n - 1, max: n + 1 }), { nil: undefined });
    const step = fc.integer({ min: -3, max: 3 }).filter((k) => k !== 0);
    return fc.tuple(dataArb(s, smooth), fc.constant(axis), bound, bound, step);
  }),
);

/** The shape of x[start:stop:step] along `axis`. */
function slicedShape(
  shape: readonly number[],
  axis: number,
  start: number | undefined,
  stop: number | undefined,
  step: number,
): number[] {
  return [...zerosArray(shape).slice(axis, start, stop, step).shape];
}

/** A shape, an axis, and a valid index (same rank, no larger on the other axes) with values in range. */
const gatherCases = shapeArb(3, 3, 1).chain((s) =>
  fc.integer({ min: 0, max: s.length - 1 }).chain((axis) => {
    const idxShape = fc.tuple(...s.map((d, i) => fc.integer({ min: 1, max: i === axis ? 4 : d })));
    return idxShape.chain((is) =>
      fc.tuple(
        dataArb(s, smooth),
        fc.constant(axis),
        fc.constant(is),
        fc.array(fc.integer({ min: 0, max: s[axis]! - 1 }), { minLength: sizeOf(is), maxLength: sizeOf(is) }),
      ),
    );
  }),
);

/** 2 or 3 tensors equal in shape except along `axis`. */
const concatCases = shapeArb(3, 3, 1).chain((s) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: s.length - 1 }),
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 }),
    )
    .chain(([axis, sizes]) =>
      fc.tuple(
        fc.constant(axis),
        fc.tuple(
          ...sizes.map((k) =>
            dataArb(
              s.map((d, i) => (i === axis ? k : d)),
              smooth,
            ),
          ),
        ),
      ),
    ),
);

export const STRUCTURE_PROPERTIES: readonly OpProperty[] = [
  property({
    op: 'matmul',
    cases: matmulCases,
    build: ([v, a, b]: [MatmulVariant, TensorData, TensorData]) => ({
      inputs: [leaf(a), leaf(b)],
      f: v === 'transposed' ? (x: Tensor, y: Tensor) => A.matmul(A.mT(x), A.mT(y)) : A.matmul,
    }),
    secondOrder: true,
  }),
  property({
    op: 'reshape',
    cases: shapeArb(3, 3, 1).chain((s) =>
      fc.tuple(dataArb(s, smooth), fc.constantFrom('flat', 'infer', 'reversed', 'ones'), fc.boolean()),
    ),
    build: ([d, target, transposed]) => {
      const shape = transposed ? [...d.shape].reverse() : [...d.shape];
      let to =
        target === 'flat'
          ? [sizeOf(shape)]
          : target === 'infer'
            ? [1, -1]
            : target === 'reversed'
              ? [...shape].reverse()
              : [1, ...shape, 1];
      const resolved = to.map((k) => (k === -1 ? sizeOf(shape) : k));
      // a real reshape
      if (resolved.length === shape.length && resolved.every((k, i) => k === shape[i])) to = [...resolved, 1];
      // a transposed (non-contiguous) input makes reshape copy
      return { inputs: [leaf(d)], f: (x) => A.reshape(transposed ? A.transpose(x) : x, to) };
    },
    secondOrder: true,
  }),
  property({
    op: 'permute',
    cases: shapeArb(3, 3, 2).chain((s) =>
      fc.tuple(
        dataArb(s, smooth),
        permutationArb(s.length).filter((p) => p.some((a, i) => a !== i)),
      ),
    ),
    build: ([d, order]) => ({ inputs: [leaf(d)], f: (x) => A.permute(x, order) }),
    secondOrder: true,
  }),
  property({
    op: 'expand',
    cases: shapeArb(3, 3, 1).chain((full) =>
      operandShapeArb(full)
        .filter((s) => s.length !== full.length || s.some((d, i) => d !== full[i]))
        .chain((s) => fc.tuple(dataArb(s, smooth), fc.constant(full))),
    ),
    build: ([d, full]) => ({ inputs: [leaf(d)], f: (x) => A.expand(x, full) }),
    secondOrder: true,
  }),
  property({
    op: 'slice',
    cases: sliceCases,
    build: ([d, axis, start, stop, step]) => ({ inputs: [leaf(d)], f: (x) => A.slice(x, axis, start, stop, step) }),
    secondOrder: true,
  }),
  property({
    op: 'sliceBackward',
    cases: sliceCases.chain(([d, axis, start, stop, step]) => {
      const piece = slicedShape(d.shape, axis, start, stop, step);
      return fc.tuple(
        dataArb(piece, smooth),
        fc.constant(d.shape),
        fc.constant(axis),
        fc.constant([start, stop, step] as const),
      );
    }),
    build: ([d, full, axis, [start, stop, step]]) => {
      // sliceBackward takes explicit bounds: resolve the defaults as F.slice does
      const n = full[axis]!;
      const s = start ?? (step > 0 ? 0 : n - 1);
      const e = stop ?? (step > 0 ? n : -n - 1);
      // the op is slice's gradient: the vjp of slice at x's full shape, recorded as sliceBackward
      const seed = A.zeros([...full], { dtype: 'float64' });
      return {
        inputs: [leaf(d)],
        f: (x) =>
          A.OP_RECORDS.slice.vjp!(x, { inputs: [seed], output: x, params: { axis, start: s, stop: e, step } })[0]!,
      };
    },
    secondOrder: true,
  }),
  property({
    op: 'concat',
    cases: concatCases,
    build: ([axis, parts]) => ({ inputs: parts.map(leaf), f: (...xs) => A.concat(xs, axis) }),
    secondOrder: true,
  }),
  property({
    op: 'gather',
    cases: gatherCases,
    build: ([d, axis, is, iv]) => {
      const index = indexTensor(is, iv);
      return { inputs: [leaf(d)], f: (x) => A.gather(x, axis, index) };
    },
    secondOrder: true,
  }),
  property({
    op: 'scatterAdd',
    cases: gatherCases.chain(([d, axis, is, iv]) =>
      fc.tuple(fc.constant(d.shape), fc.constant(axis), fc.constant(is), fc.constant(iv), dataArb(is, smooth)),
    ),
    build: ([shape, axis, is, iv, src]) => {
      // the op is gather's gradient: the vjp of gather at x's full shape, recorded as scatterAdd
      const index = indexTensor(is, iv);
      const seed = A.zeros([...shape], { dtype: 'float64' });
      const context = (s: Tensor) => ({ inputs: [seed, index], output: s, params: { axis } });
      return { inputs: [leaf(src)], f: (s) => A.OP_RECORDS.gather.vjp!(s, context(s))[0]! };
    },
    secondOrder: true,
  }),
];
