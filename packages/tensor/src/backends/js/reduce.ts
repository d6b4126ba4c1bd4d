import { type DType, allocate } from '../../dtype.js';
import type { ArgReduceOp, Backend, ReduceOp } from '../../backend.js';
import { NDArray } from '../../ndarray.js';
import { reductionRuns, sizeOf } from '../../shape.js';
import { checkOut } from '../out.js';
import { copy } from './copy.js';

/**
 * Moves the reduced axes last and makes the data contiguous, so each output element reduces one
 * contiguous run of `inner` values. Returns the kept shape and the flat data.
 */
function reducedRuns(x: NDArray, axes: readonly number[]): { kept: number[]; inner: number; flat: NDArray } {
  const reduced = new Set(axes);
  const keptAxes = x.shape.map((_, i) => i).filter((i) => !reduced.has(i));
  const permuted = x.permute([...keptAxes, ...axes]);
  const flat = permuted.isContiguous ? permuted : copy(permuted, x.dtype);
  const kept = keptAxes.map((i) => x.shape[i]!);
  const inner = axes.reduce((p, a) => p * x.shape[a]!, 1);
  return { kept, inner, flat };
}

/** A new contiguous result of `shape`, or the caller's `into` (checked). */
function resultOf(op: ReduceOp, shape: number[], outDtype: DType, into: NDArray | undefined): NDArray {
  if (into === undefined) return new NDArray(allocate(outDtype, sizeOf(shape), op), shape);
  return checkOut('reduce', into, shape, outDtype)!;
}

export function reduce(op: ReduceOp, x: NDArray, axes: readonly number[], outDtype: DType, into?: NDArray): NDArray {
  const strided = x.isContiguous ? stridedRuns(x, axes) : undefined;
  if (strided !== undefined) return reduceStrided(op, x, strided, resultOf(op, strided.kept, outDtype, into));
  const reduced = new Set(axes);
  const keptAxes = x.shape.map((_, i) => i).filter((i) => !reduced.has(i));
  const out = resultOf(
    op,
    keptAxes.map((i) => x.shape[i]!),
    outDtype,
    into,
  );
  reduceWalk(op, x, keptAxes, axes, out);
  return out;
}

/**
 * Reduces `x` over `axes` in place of a transposing copy: each output element (the kept axes in
 * row-major order) folds its values in the order the copy would hold them (row-major over `axes`
 * as given, the last of them innermost) with one float64 accumulator; max and min take the first
 * NaN and stop, and rank −0 below +0 (IEEE 754 maximum / minimum, as WebAssembly's f32.max and
 * JAX's max: the wasm kernels give the same bits). Any strides, no copy.
 */
function reduceWalk(
  op: ReduceOp,
  x: NDArray,
  keptAxes: readonly number[],
  axes: readonly number[],
  out: NDArray,
): void {
  const o = out.data,
    d = x.data;
  const rShape = axes.map((a) => x.shape[a]!),
    rStrides = axes.map((a) => x.strides[a]!);
  mergeRuns(rShape, rStrides);
  const last = rShape.length - 1;
  const len = last < 0 ? 1 : rShape[last]!,
    step = last < 0 ? 0 : rStrides[last]!;
  const runs = rShape.slice(0, Math.max(0, last)).reduce((p, q) => p * q, 1);
  const empty = rShape.some((n) => n === 0);
  const kept = keptAxes.map((a) => x.shape[a]!),
    kStrides = keptAxes.map((a) => x.strides[a]!);
  const outer = kept.reduce((p, q) => p * q, 1);
  const kIdx = new Array<number>(kept.length).fill(0),
    rIdx = new Array<number>(Math.max(0, last)).fill(0);
  let base = x.offset;
  for (let r = 0; r < outer; r++) {
    let acc = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
    let at = base;
    rIdx.fill(0);
    for (let k = 0; k < runs && !empty; k++) {
      // counted loops: a broadcast axis has stride 0
      if (op === 'sum') for (let i = 0, p = at; i < len; i++, p += step) acc += d[p]!;
      else if (op === 'prod') for (let i = 0, p = at; i < len; i++, p += step) acc *= d[p]!;
      else if (op === 'max')
        for (let i = 0, p = at; i < len && acc === acc; i++, p += step) {
          const v = d[p]!;
          if (v > acc || v !== v || (v === acc && Object.is(acc, -0))) acc = v;
        }
      else
        for (let i = 0, p = at; i < len && acc === acc; i++, p += step) {
          const v = d[p]!;
          if (v < acc || v !== v || (v === acc && Object.is(v, -0))) acc = v;
        }
      // the next run: advance the reduced multi-index over all but the last reduced axis
      for (let a = last - 1; a >= 0; a--) {
        at += rStrides[a]!;
        if (++rIdx[a]! < rShape[a]!) break;
        at -= rStrides[a]! * rShape[a]!;
        rIdx[a] = 0;
      }
    }
    o[out.offset + r] = acc;
    for (let a = kept.length - 1; a >= 0; a--) {
      base += kStrides[a]!;
      if (++kIdx[a]! < kept[a]!) break;
      base -= kStrides[a]! * kept[a]!;
      kIdx[a] = 0;
    }
  }
}

