// Entry point of the SIMD128 kernels, compiled by scripts/build-wasm.mjs into
// src/backends/wasm/kernels-*.generated.ts. Every pointer is a byte offset into the imported linear
// memory, which the TypeScript side manages; nothing here allocates.
import { packB, gemmRows, gemmScratchBytes } from './gemm';
import { axpy, binary, unary } from './elementwise';
import { reduce, sumOuterInner } from './reduce';
import { compare } from './compare';
import { convert } from './convert';
import { activationGrad } from './activation-grad';
import { unaryMath } from './unary-math';
import { lstmCell, lstmCellBackward } from './lstm-cell';
import { stridedCopy } from './strided-copy';
import { TRIG_SCRATCH_BYTES } from './fdlibm-trig';
import { argReduce } from './arg-reduce';
import { where, clamp } from './select';
import { im2col, col2im } from './conv';
import { maxPoolGrad } from './max-pool';
import { maxPool } from './max-pool-forward';
import { adamUpdate } from './adam';

export function packB_f32(k: i32, n: i32, b: usize, rs: i32, cs: i32, dst: usize): void {
  packB<f32>(k, n, b, rs, cs, dst);
}
export function packB_f64(k: i32, n: i32, b: usize, rs: i32, cs: i32, dst: usize): void {
  packB<f64>(k, n, b, rs, cs, dst);
}
export function gemmRows_f32(
  i0: i32,
  i1: i32,
  n: i32,
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  bp: usize,
  c: usize,
  ldc: i32,
  scratch: usize,
): void {
  gemmRows<f32>(i0, i1, n, k, a, ars, acs, bp, c, ldc, scratch);
}
export function gemmRows_f64(
  i0: i32,
  i1: i32,
  n: i32,
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  bp: usize,
  c: usize,
  ldc: i32,
  scratch: usize,
): void {
  gemmRows<f64>(i0, i1, n, k, a, ars, acs, bp, c, ldc, scratch);
}
export function gemmScratchBytes_f32(): i32 {
  return gemmScratchBytes<f32>();
}
export function gemmScratchBytes_f64(): i32 {
  return gemmScratchBytes<f64>();
}

export function binary_f32(
  op: i32,
  rows: i32,
  cols: i32,
  a: usize,
  ars: i32,
  ac: i32,
  b: usize,
  brs: i32,
  bc: i32,
  out: usize,
): void {
  binary<f32>(op, rows, cols, a, ars, ac, b, brs, bc, out);
}
export function binary_f64(
  op: i32,
  rows: i32,
  cols: i32,
  a: usize,
  ars: i32,
  ac: i32,
  b: usize,
  brs: i32,
  bc: i32,
  out: usize,
): void {
  binary<f64>(op, rows, cols, a, ars, ac, b, brs, bc, out);
}
export function axpy_f32(n: i32, y: usize, x: usize, alpha: f32): void {
  axpy<f32>(n, y, x, alpha);
}
export function axpy_f64(n: i32, y: usize, x: usize, alpha: f64): void {
  axpy<f64>(n, y, x, alpha);
}
export function adam_f32(
  n: i32, p: usize, g: usize, m: usize, v: usize, vmax: usize,
  beta1: f32, keep1: f32, beta2: f32, keep2: f32, eps: f32, bc: f32, step: f32,
): void {
  adamUpdate<f32>(n, p, g, m, v, vmax, beta1, keep1, beta2, keep2, eps, bc, step);
}
export function adam_f64(
  n: i32, p: usize, g: usize, m: usize, v: usize, vmax: usize,
  beta1: f64, keep1: f64, beta2: f64, keep2: f64, eps: f64, bc: f64, step: f64,
): void {
  adamUpdate<f64>(n, p, g, m, v, vmax, beta1, keep1, beta2, keep2, eps, bc, step);
}
export function unary_f32(op: i32, n: i32, x: usize, out: usize): void {
  unary<f32>(op, n, x, out);
}
export function unary_f64(op: i32, n: i32, x: usize, out: usize): void {
  unary<f64>(op, n, x, out);
}

export function reduce_f32(op: i32, outer: i32, r: i32, inner: i32, x: usize, out: usize, acc: usize): void {
  reduce<f32>(op, outer, r, inner, x, out, acc);
}
export function reduce_f64(op: i32, outer: i32, r: i32, inner: i32, x: usize, out: usize, acc: usize): void {
  reduce<f64>(op, outer, r, inner, x, out, acc);
}
export function sumOuterInner_f32(n: i32, k: i32, s: i32, x: usize, out: usize, acc: usize): void {
  sumOuterInner<f32>(n, k, s, x, out, acc);
}
export function sumOuterInner_f64(n: i32, k: i32, s: i32, x: usize, out: usize, acc: usize): void {
  sumOuterInner<f64>(n, k, s, x, out, acc);
}

export function compare_f32(
  op: i32,
  rows: i32,
  cols: i32,
  a: usize,
  ars: i32,
  ac: i32,
  b: usize,
  brs: i32,
  bc: i32,
  out: usize,
): void {
  compare<f32>(op, rows, cols, a, ars, ac, b, brs, bc, out);
}
export function compare_f64(
  op: i32,
  rows: i32,
  cols: i32,
  a: usize,
  ars: i32,
  ac: i32,
  b: usize,
  brs: i32,
  bc: i32,
  out: usize,
): void {
  compare<f64>(op, rows, cols, a, ars, ac, b, brs, bc, out);
}
export function convert_run(code: i32, n: i32, x: usize, out: usize): void {
  convert(code, n, x, out);
}

