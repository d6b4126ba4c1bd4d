/**
 * Differentiable dense linear algebra on batches of square matrices, as torch.linalg: solve, inv,
 * det, slogdet, cholesky and solveTriangular. The kernels (LU with partial pivoting, triangular
 * solves, Cholesky) are the tensor package's; each rule is written with differentiable ops (these
 * same functions, matmul and elementwise ops), so gradients of gradients work.
 */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { fit } from '../coerce.js';
import { checkOperand } from '../operands.js';
import { NONE, op, records } from '../records.js';
import { add, mul } from './binary.js';
import { matmul } from './linalg.js';
import { mT, squeeze, unsqueeze } from './shape.js';
import { neg } from './unary.js';

/** solveTriangular's parameters on its node: A's triangle and whether its diagonal is ones. */
export interface TriangularParams {
  readonly upper: boolean;
  readonly unitriangular: boolean;
}

/** The batch shape of a [..., n, n] meta. */
const batchOf = (shape: readonly number[]): readonly number[] => shape.slice(0, -2);

/** g of shape [...] as [..., 1, 1], to scale a batch of matrices. */
const perMatrix = (g: Tensor): Tensor => unsqueeze(unsqueeze(g, g.ndim), g.ndim + 1);

export const DECOMP_OPS = records({
  // X = A⁻¹B: ∂B = A⁻ᵀ·G, ∂A = −∂B·Xᵀ
  solve: op({
    infer: ([a, b]) => ({ shape: b!.shape, dtype: a!.dtype }),
    forward: ([a, b]) => T.solve(a!, b!),
    uses: 'both',
    vjp: (g, { inputs: [a, b], output }) => {
      const gb = solve(mT(a!), g);
      return [a!.requiresGrad ? neg(matmul(gb, mT(output))) : null, b!.requiresGrad ? gb : null];
    },
    formula: {
      kind: 'vjp',
      show: (c) => `${c.inputs[0]}⁻¹·${c.inputs[1]}`,
      vjp: (c) => [`−(${c.inputs[0]}⁻ᵀ·G)·${c.out}ᵀ`, `${c.inputs[0]}⁻ᵀ·G`],
      scalar: { args: ['a', 'b'], out: 'b/a', d: ['-b/a^2', '1/a'] },
    },
  }),
  // X = A⁻¹: ∂A = −Xᵀ·G·Xᵀ
  inv: op({
    infer: ([a]) => a!,
    forward: ([a]) => T.inv(a!),
    uses: 'output',
    vjp: (g, { output }) => [neg(matmul(matmul(mT(output), g), mT(output)))],
    formula: {
      kind: 'vjp',
      show: (c) => `${c.inputs[0]}⁻¹`,
      vjp: (c) => [`−${c.out}ᵀ·G·${c.out}ᵀ`],
      scalar: { args: ['a'], out: '1/a', d: ['-1/a^2'] },
    },
  }),
  // d det A = det A · tr(A⁻¹ dA): ∂A = G·det A·A⁻ᵀ
  det: op({
    infer: ([a]) => ({ shape: batchOf(a!.shape), dtype: a!.dtype }),
    forward: ([a]) => T.det(a!),
    uses: 'both',
    vjp: (g, { inputs: [a], output }) => [mul(perMatrix(mul(g, output)), mT(inv(a!)))],
    formula: {
      kind: 'vjp',
      show: (c) => `det ${c.inputs[0]}`,
      vjp: (c) => [`G·${c.out}·${c.inputs[0]}⁻ᵀ`],
      scalar: { args: ['a'], out: 'a', d: ['1'] },
    },
  }),
  // d log|det A| = tr(A⁻¹ dA): ∂A = G·A⁻ᵀ (the record of slogdet's logabsdet; its sign is a constant)
  slogdet: op({
    infer: ([a]) => ({ shape: batchOf(a!.shape), dtype: a!.dtype }),
    forward: ([a]) => T.slogdet(a!).logabsdet,
    uses: 'inputs',
    vjp: (g, { inputs: [a] }) => [mul(perMatrix(g), mT(inv(a!)))],
    formula: {
      kind: 'vjp',
      show: (c) => `log|det ${c.inputs[0]}|`,
      vjp: (c) => [`G·${c.inputs[0]}⁻ᵀ`],
      scalar: { args: ['a'], out: 'log(abs(a))', d: ['1/a'] },
    },
  }),
  // A = L·Lᵀ (Murray 2016, PyTorch's form): ∂A = L⁻ᵀ·Φ(Lᵀ·G)·L⁻¹, Φ(P) = ½(tril(P) + tril(P, −1)ᵀ)
  cholesky: op({
    infer: ([a]) => a!,
    forward: ([a]) => T.cholesky(a!),
    uses: 'output',
    vjp: (g, { output: l }) => [choleskyBackward(g, l)],
    formula: {
      kind: 'vjp',
      show: (c) => `cholesky(${c.inputs[0]})`,
      vjp: (c) => [`${c.out}⁻ᵀ·Φ(${c.out}ᵀ·G)·${c.out}⁻¹, Φ(P) = ½(tril(P) + tril(P, −1)ᵀ)`],
      scalar: { args: ['a'], out: 'a^0.5', d: ['0.5/out'] },
    },
  }),
  // X = A⁻¹B for triangular A: ∂B = A⁻ᵀ·G, ∂A = −∂B·Xᵀ kept on A's triangle (strictly, if unitriangular)
  solveTriangular: op<TriangularParams>({
    infer: ([, b]) => b!,
    forward: ([a, b], p) => T.solveTriangular(a!, b!, { upper: p.upper, unitriangular: p.unitriangular }),
    uses: 'both',
    vjp: (g, { inputs: [a, b], output, params: p }) => {
      const gb = solveTriangular(mT(a!), g, { upper: !p.upper, unitriangular: p.unitriangular });
      const ga = a!.requiresGrad ? triangle(neg(matmul(gb, mT(output))), p.upper, p.unitriangular ? 1 : 0) : null;
      return [ga, b!.requiresGrad ? gb : null];
    },
    formula: {
      kind: 'vjp',
      show: (c) => `${c.inputs[0]}⁻¹·${c.inputs[1]} (${c.params.upper ? 'upper' : 'lower'} triangular)`,
      vjp: (c) => [`−(${c.inputs[0]}⁻ᵀ·G)·${c.out}ᵀ on ${c.inputs[0]}'s triangle`, `${c.inputs[0]}⁻ᵀ·G`],
      scalar: { args: ['a', 'b'], out: 'b/a', d: ['-b/a^2', '1/a'] },
    },
  }),
});

