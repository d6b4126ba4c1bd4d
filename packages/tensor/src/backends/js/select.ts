import type { Backend, ScatterReduce } from '../../backend.js';
import { allocate } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import { contiguousStrides } from '../../shape.js';
import { checkOut } from '../out.js';
import { copy } from './copy.js';
import { forEachRow, innerStride, rowLength } from './rows.js';

/** Flat int32 values of an index array, in row-major order. */
function indexValues(index: NDArray): ArrayLike<number> {
  const c = index.isContiguous ? index : copy(index, index.dtype);
  return c.data.subarray(c.offset, c.offset + c.size);
}

/** out = x with `axis` replaced by the picked positions (index flattened); into `into` when given. */
export function indexSelect(x: NDArray, axis: number, index: NDArray, into?: NDArray): NDArray {
  const idx = indexValues(index);
  const shape = [...x.shape];
  shape[axis] = idx.length;
  const out =
    checkOut('indexSelect', into, shape, x.dtype) ??
    new NDArray(
      allocate(
        x.dtype,
        shape.reduce((p, d) => p * d, 1),
        'indexSelect',
      ),
      shape,
    );
  if (x.isContiguous) {
    // contiguous input: each pick is one run of `inner` elements per outer position (embedding lookups)
    const n = x.shape[axis]!;
    const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const xd = x.data,
      o = out.data;
    let dst = out.offset;
    for (let r = 0; r < outer; r++) {
      const rowBase = x.offset + r * n * inner;
      for (let i = 0; i < idx.length; i++, dst += inner) {
        const src = rowBase + idx[i]! * inner;
        o.set(xd.subarray(src, src + inner) as never, dst);
      }
    }
    return out;
  }
  for (let i = 0; i < idx.length; i++) {
    const src = x.select(axis, idx[i]!);
    const dst = out.select(axis, i);
    writeView(dst, src);
  }
  return out;
}

function writeView(dst: NDArray, src: NDArray): void {
  const o = dst.data,
    s = src.data;
  const len = rowLength(src.shape),
    ss = innerStride(src),
    ds = innerStride(dst);
  forEachRow(src.shape, [dst, src], (_row, offs) => {
    let pd = offs[0]!,
      ps = offs[1]!;
    for (let i = 0; i < len; i++, pd += ds, ps += ss) o[pd] = s[ps]!;
  });
}

/**
 * Visits every position of `shape` (row-major), giving the flat position, and the offset that the
 * same multi-index has in `view` with its `axis` coordinate removed (to be added by the caller).
 */
function forEachAlongAxis(
  shape: readonly number[],
  axis: number,
  view: NDArray,
  body: (pos: number, coordOnAxis: number, offsetWithoutAxis: number) => void,
): void {
  const strides = contiguousStrides(shape);
  const n = shape.reduce((p, d) => p * d, 1);
  for (let pos = 0; pos < n; pos++) {
    let rest = pos;
    let off = view.offset;
    let onAxis = 0;
    for (let d = 0; d < shape.length; d++) {
      const c = Math.floor(rest / strides[d]!);
      rest -= c * strides[d]!;
      if (d === axis) onAxis = c;
      else off += c * view.strides[d]!;
    }
    body(pos, onAxis, off);
  }
}

/** out[..i..] = x[..index[..i..]..] along `axis`; out has index's shape (into `into` when given). */
export function gather(x: NDArray, axis: number, index: NDArray, into?: NDArray): NDArray {
  const idx = indexValues(index);
  const out =
    checkOut('gather', into, index.shape, x.dtype) ?? new NDArray(allocate(x.dtype, index.size, 'gather'), index.shape);
  const o = out.data,
    o0 = out.offset,
    xd = x.data,
    step = x.strides[axis]!;
  forEachAlongAxis(index.shape, axis, x, (pos, _c, off) => {
    o[o0 + pos] = xd[off + idx[pos]! * step]!;
  });
  return out;
}

/** Zeros of `shape`, then out[..index[..i..]..] += src[..i..] along `axis`. */
export function scatterAdd(shape: readonly number[], axis: number, index: NDArray, src: NDArray): NDArray {
  const idx = indexValues(index);
  const s = src.isContiguous ? src : copy(src, src.dtype);
  const out = new NDArray(
    allocate(
      src.dtype,
      shape.reduce((p, d) => p * d, 1),
      'scatterAdd',
    ),
    shape,
  );
  const o = out.data,
    sd = s.data,
    step = out.strides[axis]!;
  forEachAlongAxis(index.shape, axis, out, (pos, _c, off) => {
    o[off + idx[pos]! * step]! += sd[s.offset + pos]!;
  });
  return out;
}

/** cur combined with v by a reduction (NaN wins for amax and amin, as torch's max and min). */
function combine(reduce: ScatterReduce, cur: number, v: number): number {
  switch (reduce) {
    case 'amax':
      return v > cur || v !== v ? v : cur;
    case 'amin':
      return v < cur || v !== v ? v : cur;
    default:
      return cur + v;
  }
}

/**
 * A copy of x where src[..i..] lands at x[..index[..i..]..] along `axis`: written (`'none'`, the
 * last write wins) or reduced in float64, x's value taking part when `includeSelf`.
 */
export function scatter(
  x: NDArray,
  axis: number,
  index: NDArray,
  src: NDArray,
  reduce: ScatterReduce,
  includeSelf: boolean,
): NDArray {
  const idx = indexValues(index);
  const s = src.isContiguous ? src : copy(src, src.dtype);
  const out = copy(x, x.dtype);
  const o = out.data,
    sd = s.data,
    step = out.strides[axis]!;
  if (reduce === 'none') {
    forEachAlongAxis(index.shape, axis, out, (pos, _c, off) => {
      o[off + idx[pos]! * step] = sd[s.offset + pos]!;
    });
    return out;
  }
  const acc = new Float64Array(out.size);
  const count = new Int32Array(out.size);
  forEachAlongAxis(index.shape, axis, out, (pos, _c, off) => {
    const t = off + idx[pos]! * step;
    const v = Number(sd[s.offset + pos]!);
    if (count[t] === 0) acc[t] = includeSelf ? combine(reduce, Number(o[t]!), v) : v;
    else acc[t] = combine(reduce, acc[t]!, v);
    count[t]!++;
  });
  const floor = out.dtype === 'int32' || out.dtype === 'bool';
  for (let t = 0; t < out.size; t++) {
    if (count[t] === 0) continue;
    let v = acc[t]!;
    if (reduce === 'mean')
      v = floor ? Math.floor(v / (count[t]! + (includeSelf ? 1 : 0))) : v / (count[t]! + (includeSelf ? 1 : 0));
    o[t] = v;
  }
  return out;
}

/** The indexing kernels of the reference backend. */
export const selectFamily = { indexSelect, gather, scatterAdd, scatter } satisfies Partial<Backend>;