/**
 * Merges trailing reduced axes that walk memory as one run (stride[a] = size[a+1]·stride[a+1], e.g.
 * the H and W of a conv bias gradient), in place: the same elements in the same order, so the same
 * bits, with longer inner loops and less index bookkeeping.
 */
function mergeRuns(shape: number[], strides: number[]): void {
  for (let a = shape.length - 1; a >= 1 && strides[a - 1] === shape[a]! * strides[a]!; a--) {
    shape[a - 1]! *= shape[a]!;
    strides[a - 1] = strides[a]!;
    shape.pop();
    strides.pop();
  }
}

/** A contiguous input seen as [outer, r, inner] with the reduced axes the middle run and inner > 1. */
type StridedRuns = NonNullable<ReturnType<typeof reductionRuns>>;

/** The [outer, r, inner] view of x reduced over one run of axes not at the end, or undefined. */
function stridedRuns(x: NDArray, axes: readonly number[]): StridedRuns | undefined {
  const runs = reductionRuns(x.shape, axes);
  return runs !== undefined && runs.inner > 1 ? runs : undefined;
}

/** Float64 accumulators reused by the strided reductions (a kernel call makes no garbage for them). */
let scratch = new Float64Array(64);

/** The most accumulators kept in `scratch` for good (512 KiB); more are a new array per call. */
const SCRATCH_MAX = 65536;

/** At least `inner` float64 accumulators: `scratch` (grown up to SCRATCH_MAX when needed), or a new array. */
function accumulators(inner: number): Float64Array {
  if (inner > SCRATCH_MAX) return new Float64Array(inner);
  if (scratch.length < inner) scratch = new Float64Array(Math.min(SCRATCH_MAX, Math.max(inner, 2 * scratch.length)));
  return scratch;
}

/**
 * Reduces the middle axis of [outer, r, inner] into `out` without moving it last (no transposing
 * copy): each output still folds its r values in order k = 0, 1, ... with the same float64
 * accumulator and the same NaN rule as the run loop above, so the results are identical; only the
 * loops are swapped.
 */
function reduceStrided(op: ReduceOp, x: NDArray, { outer, r, inner }: StridedRuns, out: NDArray): NDArray {
  const o = out.data,
    d = x.data;
  const acc = accumulators(inner);
  for (let q = 0; q < outer; q++) {
    const base = x.offset + q * r * inner;
    if (op === 'sum' || op === 'prod') {
      acc.fill(op === 'sum' ? 0 : 1, 0, inner);
      for (let k = 0; k < r; k++) {
        const row = base + k * inner;
        if (op === 'sum') for (let i = 0; i < inner; i++) acc[i]! += d[row + i]!;
        else for (let i = 0; i < inner; i++) acc[i]! *= d[row + i]!;
      }
    } else {
      acc.fill(op === 'max' ? -Infinity : Infinity, 0, inner);
      for (let k = 0; k < r; k++) {
        const row = base + k * inner;
        // once NaN, an accumulator stays NaN (v > NaN and v < NaN are false; NaN !== NaN is true)
        if (op === 'max')
          for (let i = 0; i < inner; i++) {
            const v = d[row + i]!;
            if (v > acc[i]! || v !== v || (v === acc[i] && Object.is(acc[i], -0))) acc[i] = v;
          }
        else
          for (let i = 0; i < inner; i++) {
            const v = d[row + i]!;
            if (v < acc[i]! || v !== v || (v === acc[i] && Object.is(v, -0))) acc[i] = v;
          }
      }
    }
    const at = out.offset + q * inner;
    for (let i = 0; i < inner; i++) o[at + i] = acc[i]!;
  }
  return out;
}

export function argReduce(op: ArgReduceOp, x: NDArray, axis: number): NDArray {
  const { kept, inner, flat } = reducedRuns(x, [axis]);
  const outer = kept.reduce((p, d) => p * d, 1);
  const out = new NDArray(allocate('int32', outer, op), kept);
  const o = out.data,
    d = flat.data;
  const better = op === 'argmax' ? (v: number, best: number) => v > best : (v: number, best: number) => v < best;
  for (let r = 0; r < outer; r++) {
    const start = flat.offset + r * inner;
    let best = d[start]!,
      at = 0;
    for (let i = 1; i < inner && best === best; i++) {
      const v = d[start + i]!;
      if (better(v, best) || v !== v) {
        best = v;
        at = i;
      }
    }
    o[r] = at;
  }
  return out;
}

/** The reduction kernels of the reference backend. */
export const reduceFamily = { reduce, argReduce } satisfies Partial<Backend>;