/** A 0/1 mask [n, n] of `dtype`: j ≥ i + offset (upper) or j ≤ i − offset (lower). */
function triangleMask(n: number, upper: boolean, offset: number, dtype: T.DType): Tensor {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) m[i * n + j] = (upper ? j - i >= offset : i - j >= offset) ? 1 : 0;
  const arr: NDArray = T.fromTypedArray(m, [n, n]);
  return new Tensor(dtype === 'float64' ? arr : T.getBackend().copy(arr, dtype));
}

/** x's upper or lower triangle (from the diagonal `offset` away), zeros elsewhere: a product with a constant mask. */
function triangle(x: Tensor, upper: boolean, offset: number): Tensor {
  return mul(x, triangleMask(x.shape[x.ndim - 1]!, upper, offset, x.dtype));
}

/** PyTorch's cholesky_backward for lower L: L⁻ᵀ·Φ(Lᵀ·G)·L⁻¹, with differentiable ops. */
function choleskyBackward(g: Tensor, l: Tensor): Tensor {
  const p = triangle(matmul(mT(l), g), false, 0);
  const phi = mul(add(p, mT(triangle(p, false, 1))), 0.5);
  const left = solveTriangular(mT(l), phi, { upper: true });
  return solveTriangular(l, left, { upper: false, left: false });
}

/**
 * X with A·X = B, as `torch.linalg.solve`: A [..., n, n], B [..., n, k] or a vector [..., n] (when B
 * is 1-D or has A's shape less its last dimension); batch dimensions broadcast, float32 and float64
 * promote. Differentiable in A and B to any order.
 * @throws RangeError `solve: the matrix is singular: U[1,1] is zero in its LU factorization (shape [2,2])`
 * @throws ShapeError `solve: A [2,2] and B [3] do not fit (B needs 2 rows, got 3)`
 * @example
 * ```ts
 * import { solve, tensor } from '@chainrule/autograd';
 * solve(tensor([[2, 0], [0, 4]]), tensor([2, 2])).toArray(); // [1, 0.5]
 * ```
 */
export function solve(a: Tensor, b: Tensor): Tensor {
  checkOperand('solve', a, 'A', false);
  checkOperand('solve', b, 'B', false);
  const s = T.solveShapes('solve', a.value, b.value);
  const dtype = T.promoteTypes(a.dtype, b.dtype);
  const B = fit(s.vector ? unsqueeze(b, b.ndim) : b, s.b, dtype);
  const x = apply(DECOMP_OPS.solve, [fit(a, s.a, dtype), B], NONE);
  return s.vector ? squeeze(x, x.ndim - 1) : x;
}