export function activationGrad_f32(op: i32, n: i32, g: usize, s: usize, out: usize): void {
  activationGrad<f32>(op, n, g, s, out);
}
export function activationGrad_f64(op: i32, n: i32, g: usize, s: usize, out: usize): void {
  activationGrad<f64>(op, n, g, s, out);
}

export function argReduce_f32(op: i32, outer: i32, r: i32, inner: i32, x: usize, out: usize, best: usize): void {
  argReduce<f32>(op, outer, r, inner, x, out, best);
}
export function argReduce_f64(op: i32, outer: i32, r: i32, inner: i32, x: usize, out: usize, best: usize): void {
  argReduce<f64>(op, outer, r, inner, x, out, best);
}
export function where_f32(
  rows: i32,
  cols: i32,
  c: usize,
  crs: i32,
  cc: i32,
  a: usize,
  ars: i32,
  ac: i32,
  b: usize,
  brs: i32,
  bc: i32,
  out: usize,
): void {
  where<f32>(rows, cols, c, crs, cc, a, ars, ac, b, brs, bc, out);
}
export function where_f64(
  rows: i32,
  cols: i32,
  c: usize,
  crs: i32,
  cc: i32,
  a: usize,
  ars: i32,
  ac: i32,
  b: usize,
  brs: i32,
  bc: i32,
  out: usize,
): void {
  where<f64>(rows, cols, c, crs, cc, a, ars, ac, b, brs, bc, out);
}
export function clamp_f32(n: i32, x: usize, out: usize, lo: f64, hi: f64): void {
  clamp<f32>(n, x, out, lo, hi);
}
export function clamp_f64(n: i32, x: usize, out: usize, lo: f64, hi: f64): void {
  clamp<f64>(n, x, out, lo, hi);
}
export function unaryMath_f32(op: i32, n: i32, x: usize, out: usize, scratch: usize): void {
  unaryMath<f32>(op, n, x, out, scratch);
}
export function unaryMath_f64(op: i32, n: i32, x: usize, out: usize, scratch: usize): void {
  unaryMath<f64>(op, n, x, out, scratch);
}
export function lstmCell_f32(
  rows: i32, hidden: i32, gates: usize, hGates: usize, bias: usize, c: usize, out: usize, scratch: usize, pre: usize,
): void {
  lstmCell<f32>(rows, hidden, gates, hGates, bias, c, out, scratch, pre);
}
export function lstmCell_f64(
  rows: i32, hidden: i32, gates: usize, hGates: usize, bias: usize, c: usize, out: usize, scratch: usize, pre: usize,
): void {
  lstmCell<f64>(rows, hidden, gates, hGates, bias, c, out, scratch, pre);
}
export function lstmCellBackward_f32(
  rows: i32, hidden: i32, g: usize, gn: usize, s: usize, c: usize, dg: usize, dc: usize,
): void {
  lstmCellBackward<f32>(rows, hidden, g, gn, s, c, dg, dc);
}
export function lstmCellBackward_f64(
  rows: i32, hidden: i32, g: usize, gn: usize, s: usize, c: usize, dg: usize, dc: usize,
): void {
  lstmCellBackward<f64>(rows, hidden, g, gn, s, c, dg, dc);
}
export function unaryMathScratchBytes(): i32 {
  return TRIG_SCRATCH_BYTES;
}
export function im2col_f32(geo: usize, x: usize, pad: f64, out: usize): void {
  im2col<f32>(geo, x, pad, out);
}
export function im2col_f64(geo: usize, x: usize, pad: f64, out: usize): void {
  im2col<f64>(geo, x, pad, out);
}
export function col2im_f32(geo: usize, cols: usize, out: usize): void {
  col2im<f32>(geo, cols, out);
}
export function col2im_f64(geo: usize, cols: usize, out: usize): void {
  col2im<f64>(geo, cols, out);
}
export function maxPoolGrad_f32(geo: usize, x: usize, m: usize, g: usize, counts: usize, out: usize): void {
  maxPoolGrad<f32>(geo, x, m, g, counts, out);
}
export function maxPoolGrad_f64(geo: usize, x: usize, m: usize, g: usize, counts: usize, out: usize): void {
  maxPoolGrad<f64>(geo, x, m, g, counts, out);
}
export function maxPool_f32(geo: usize, x: usize, out: usize): void {
  maxPool<f32>(geo, x, out);
}
export function maxPool_f64(geo: usize, x: usize, out: usize): void {
  maxPool<f64>(geo, x, out);
}

// A same-dtype copy of a strided view (up to four merged dimensions) into a contiguous block.
export function stridedCopy_f32(
  n0: i32, n1: i32, n2: i32, n3: i32, s0: i32, s1: i32, s2: i32, s3: i32, src: usize, dst: usize, scratch: usize,
): void {
  stridedCopy<f32>(n0, n1, n2, n3, s0, s1, s2, s3, src, dst, scratch);
}
export function stridedCopy_f64(
  n0: i32, n1: i32, n2: i32, n3: i32, s0: i32, s1: i32, s2: i32, s3: i32, src: usize, dst: usize, scratch: usize,
): void {
  stridedCopy<f64>(n0, n1, n2, n3, s0, s1, s2, s3, src, dst, scratch);
}
