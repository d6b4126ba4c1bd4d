import { type DType, allocate } from '../../dtype.js';
import type { Backend, BinaryOp, CompareOp, UnaryOp } from '../../backend.js';
import { NDArray } from '../../ndarray.js';
import { sizeOf } from '../../shape.js';
import { SCALAR_BINARY as BINARY, SCALAR_UNARY as UNARY } from '../../scalar-ops.js';
import { sigmoid } from '../../scalar-math.js';
import { forEachRow, innerStride, rowLength } from './rows.js';
import { slabLayout } from '../slab-layout.js';
import { checkOut } from '../out.js';

type Fn1 = (x: number) => number;
type Fn2 = (a: number, b: number) => number;

const COMPARE: Record<CompareOp, Fn2> = {
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

/** A contiguous destination: the caller's `out`, or a new array. */
function destination(shape: readonly number[], dtype: DType, out: NDArray | undefined, op = 'allocate'): NDArray {
  return out ?? new NDArray(allocate(dtype, sizeOf(shape), op), shape);
}

/** Whether every stride is 0 (a scalar, possibly broadcast): a plain loop, no closure. */
function allZero(strides: readonly number[]): boolean {
  for (let i = 0; i < strides.length; i++) if (strides[i] !== 0) return false;
  return true;
}

/** Applies f to each element of x into a contiguous array. */
export function map1(f: Fn1, x: NDArray, outDtype: DType, out?: NDArray): NDArray {
  const dst = destination(x.shape, outDtype, out);
  const o = dst.data,
    xd = x.data;
  const base = dst.offset;
  if (x.isContiguous) {
    const n = x.size,
      xo = x.offset;
    for (let i = 0; i < n; i++) o[base + i] = f(xd[xo + i]!);
    return dst;
  }
  const len = rowLength(x.shape),
    xs = innerStride(x);
  forEachRow(x.shape, [x], (row, offs) => {
    let p = offs[0]!;
    const start = base + row * len;
    for (let i = 0; i < len; i++, p += xs) o[start + i] = f(xd[p]!);
  });
  return dst;
}

/** Applies f pairwise to a and b (same shape, stride 0 where broadcast) into a contiguous array. */
export function map2(f: Fn2, a: NDArray, b: NDArray, outDtype: DType, out?: NDArray): NDArray {
  const dst = destination(a.shape, outDtype, out);
  const o = dst.data,
    ad = a.data,
    bd = b.data;
  const base = dst.offset;
  const n = a.size;
  if (a.isContiguous && b.isContiguous) {
    const ao = a.offset,
      bo = b.offset;
    for (let i = 0; i < n; i++) o[base + i] = f(ad[ao + i]!, bd[bo + i]!);
    return dst;
  }
  const len = rowLength(a.shape),
    as = innerStride(a),
    bs = innerStride(b);
  forEachRow(a.shape, [a, b], (row, offs) => {
    let pa = offs[0]!,
      pb = offs[1]!;
    const start = base + row * len;
    for (let i = 0; i < len; i++, pa += as, pb += bs) o[start + i] = f(ad[pa]!, bd[pb]!);
  });
  return dst;
}

/**
 * The layout of two same-shape operands as rows × cols with each operand's row stride and a column
 * stride of 0 or 1 (slabLayout's, when it needs at most two dimensions), or undefined. Covers
 * contiguous operands, scalars and the row / column broadcasts of bias adds.
 */
function rowsLayout(
  a: NDArray,
  b: NDArray,
): [rows: number, cols: number, ars: number, ac: number, brs: number, bc: number] | undefined {
  const dims = slabLayout(a, b);
  if (dims === undefined || dims.length > 2) return undefined;
  const inner = dims[dims.length - 1]!,
    row = dims.length === 2 ? dims[0]! : { size: 1, sa: 0, sb: 0 };
  return [row.size, inner.size, row.sa, inner.sa, row.sb, inner.sb];
}

/** Fast loops for the four arithmetic ops on operands that rowsLayout covers. */
function arithmeticFastPath(op: BinaryOp, a: NDArray, b: NDArray, dst: NDArray): boolean {
  if (op !== 'add' && op !== 'sub' && op !== 'mul' && op !== 'div') return false;
  const layout = rowsLayout(a, b);
  if (layout === undefined) return false;
  const [rows, cols, ars, as, brs, bs] = layout;
  const o = dst.data,
    ad = a.data,
    bd = b.data,
    base = dst.offset;
  for (let r = 0; r < rows; r++) {
    let pa = a.offset + r * ars,
      pb = b.offset + r * brs;
    const start = base + r * cols,
      end = start + cols;
    switch (op) {
      case 'add':
        for (let i = start; i < end; i++, pa += as, pb += bs) o[i] = ad[pa]! + bd[pb]!;
        break;
      case 'sub':
        for (let i = start; i < end; i++, pa += as, pb += bs) o[i] = ad[pa]! - bd[pb]!;
        break;
      case 'mul':
        for (let i = start; i < end; i++, pa += as, pb += bs) o[i] = ad[pa]! * bd[pb]!;
        break;
      default:
        for (let i = start; i < end; i++, pa += as, pb += bs) o[i] = ad[pa]! / bd[pb]!;
        break;
    }
  }
  return true;
}

/**
 * Closure-free loops for the transcendental ops on a contiguous input (sigmoid, tanh, exp and log
 * dominate activation layers): each calls the same scalar definition as SCALAR_UNARY, directly, so
 * the results are identical and V8 inlines the call instead of going through map1's megamorphic f.
 */
function unaryFastPath(op: UnaryOp, x: NDArray, dst: NDArray): boolean {
  if (!x.isContiguous) return false;
  const o = dst.data,
    xd = x.data,
    n = x.size,
    base = dst.offset,
    p = x.offset;
  switch (op) {
    case 'sigmoid':
      for (let i = 0; i < n; i++) o[base + i] = sigmoid(xd[p + i]!);
      return true;
    case 'tanh':
      for (let i = 0; i < n; i++) o[base + i] = Math.tanh(xd[p + i]!);
      return true;
    case 'exp':
      for (let i = 0; i < n; i++) o[base + i] = Math.exp(xd[p + i]!);
      return true;
    case 'log':
      for (let i = 0; i < n; i++) o[base + i] = Math.log(xd[p + i]!);
      return true;
    default:
      return false;
  }
}

export function unary(op: UnaryOp, x: NDArray, outDtype: DType, out?: NDArray): NDArray {
  const dst = destination(x.shape, outDtype, out, op);
  if (unaryFastPath(op, x, dst)) return dst;
  return map1(UNARY[op], x, outDtype, dst);
}

export function binary(op: BinaryOp, a: NDArray, b: NDArray, outDtype: DType, out?: NDArray): NDArray {
  const dst = destination(a.shape, outDtype, out, op);
  if (outDtype === 'int32' && op === 'mul') return map2(Math.imul, a, b, outDtype, dst);
  if (arithmeticFastPath(op, a, b, dst)) return dst;
  return map2(BINARY[op], a, b, outDtype, dst);
}

export function compare(op: CompareOp, a: NDArray, b: NDArray, out?: NDArray): NDArray {
  const dst = destination(a.shape, 'bool', checkOut('compare', out, a.shape, 'bool'), op);
  if (compareFastPath(op, a, b, dst)) return dst;
  return map2(COMPARE[op], a, b, 'bool', dst);
}

/** Fast loops for comparisons of contiguous or scalar-broadcast operands (relu's a > 0 mask). */
function compareFastPath(op: CompareOp, a: NDArray, b: NDArray, dst: NDArray): boolean {
  const aScalar = allZero(a.strides),
    bScalar = allZero(b.strides);
  if (!((a.isContiguous || aScalar) && (b.isContiguous || bScalar))) return false;
  const o = dst.data,
    ad = a.data,
    bd = b.data,
    start = dst.offset,
    end = start + a.size;
  const as = aScalar ? 0 : 1,
    bs = bScalar ? 0 : 1;
  let pa = a.offset,
    pb = b.offset;
  switch (op) {
    case 'gt':
      for (let i = start; i < end; i++, pa += as, pb += bs) o[i] = ad[pa]! > bd[pb]! ? 1 : 0;
      return true;
    case 'lt':
      for (let i = start; i < end; i++, pa += as, pb += bs) o[i] = ad[pa]! < bd[pb]! ? 1 : 0;
      return true;
    case 'ge':
      for (let i = start; i < end; i++, pa += as, pb += bs) o[i] = ad[pa]! >= bd[pb]! ? 1 : 0;
      return true;
    case 'le':
      for (let i = start; i < end; i++, pa += as, pb += bs) o[i] = ad[pa]! <= bd[pb]! ? 1 : 0;
      return true;
    case 'eq':
      for (let i = start; i < end; i++, pa += as, pb += bs) o[i] = ad[pa]! === bd[pb]! ? 1 : 0;
      return true;
    default:
      for (let i = start; i < end; i++, pa += as, pb += bs) o[i] = ad[pa]! !== bd[pb]! ? 1 : 0;
      return true;
  }
}

export function clamp(x: NDArray, lo: number, hi: number, outDtype: DType, out?: NDArray): NDArray {
  // NaN stays NaN, as in PyTorch
  const dst = destination(x.shape, outDtype, checkOut('clamp', out, x.shape, outDtype), 'clamp');
  return map1((v) => (v !== v ? v : Math.min(Math.max(v, lo), hi)), x, outDtype, dst);
}

export function where(cond: NDArray, a: NDArray, b: NDArray, outDtype: DType, out?: NDArray): NDArray {
  const dst = destination(a.shape, outDtype, checkOut('where', out, a.shape, outDtype), 'where');
  const o = dst.data,
    cd = cond.data,
    ad = a.data,
    bd = b.data;
  const len = rowLength(a.shape),
    cs = innerStride(cond),
    as = innerStride(a),
    bs = innerStride(b);
  forEachRow(a.shape, [cond, a, b], (row, offs) => {
    let pc = offs[0]!,
      pa = offs[1]!,
      pb = offs[2]!;
    const start = dst.offset + row * len;
    for (let i = 0; i < len; i++, pc += cs, pa += as, pb += bs) o[start + i] = cd[pc] ? ad[pa]! : bd[pb]!;
  });
  return dst;
}

/** The elementwise kernels of the reference backend. */
export const elementwiseFamily = { unary, binary, compare, where, clamp } satisfies Partial<Backend>;
