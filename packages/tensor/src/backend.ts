/**
 * The kernel contract: the `Backend` interface, the types its signatures use, and the registry of
 * the backend in use. It imports types only, and nothing from ops/ or backends/ (which import it).
 */
import type { DType } from './dtype.js';
import type { NDArray } from './ndarray.js';
import type { SCALAR_ACTIVATION_GRAD, SCALAR_BINARY, SCALAR_UNARY } from './scalar-ops.js';

/**
 * Unary elementwise kernels: the keys of `SCALAR_UNARY`, so an op is added by adding its scalar
 * definition there. Float ones give float results; the rest keep the dtype (ops/elementwise.ts).
 */
export type UnaryOp = keyof typeof SCALAR_UNARY;

/** Binary elementwise kernels (arithmetic): the keys of `SCALAR_BINARY`, like `UnaryOp`. */
export type BinaryOp = keyof typeof SCALAR_BINARY;

/** Comparisons, giving bool. */
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** Reductions that give one value per reduced slice. */
export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/** Reductions that give an int32 index per reduced slice. */
export type ArgReduceOp = 'argmax' | 'argmin';

/** Running reductions (prefix scans) along one axis: cumsum, cumprod, logcumsumexp. */
export type ScanOp = 'sum' | 'prod' | 'logsumexp';

/** How `scatter` combines the values landing on one position: replace (`'none'`) or a reduction. */
export type ScatterReduce = 'none' | 'sum' | 'mean' | 'amax' | 'amin';

/** The activations whose gradient `activationGrad` computes in one pass. */
export type ActivationGradOp = keyof typeof SCALAR_ACTIVATION_GRAD;

/** What `fusedLstmCellBackward` gives: the gradients of the gates' pre-activations [..., 4H] and of c [..., H]. */
export interface LstmCellGrads {
  readonly gates: NDArray;
  readonly c: NDArray;
}

/** What `fusedGruCellBackward` gives: the gradients of both gate parts [..., 3H] and of h [..., H]. */
export interface GruCellGrads {
  readonly xGates: NDArray;
  readonly hGates: NDArray;
  readonly h: NDArray;
}

/**
 * The fixed numbers of an Adam step (PyTorch's names: betas, eps), as plain numbers; the kernel
 * rounds β₁, 1 − β₁, β₂, 1 − β₂ and ε to the arrays' dtype as a scalar operand of that dtype is.
 */