/**
 * The inverse of each matrix of a [..., n, n] float tensor, as `torch.linalg.inv`.
 * @throws RangeError `inv: the matrix is singular: U[1,1] is zero in its LU factorization (shape [2,2])`
 * @example
 * ```ts
 * import { inv, tensor } from '@chainrule/autograd';
 * inv(tensor([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 * ```
 */
export function inv(a: Tensor): Tensor {
  checkOperand('inv', a, 'the matrix', false);
  return apply(DECOMP_OPS.inv, [a], NONE);
}

/**
 * The determinant of each matrix of a [..., n, n] float tensor, as `torch.linalg.det`. Its gradient
 * needs A⁻¹: at a singular matrix backward throws inv's singular-matrix error.
 * @example
 * ```ts
 * import { det, tensor } from '@chainrule/autograd';
 * det(tensor([[1, 2], [3, 4]])).item(); // -2
 * ```
 */
export function det(a: Tensor): Tensor {
  checkOperand('det', a, 'the matrix', false);
  return apply(DECOMP_OPS.det, [a], NONE);
}

/**
 * The sign and log|det| of each matrix of a [..., n, n] float tensor, as `torch.linalg.slogdet`
 * (sign 0 and logabsdet −∞ for a singular matrix). `logabsdet` is differentiable (∂ = G·A⁻ᵀ);
 * `sign` is a constant.
 * @example
 * ```ts
 * import { slogdet, tensor } from '@chainrule/autograd';
 * const { sign, logabsdet } = slogdet(tensor([[1, 2], [3, 4]], { dtype: 'float64' }));
 * [sign.item(), logabsdet.item()]; // [-1, Math.log(2)]
 * ```
 */
export function slogdet(a: Tensor): { sign: Tensor; logabsdet: Tensor } {
  checkOperand('slogdet', a, 'the matrix', false);
  const sign = new Tensor(T.slogdet(a.value).sign);
  return { sign, logabsdet: apply(DECOMP_OPS.slogdet, [a], NONE) };
}

/**
 * The Cholesky factor of each symmetric positive-definite matrix of a [..., n, n] float tensor, as
 * `torch.linalg.cholesky`: lower L with A = L·Lᵀ (A's lower triangle is read), or with `upper`
 * its transpose. The gradient is PyTorch's (symmetric: for symmetric changes of A).
 * @throws RangeError `cholesky: the matrix is not positive-definite: its leading minor of order 2 is not
 *   (shape [2,2])`
 * @example
 * ```ts
 * import { cholesky, tensor } from '@chainrule/autograd';
 * cholesky(tensor([[4, 2], [2, 2]])).toArray(); // [[2, 0], [1, 1]]
 * ```
 */
export function cholesky(a: Tensor, upper = false): Tensor {
  checkOperand('cholesky', a, 'the matrix', false);
  const l = apply(DECOMP_OPS.cholesky, [a], NONE);
  return upper ? mT(l) : l;
}

/**
 * X with A·X = B (or X·A = B when `left` is false) for triangular A, as
 * `torch.linalg.solve_triangular`: only A's `upper` or lower triangle is read (not its diagonal
 * when `unitriangular`); batch dimensions broadcast. A zero on the diagonal is not checked (as in
 * PyTorch: infinities or NaN).
 * @throws ShapeError `solveTriangular: B must be a matrix [..., n, k], got [3]`
 * @example
 * ```ts
 * import { solveTriangular, tensor } from '@chainrule/autograd';
 * solveTriangular(tensor([[2, 0], [1, 1]]), tensor([[2], [3]]), { upper: false }).toArray(); // [[1], [2]]
 * ```
 */
export function solveTriangular(a: Tensor, b: Tensor, options: T.SolveTriangularOptions): Tensor {
  checkOperand('solveTriangular', a, 'A', false);
  checkOperand('solveTriangular', b, 'B', false);
  const left = options.left ?? true;
  const s = T.solveTriangularShapes(a.value, b.value, left);
  const params = { upper: options.upper, unitriangular: options.unitriangular ?? false };
  const A = fit(a, s.a, s.dtype),
    B = fit(b, s.b, s.dtype);
  if (left) return apply(DECOMP_OPS.solveTriangular, [A, B], params);
  // X·A = B ⇔ Aᵀ·Xᵀ = Bᵀ, with Aᵀ triangular the other way
  return mT(apply(DECOMP_OPS.solveTriangular, [mT(A), mT(B)], { ...params, upper: !params.upper }));
}

/** The method forms of this family's functions (torch's `x.det()`, `x.inverse()` is `x.inv()` here). */
export const DECOMP_METHODS = { det, inv, cholesky };
