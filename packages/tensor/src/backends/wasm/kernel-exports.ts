// The functions the AssemblyScript kernels (assembly/index.ts) export, as the TypeScript side calls
// them: pointers are byte offsets into the kernels' linear memory.

/** assembly/lstm-cell.ts's forward (0 for an absent hGates or bias). */
type LstmCellKernel = (
  rows: number,
  hidden: number,
  gates: number,
  hGates: number,
  bias: number,
  c: number,
  out: number,
  scratch: number,
  pre: number,
) => void;
/** assembly/lstm-cell.ts's backward (0 for no gradNext). */
type LstmCellBackwardKernel = (
  rows: number,
  hidden: number,
  grad: number,
  gradNext: number,
  cell: number,
  c: number,
  dGates: number,
  dc: number,
) => void;

/**
 * assembly/adam.ts's step: n, the addresses of p, g, m, v and vmax (0 for none), then β₁, 1 − β₁,
 * β₂, 1 − β₂, ε, the bias correction √(1 − β₂ᵗ) and the step −η/(1 − β₁ᵗ).
 */
type AdamKernel = (
  n: number,
  p: number,
  g: number,
  m: number,
  v: number,
  vmax: number,
  ...scalars: [number, number, number, number, number, number, number]
) => void;

/**
 * assembly/strided-copy.ts's copy: sizes n0..n3, element strides s0..s3, source and destination
 * addresses, and 4 KiB of scratch for transposes into rows a multiple of 4096 bytes apart (0 otherwise).
 */
type StridedCopyKernel = (
  n0: number,
  n1: number,
  n2: number,
  n3: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
  src: number,
  dst: number,
  scratch: number,
) => void;

/** assembly/gemm.ts's rows [i0, i1) of C = A·B with B packed (`packB`) at `bp`; `scratch` its thread's. */
export type GemmRowsKernel = (
  i0: number,
  i1: number,
  n: number,
  k: number,
  a: number,
  ars: number,
  acs: number,
  bp: number,
  c: number,
  ldc: number,
  scratch: number,
) => void;

/** A kernel over rows × cols (see assembly/elementwise.ts): byte offsets, element strides, contiguous output. */
export type RowsKernel = (
  rows: number,
  cols: number,
  a: number,
  ars: number,
  ac: number,
  b: number,
  brs: number,
  bc: number,
  out: number,
) => void;

/** assembly/elementwise.ts's binary op (and compare.ts's comparison) `op` over rows × cols (see RowsKernel). */
export type BinaryRowsKernel = (op: number, ...rows: Parameters<RowsKernel>) => void;

/** RowsKernel's operands after rows and cols: a, its strides, b, its strides, out. */
type RowsOperands = Parameters<RowsKernel> extends [number, number, ...infer R] ? R : never;

/** assembly/select.ts's where over rows × cols: the condition `c` and its strides, then as RowsKernel. */
type WhereKernel = (rows: number, cols: number, c: number, crs: number, cc: number, ...operands: RowsOperands) => void;

/** The functions the AssemblyScript kernels export (pointers are byte offsets into linear memory). */
export interface KernelExports {
  packB_f32(k: number, n: number, b: number, rs: number, cs: number, dst: number): void;
  packB_f64(k: number, n: number, b: number, rs: number, cs: number, dst: number): void;
  gemmRows_f32: GemmRowsKernel;
  gemmRows_f64: GemmRowsKernel;
  gemmScratchBytes_f32(): number;
  gemmScratchBytes_f64(): number;
  binary_f32: BinaryRowsKernel;
  binary_f64: BinaryRowsKernel;
  unary_f32(op: number, n: number, x: number, out: number): void;
  axpy_f32(n: number, y: number, x: number, alpha: number): void;
  axpy_f64(n: number, y: number, x: number, alpha: number): void;
  adam_f32: AdamKernel;
  adam_f64: AdamKernel;
  unary_f64(op: number, n: number, x: number, out: number): void;
  reduce_f32(op: number, outer: number, r: number, inner: number, x: number, out: number, acc: number): void;
  reduce_f64(op: number, outer: number, r: number, inner: number, x: number, out: number, acc: number): void;
  sumOuterInner_f32(n: number, k: number, s: number, x: number, out: number, acc: number): void;
  sumOuterInner_f64(n: number, k: number, s: number, x: number, out: number, acc: number): void;
  compare_f32: BinaryRowsKernel;
  compare_f64: BinaryRowsKernel;
  convert_run(code: number, n: number, x: number, out: number): void;
  activationGrad_f32(op: number, n: number, g: number, s: number, out: number): void;
  lstmCell_f32: LstmCellKernel;
  lstmCell_f64: LstmCellKernel;
  lstmCellBackward_f32: LstmCellBackwardKernel;
  lstmCellBackward_f64: LstmCellBackwardKernel;
  stridedCopy_f32: StridedCopyKernel;
  stridedCopy_f64: StridedCopyKernel;
  activationGrad_f64(op: number, n: number, g: number, s: number, out: number): void;
  unaryMath_f32(op: number, n: number, x: number, out: number, scratch: number): void;
  unaryMath_f64(op: number, n: number, x: number, out: number, scratch: number): void;
  unaryMathScratchBytes(): number;
  argReduce_f32(op: number, outer: number, r: number, inner: number, x: number, out: number, best: number): void;
  argReduce_f64(op: number, outer: number, r: number, inner: number, x: number, out: number, best: number): void;
  where_f32: WhereKernel;
  where_f64: WhereKernel;
  clamp_f32(n: number, x: number, out: number, lo: number, hi: number): void;
  clamp_f64(n: number, x: number, out: number, lo: number, hi: number): void;
  im2col_f32(geo: number, x: number, pad: number, out: number): void;
  im2col_f64(geo: number, x: number, pad: number, out: number): void;
  col2im_f32(geo: number, cols: number, out: number): void;
  col2im_f64(geo: number, cols: number, out: number): void;
  maxPoolGrad_f32(geo: number, x: number, m: number, g: number, counts: number, out: number): void;
  maxPoolGrad_f64(geo: number, x: number, m: number, g: number, counts: number, out: number): void;
  maxPool_f32(geo: number, x: number, out: number): void;
  maxPool_f64(geo: number, x: number, out: number): void;
}
