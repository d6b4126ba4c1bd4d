/** Matrix products: matmul (NumPy semantics, batched) and the fused fully connected op, linear. */
import * as T from '@chainrule/tensor';
import { type DType, type NDArray, isFloat, promoteTypes } from '@chainrule/tensor';
import { AutogradError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { leadingSize, linearForward } from '../linear.js';
import { NONE, op, records } from '../records.js';
import { fit } from '../coerce.js';
import { checkOperand } from '../operands.js';
import { cast } from './cast.js';
import { mT, reshape, squeeze, unsqueeze } from './shape.js';

/** Whether the last two axes of x are a transpose of a row-major matrix (strides [1, rows]), like mT(W). */
function transposedLayout(x: NDArray): boolean {
  const nd = x.ndim;
  if (nd < 2) return false;
  const rows = x.shape[nd - 2]!,
    cols = x.shape[nd - 1]!;
  return rows > 1 && cols > 1 && x.strides[nd - 2] === 1 && x.strides[nd - 1] === rows;
}

export const LINALG_OPS = records({
  // d(AB) = dA·B + A·dB: ∂A = G·Bᵀ, ∂B = Aᵀ·G. An operand that is a transposed view (nn's x·Wᵀ)
  // gets its gradient as the transpose of a contiguous product, ∂B = (Gᵀ·A)ᵀ, so that it arrives
  // at the leaf in the leaf's own layout (same sums over the same index, no strided copy later).
  matmul: op({
    infer: ([a, b]) => ({ shape: [...a!.shape.slice(0, -1), b!.shape[b!.shape.length - 1]!], dtype: a!.dtype }),
    forward: (inputs) => T.matmul(inputs[0]!, inputs[1]!),
    uses: 'inputs',
    vjp: (g, { inputs: [a, b] }) => [
      a!.requiresGrad ? (transposedLayout(a!.value) ? mT(matmul(b!, mT(g))) : matmul(g, mT(b!))) : null,
      b!.requiresGrad ? (transposedLayout(b!.value) ? mT(matmul(mT(g), a!)) : matmul(mT(a!), g)) : null,
    ],
    formula: {
      kind: 'vjp',
      show: (c) => `${c.inputs[0]} @ ${c.inputs[1]}`,
      // with the shapes of the matrix form: ∂A = G·Bᵀ  [m,k] = [m,n]·[n,k]
      vjp: (c) => {
        const [sa, sb] = [c.inputShapes[0]!.slice(-2), c.inputShapes[1]!.slice(-2)];
        const so = c.outShape.slice(-2);
        return [
          `G·${c.inputs[1]}ᵀ   ${T.fmtShape(sa)} = ${T.fmtShape(so)}·${T.fmtShape([...sb].reverse())}`,
          `${c.inputs[0]}ᵀ·G   ${T.fmtShape(sb)} = ${T.fmtShape([...sa].reverse())}·${T.fmtShape(so)}`,
        ];
      },
      scalar: { args: ['a', 'b'], out: 'a·b', d: ['b', 'a'] },
    },
  }),
  // d(x·Wᵀ + b) = (G·W, Gᵀ·x, Σ G over the leading axes), each only where its input requires grad
  linear: op({
    infer: ([x, w]) => ({ shape: [...x!.shape.slice(0, -1), w!.shape[0]!], dtype: x!.dtype }),
    forward: linearForward,
    uses: 'inputs',
    vjp: (g, { inputs }) => linearBackward(g, inputs),
    formula: {
      kind: 'vjp',
      show: (c) => `${c.inputs[0]} @ ${c.inputs[1]}ᵀ${c.inputs.length > 2 ? ` + ${c.inputs[2]}` : ''}`,
      vjp: (c) => {
        const rows = c.inputShapes[0]!.length > 2 ? ' (leading axes flattened)' : '';
        const [sx, sw] = [c.inputShapes[0]!, c.inputShapes[1]!];
        const n = sx.slice(0, -1).reduce((p, d) => p * d, 1);
        const [out, inp] = [sw[0]!, sw[1]!];
        const grads = [
          `G·${c.inputs[1]}   ${T.fmtShape([n, inp])} = ${T.fmtShape([n, out])}·${T.fmtShape([out, inp])}`,
          `Gᵀ·${c.inputs[0]}${rows}   ${T.fmtShape([out, inp])} = ${T.fmtShape([out, n])}·${T.fmtShape([n, inp])}`,
        ];
        return c.inputs.length > 2 ? [...grads, 'Σ of G over the leading axes'] : grads;
      },
      scalar: { args: ['x', 'W', 'b'], out: 'x·W + b', d: ['W', 'x', '1'] },
    },
  }),
});

/**
 * The gradients of y = x·Wᵀ + b, each only where its input requires grad, written with
 * differentiable ops (so gradients of gradients work). G is flattened to rows like x.
 */
function linearBackward(g: Tensor, inputs: readonly Tensor[]): (Tensor | null)[] {
  const x = inputs[0]!,
    w = inputs[1]!,
    b = inputs[2];
  const nIn = w.shape[1]!,
    nOut = w.shape[0]!;
  const m = leadingSize(x.shape);
  const g2 = x.ndim === 2 ? g : reshape(g, [m, nOut]);
  // ∂x = G·W (rows of G times W, back to x's shape)
  const dx = x.requiresGrad ? reshape(matmul(g2, w), x.shape) : null;
  // ∂W = Gᵀ·x (summed over all rows, i.e. every leading index)
  const dw = w.requiresGrad ? matmul(mT(g2), x.ndim === 2 ? x : reshape(x, [m, nIn])) : null;
  if (b === undefined) return [dx, dw];
  // ∂b = Σ G over the leading axes (sum is a method: the reductions sit above this family)
  const db = b.requiresGrad ? (g.ndim === 1 ? g : g.sum(g.shape.slice(0, -1).map((_, i) => i))) : null;
  return [dx, dw, db];
}

/**
 * Matrix product with NumPy's semantics (1-D operands, broadcast batch dimensions). The batch
 * broadcast is an explicit expand, so its gradient is summed back there. Operands must be float
 * (float32 and float64 mix, promoted), as in the tensor package.
 * @throws ShapeError `matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)`
 * @throws DTypeError `matmul: expected float32 or float64 operands, got float32 and int32`
 * @example
 * ```ts
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray(); // [[11]]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkOperand('matmul', a, 'the first operand', false);
  checkOperand('matmul', b, 'the second operand', false);
  const batch = matmulBatch(a, b);
  // the common case first: two matrices of one dtype need no batch broadcast, cast or reshape
  if (a.ndim === 2 && b.ndim === 2 && a.dtype === b.dtype) return apply(LINALG_OPS.matmul, [a, b], NONE);
  // a vector becomes a row or column; one that records no op keeps its name, so the teaching
  // tools show the user's vector rather than a nameless reshape of it
  const A = a.ndim === 1 ? keepName(a, unsqueeze(a, 0)) : a;
  const B = b.ndim === 1 ? keepName(b, unsqueeze(b, 1)) : b;
  const m = A.shape[A.ndim - 2]!,
    k = A.shape[A.ndim - 1]!,
    n = B.shape[B.ndim - 1]!;
  const dtype = promoteTypes(a.dtype, b.dtype);
  let out = apply(LINALG_OPS.matmul, [fit(A, [...batch, m, k], dtype), fit(B, [...batch, k, n], dtype)], NONE);
  if (a.ndim === 1) out = squeeze(out, out.ndim - 2);
  if (b.ndim === 1) out = squeeze(out, out.ndim - 1);
  return out;
}

function keepName(from: Tensor, to: Tensor): Tensor {
  if (to.node === null && to.name === undefined && from.name !== undefined) to.name = from.name;
  return to;
}

/**
 * The broadcast batch dimensions of matmul(a, b). Operands the tensor package refuses (0-d, not
 * float, inner sizes that differ, batch dimensions that do not broadcast) are refused with its own
 * error before anything is recorded, so autograd accepts exactly what the tensor package accepts.
 */
function matmulBatch(a: Tensor, b: Tensor): readonly number[] {
  if (
    a.ndim > 0 &&
    b.ndim > 0 &&
    isFloat(a.dtype) &&
    isFloat(b.dtype) &&
    a.shape[a.ndim - 1] === b.shape[Math.max(b.ndim - 2, 0)]
  ) {
    const batchA = a.shape.slice(0, -2),
      batchB = b.shape.slice(0, -2);
    if (batchA.length === 0) return batchB;
    if (batchB.length === 0) return batchA;
    try {
      return T.broadcastShapes('matmul', batchA, batchB);
    } catch {
      // the tensor package words this error with both full shapes
    }
  }
  T.matmul(a.value, b.value); // throws the tensor package's error (its checks run before any product)
  throw new AutogradError('matmul', `internal: shapes ${T.fmtShape(a.shape)} and ${T.fmtShape(b.shape)} were refused`);
}

/**
 * A fully connected layer's map, as PyTorch's `F.linear`: y = x·Wᵀ + b, with x [..., in] (any
 * leading dimensions, or none), W [out, in] and b [out] (or null): y is [..., out]. One recorded
 * op: the product runs on W's transposed view (no copy) and b is added into it in place.
 * Operands must be float, as matmul's; float32 and float64 promote (a cast node where they differ).
 * @throws ShapeError `linear: input [2,3] and weight [4,5] do not match (3 != 5)`
 * @throws DTypeError `linear: expected float32 or float64 operands, got float32 and int32`
 * @example
 * ```ts
 * import { linear, tensor } from '@chainrule/autograd';
 * linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 0, 1])).toArray(); // [[1, 2, 4]]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkLinear(x, weight, bias);
  const dtype = linearDtype(x, weight, bias);
  // the common case first: operands of one float dtype need no cast
  if (x.dtype === dtype && weight.dtype === dtype && (bias === null || bias.dtype === dtype)) {
    return apply(LINALG_OPS.linear, bias === null ? [x, weight] : [x, weight, bias], NONE);
  }
  const inputs = [cast(x, dtype), cast(weight, dtype)];
  if (bias !== null) inputs.push(cast(bias, dtype));
  return apply(LINALG_OPS.linear, inputs, NONE);
}

/** Validates linear's shapes before anything runs (so a failed call records nothing). */
function checkLinear(x: Tensor, weight: Tensor, bias: Tensor | null): void {
  checkOperand('linear', x, 'the input', false);
  checkOperand('linear', weight, 'the weight', false);
  if (bias !== null) checkOperand('linear', bias, 'the bias (or null)', false);
  if (weight.ndim !== 2)
    throw new T.ShapeError('linear', `weight must be 2-D [out, in], got ${T.fmtShape(weight.shape)}`);
  if (x.ndim === 0)
    throw new T.ShapeError('linear', `input must have at least 1 dimension [..., in], got ${T.fmtShape(x.shape)}`);
  const k = x.shape[x.ndim - 1]!,
    kw = weight.shape[1]!;
  if (k !== kw)
    throw new T.ShapeError(
      'linear',
      `input ${T.fmtShape(x.shape)} and weight ${T.fmtShape(weight.shape)} do not match (${k} != ${kw})`,
    );
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new T.ShapeError(
      'linear',
      `bias must have shape [${weight.shape[0]}] for weight ${T.fmtShape(weight.shape)}, got ${T.fmtShape(bias.shape)}`,
    );
  }
}

/** The common dtype of linear's operands (matmul's and add's promotion); each must be a float, as matmul's. */
function linearDtype(x: Tensor, weight: Tensor, bias: Tensor | null): DType {
  if (!isFloat(x.dtype) || !isFloat(weight.dtype) || (bias !== null && !isFloat(bias.dtype))) {
    const names = bias === null ? `${x.dtype} and ${weight.dtype}` : `${x.dtype}, ${weight.dtype} and ${bias.dtype}`;
    throw new T.DTypeError('linear', `expected float32 or float64 operands, got ${names}`);
  }
  let dtype = x.dtype === weight.dtype ? x.dtype : promoteTypes(x.dtype, weight.dtype);
  if (bias !== null && bias.dtype !== dtype) dtype = promoteTypes(dtype, bias.dtype);
  return dtype;
}

/** The method forms of this family's functions. */
export const LINALG_METHODS = { matmul };