export interface AdamConstants {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/**
 * The arrays of an Adam step (Backend.adamUpdate): the parameter, its gradient, the two moments,
 * AMSGrad's running max (or undefined), and [√(1 − β₂ᵗ), −η/(1 − β₁ᵗ)] in their dtype.
 */
export type AdamArrays = [
  p: NDArray,
  g: NDArray,
  m: NDArray,
  v: NDArray,
  vmax: NDArray | undefined,
  coefficients: NDArray,
];

/** A resolved window: kernel, stride, padding, dilation and the output's (height, width). */
export interface ConvGeometry {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly output: readonly [number, number];
}

/**
 * The LU factorization with partial pivoting of each matrix of a [..., n, n] float array,
 * P·A = L·U (LAPACK's getrf).
 */
export interface LuFactors {
  /** L (unit lower, stored below the diagonal) and U (on and above it), packed; A's shape and dtype. */
  readonly lu: NDArray;
  /** int32 [..., n]: at step i, row i was swapped with row pivots[i] (0-based). */
  readonly pivots: NDArray;
  /** int32 [...]: 0, or k + 1 where U[k, k] is the first exact zero pivot (the matrix is singular). */
  readonly info: NDArray;
}

/** The lower Cholesky factor of each matrix of a [..., n, n] float array (LAPACK's potrf). */
export interface CholeskyFactor {
  /** L with A = L·Lᵀ, zeros above the diagonal; A's shape and dtype. */
  readonly l: NDArray;
  /** int32 [...]: 0, or k + 1 where the leading minor of order k + 1 is not positive-definite. */
  readonly info: NDArray;
}

/**
 * The kernels every backend provides, all of them. The frontend (the NDArray functions) validates
 * arguments, promotes dtypes and broadcasts shapes; a backend only computes. Inputs may be any
 * strided view (broadcast dimensions have stride 0). Unless `out` is given, results are new
 * contiguous arrays.
 *
 * The pure-TypeScript backend (`jsBackend`) implements all of it and is the reference. A faster
 * backend implements any subset and gets the rest from the reference through `composeBackend`.
 */
export interface Backend {
  readonly name: string;
  /** out[i] = op(x[i]), computed in float64 and stored as `outDtype`. */
  unary(op: UnaryOp, x: NDArray, outDtype: DType, out?: NDArray): NDArray;
  /** out[i] = op(a[i], b[i]); `a` and `b` already have the output's shape (stride 0 where broadcast). */
  binary(op: BinaryOp, a: NDArray, b: NDArray, outDtype: DType, out?: NDArray): NDArray;
  /** bool out[i] = a[i] op b[i]; same shape rules as `binary` (into `out` when given: contiguous bool). */
  compare(op: CompareOp, a: NDArray, b: NDArray, out?: NDArray): NDArray;
  /** out[i] = cond[i] ? a[i] : b[i]; all three already have the output's shape (into `out` when given). */
  where(cond: NDArray, a: NDArray, b: NDArray, outDtype: DType, out?: NDArray): NDArray;
  /** out[i] = min(max(x[i], lo), hi) (into `out` when given). */
  clamp(x: NDArray, lo: number, hi: number, outDtype: DType, out?: NDArray): NDArray;
  /**
   * Reduces over `axes` (sorted, distinct, non-empty or all); the result drops those axes. Written
   * into `out` when given (contiguous, of that shape and `outDtype`, not overlapping x).
   */
  reduce(op: ReduceOp, x: NDArray, axes: readonly number[], outDtype: DType, out?: NDArray): NDArray;
  /** Index of the first max (min) along `axis`; the result drops that axis. */
  argReduce(op: ArgReduceOp, x: NDArray, axis: number): NDArray;
  /**
   * The running reduction along `axis` (from its last element back when `reverse`): out has x's
   * shape, out[..., i, ...] = op over x[..., 0..i, ...]. Accumulated in float64, each element stored
   * as `outDtype`.
   */
  scan(op: ScanOp, x: NDArray, axis: number, reverse: boolean, outDtype: DType): NDArray;
  /**
   * The stable sorting permutation along `axis` (ascending, or descending when asked; NaN counts as
   * the largest value, ties keep their order): int32 positions along `axis`, x's shape.
   */
  argsort(x: NDArray, axis: number, descending: boolean): NDArray;
  /**
   * Batched matrix product: a is [...batch, m, k], b is [...batch, k, n] with identical batch shapes
   * (stride 0 where broadcast), any strides (transposed views need no copy). Result [...batch, m, n]:
   * written into `out` when given (contiguous, of that shape and `outDtype`, not overlapping a or b).
   */
  matmul(a: NDArray, b: NDArray, outDtype: DType, out?: NDArray): NDArray;
  /** Copies any view into a new contiguous array (or into `out`: contiguous, x's shape), converting to `dtype`. */
  copy(x: NDArray, dtype: DType, out?: NDArray): NDArray;
  /** Writes `src` (already of `dst`'s shape, stride 0 where broadcast) into the view `dst`. */
  assign(dst: NDArray, src: NDArray): void;
  /**
   * out[..., i, ...] = x[..., index[i], ...] along `axis`; `index` is int32 of any shape (flattened).
   * Written into `out` when given (contiguous, x's dtype, not overlapping x).
   */
  indexSelect(x: NDArray, axis: number, index: NDArray, out?: NDArray): NDArray;
  /**
   * torch.gather: out[i][j][k] = x[i][index[i][j][k]][k] along `axis`; out has index's shape (and is
   * written into `out` when given: contiguous, x's dtype, not overlapping x).
   */
  gather(x: NDArray, axis: number, index: NDArray, out?: NDArray): NDArray;
  /** The inverse of gather: adds src into a zero tensor of `shape` at `index` along `axis`. */
  scatterAdd(shape: readonly number[], axis: number, index: NDArray, src: NDArray): NDArray;
  /**
   * torch.scatter / scatter_reduce: a copy of x where src[..i..] lands at index[..i..] along `axis`
   * (index and src of one shape), replacing or reduced (`includeSelf`: x's value takes part).
   */
  scatter(x: NDArray, axis: number, index: NDArray, src: NDArray, reduce: ScatterReduce, includeSelf: boolean): NDArray;
  /**
   * y ← y + α·x in place, x of y's shape: the product rounded to y's dtype, then the sum (what
   * `binary('add', y, binary('mul', x, α))` gives, as `composedAddScaledInPlace` computes it).
   */
  addScaledInPlace(y: NDArray, x: NDArray, alpha: number): void;
  /**
   * One Adam step in place, on contiguous float arrays of one shape and dtype, none overlapping
   * another: m ← m·β₁ + g·(1 − β₁), v ← v·β₂ + (g·g)·(1 − β₂); with `vmax` (AMSGrad) vmax ←
   * max(vmax, v), read instead of v; p ← p + (m / (√v / bc + ε))·step, where [bc, step] are the two
   * elements of `coefficients` (of the dtype: √(1 − β₂ᵗ) and −η/(1 − β₁ᵗ)). Every product, sum,
   * quotient, root and maximum rounded to the dtype in that order: the bits of the unfused ops.
   */
  adamUpdate(...args: [...AdamArrays, constants: AdamConstants]): void;
  /**
   * g·f′ of an activation (see `activationGrad`): g and `saved` (the output y of sigmoid and tanh,
   * the input x of relu) of one shape and float dtype; a new contiguous result (or `out`: contiguous,
   * of g's shape and dtype) with the unfused ops' bits (those of `composedActivationGrad`).
   */
  activationGrad(op: ActivationGradOp, g: NDArray, saved: NDArray, out?: NDArray): NDArray;
  /**
   * The LSTM cell's pointwise part: gates [..., 4H] (i, f, g, o pre-activations) and c [..., H], of one
   * float dtype, to [7, ..., H] planes h', c', σ(i), σ(f), tanh(g), σ(o), tanh(c') (the rest are what
   * the backward reads), with the unfused ops' bits (see `fusedLstmCell`). Written into `out` when
   * given (contiguous, [7, ..., H] of c's dtype, not overlapping the operands). Where `hGates`
   * [..., 4H] is given (any layout), the pre-activations are gates + (hGates + bias), each sum
   * rounded as `binary('add')` rounds it (`bias` [4H], optional, added to every row; a bias without
   * hGates is a ShapeError): an LSTM layer's x·W_ihᵀ + b_ih and h·W_hhᵀ + b_hh added in the kernel
   * instead of in two passes.
   */
  fusedLstmCell(gates: NDArray, c: NDArray, out?: NDArray, hGates?: NDArray, bias?: NDArray): NDArray;
  /**
   * The gradients of the gates and c from `grad` [2, ..., H] (of h' and c'), `cell` (the forward's
   * planes) and c. Written into `into`'s arrays when given (each contiguous, of its result's shape
   * and c's dtype, not overlapping the operands). Where `gradNext` [2, ..., H] is given, the
   * gradient taken is grad + gradNext, rounded as `binary('add')` rounds it (a layer's gradient of
   * h' and c' from its output plus the one from the next time step).
   */
  fusedLstmCellBackward(
    grad: NDArray,
    cell: NDArray,
    c: NDArray,
    into?: LstmCellGrads,
    gradNext?: NDArray,
  ): LstmCellGrads;
  /**
   * The GRU cell's pointwise part: the input part xGates and hidden part hGates [..., 3H] (r, z, n)
   * and h [..., H], of one float dtype, to [4, ..., H] planes h', r, z, n, with the unfused ops' bits.
   * Written into `out` when given (contiguous, [4, ..., H] of h's dtype, not overlapping the operands).
   */
  fusedGruCell(xGates: NDArray, hGates: NDArray, h: NDArray, out?: NDArray): NDArray;
  /**
   * The gradients of both gate parts and h from `grad` [..., H] (of h'), `cell` (the forward's
   * planes), hGates and h. Written into `into`'s arrays when given (as fusedLstmCellBackward's).
   */
  fusedGruCellBackward(grad: NDArray, cell: NDArray, hGates: NDArray, h: NDArray, into?: GruCellGrads): GruCellGrads;
  /** LU with partial pivoting of each [..., n, n] matrix (computed in float64); singular ones reported in `info`. */
  luFactor(a: NDArray): LuFactors;
  /** X with A·X = B from `luFactor`'s `lu` and `pivots`; b is [..., n, k] with lu's batch shape. */
  luSolve(lu: NDArray, pivots: NDArray, b: NDArray): NDArray;
  /**
   * X with A·X = B for triangular A [..., n, n] (only the `upper` or lower triangle is read, not the
   * diagonal when `unitDiagonal`); b is [..., n, k] with a's batch shape.
   */
  triangularSolve(a: NDArray, b: NDArray, upper: boolean, unitDiagonal: boolean): NDArray;
  /** The lower Cholesky factor of each [..., n, n] matrix (its lower triangle read); failures in `info`. */
  cholesky(a: NDArray): CholeskyFactor;
  /**
   * im2col: x [N, C, H, W] (any strides) → [N, C·kh·kw, outH·outW], padValue outside the input;
   * written into `out` when given (contiguous, of that shape and x's dtype).
   */
  im2col(x: NDArray, geometry: ConvGeometry, padValue: number, out?: NDArray): NDArray;
  /** col2im, im2col's adjoint: [N, C·kh·kw, L] → [N, C, H, W], summing overlaps (into `out` when given). */
  col2im(
    cols: NDArray,
    geometry: ConvGeometry,
    channels: number,
    height: number,
    width: number,
    out?: NDArray,
  ): NDArray;
  /**
   * Max pooling's gradient: x [N, C, H, W] (any strides; windows read −∞ outside it), its window
   * maxima `out` and their gradient `g` [N, C, outH, outW] → [N, C, H, W]. Each window gives every tap
   * equal to its max g/#ties (the others g·0/#ties, NaN windows NaN), added back as col2im adds: the
   * bits of im2col, the max rule's one-axis gradient (autograd's extremum-grad.ts) and col2im.
   * Written into `into` when given (contiguous, of x's shape and dtype, not overlapping the operands;
   * named so because `out` already names the maxima).
   */
  maxPoolGrad(x: NDArray, out: NDArray, g: NDArray, geometry: ConvGeometry, into?: NDArray): NDArray;
  /**
   * Max pooling: float x [N, C, H, W] (any strides; windows read −∞ outside it) → each window's max,
   * [N, C, outH, outW], with the bits of im2col (−∞ padding) and a max over each window's taps (−0
   * ranks below +0, a NaN wins), without the columns. Written into `out` when given (contiguous, of
   * that shape and x's dtype).
   */
  maxPool(x: NDArray, geometry: ConvGeometry, out?: NDArray): NDArray;
}

/** The kernel methods of the contract (every member but `name`). */
export type KernelName = Exclude<keyof Backend, 'name'>;

let current: Backend | undefined;
let fallback: Backend | undefined;

/** The backend that runs kernels now. */
export function getBackend(): Backend {
  const b = current ?? fallback;
  if (b === undefined) throw new Error('chainrule: no backend registered (the tensor package did not load?)');
  return b;
}

/** Chooses the backend for all later ops, e.g. `setBackend(jsBackend)` to force the reference kernels. */
export function setBackend(backend: Backend): void {
  current = backend;
}

/** Registers the always-available reference backend (done once by the package). */
export function registerFallbackBackend(backend: Backend): void {
  fallback = backend;
}
