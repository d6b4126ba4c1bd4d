/**
 * Contractions as composites of recorded ops (no records of their own, so their gradients, and
 * gradients of those, come from the ops they are made of): `einsum`, as torch.einsum, and `outer`.
 * einsum takes diagonals (repeated subscripts) with a product by an identity mask and a sum, sums
 * away subscripts used once, and contracts the operands left to right, each pair as one batched
 * matmul of permuted, reshaped views.
 */
import * as T from '@chainrule/tensor';
import { Tensor } from '../../tensor.js';
import { type Label, parseEinsum } from '../einsum-spec.js';
import { checkOperand } from '../operands.js';
import { mul } from './binary.js';
import { cast } from './cast.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { expand, permute, reshape, unsqueeze } from './shape.js';

/** A tensor and the label of each of its axes. */
interface Term {
  readonly t: Tensor;
  readonly labels: readonly Label[];
}

/** The identity [n, n] placed on axes p and q of a rank-`ndim` shape (1 elsewhere), as `dtype`. */
function identityMask(n: number, p: number, q: number, ndim: number, dtype: T.DType): Tensor {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  const shape = Array.from({ length: ndim }, (_, i) => (i === p || i === q ? n : 1));
  const arr = T.fromTypedArray(m, shape);
  return new Tensor(dtype === 'float64' ? arr : T.getBackend().copy(arr, dtype));
}

/** Takes the diagonal of every repeated label: x·I on its two axes, summed over the second. */
function diagonals(term: Term): Term {
  let { t, labels } = term;
  for (let q = labels.length - 1; q >= 0; q--) {
    const p = labels.indexOf(labels[q]!);
    if (p === q) continue;
    t = sum(mul(t, identityMask(t.shape[p]!, p, q, t.ndim, t.dtype)), q);
    labels = labels.filter((_, i) => i !== q);
  }
  return { t, labels };
}

/** Sums the axes whose labels are not in `keep`. */
function sumAway(term: Term, keep: ReadonlySet<Label>): Term {
  const axes = term.labels.flatMap((l, i) => (keep.has(l) ? [] : [i]));
  if (axes.length === 0) return term;
  return { t: sum(term.t, axes), labels: term.labels.filter((l) => keep.has(l)) };
}

/** `term` with its axes in `order` (labels), each of its label's full size (size-1 axes expanded). */
function arrange(term: Term, order: readonly Label[], sizes: ReadonlyMap<Label, number>): Tensor {
  const t = permute(
    term.t,
    order.map((l) => term.labels.indexOf(l)),
  );
  const full = order.map((l) => sizes.get(l)!);
  return T.shapesEqual(full, t.shape) ? t : expand(t, full);
}

const product = (labels: readonly Label[], sizes: ReadonlyMap<Label, number>): number =>
  labels.reduce((p, l) => p * sizes.get(l)!, 1);

/** Contracts two terms, keeping the labels in `keep`: one batched matmul [B, M, K]·[B, K, N]. */
function contract(a: Term, b: Term, keep: ReadonlySet<Label>, sizes: ReadonlyMap<Label, number>): Term {
  const inB = new Set(b.labels);
  const shared = a.labels.filter((l) => inB.has(l));
  const batch = shared.filter((l) => keep.has(l));
  const summed = shared.filter((l) => !keep.has(l));
  const aOnly = a.labels.filter((l) => !inB.has(l));
  const bOnly = b.labels.filter((l) => !a.labels.includes(l));
  const bs = product(batch, sizes),
    m = product(aOnly, sizes),
    k = product(summed, sizes),
    n = product(bOnly, sizes);
  const A = reshape(arrange(a, [...batch, ...aOnly, ...summed], sizes), [bs, m, k]);
  const B = reshape(arrange(b, [...batch, ...summed, ...bOnly], sizes), [bs, k, n]);
  const labels = [...batch, ...aOnly, ...bOnly];
  return {
    t: reshape(
      matmul(A, B),
      labels.map((l) => sizes.get(l)!),
    ),
    labels,
  };
}

/**
 * Einstein summation, as `torch.einsum`: `'ij,jk->ik'` (explicit output) or `'ij,jk'` (implicit:
 * the subscripts used once, in alphabetical order), a repeated subscript within an operand for its
 * diagonal (`'ii->i'`, trace `'ii'`), `...` for broadcast batch axes (`'...ij,...jk->...ik'`), and
 * size-1 axes broadcast against their subscript's size. Operands contract left to right. Operands
 * must be float; float32 and float64 promote. Differentiable to any order.
 * @throws RangeError `einsum: output subscript 'k' appears in no operand`
 * @throws ShapeError `einsum: subscript 'j' has size 3 in operand 0 and 4 in operand 1 [4,2]`
 * @example
 * ```ts
 * import { einsum, tensor } from '@chainrule/autograd';
 * einsum('ij,jk->ik', tensor([[1, 2]]), tensor([[3], [4]])).toArray(); // [[11]]
 * einsum('ii', tensor([[1, 2], [3, 4]])).item(); // 5
 * ```
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  for (const [i, x] of operands.entries()) checkOperand('einsum', x, `operand ${i}`, false);
  const bad = operands.find((x) => !T.isFloat(x.dtype));
  if (bad !== undefined) {
    const dtypes = operands.map((x) => x.dtype).join(', ');
    throw new T.DTypeError('einsum', `expected float32 or float64 operands, got ${dtypes}`);
  }
  const spec = parseEinsum(
    equation,
    operands.map((x) => x.shape),
  );
  const dtype = operands.some((x) => x.dtype === 'float64') ? 'float64' : 'float32';
  const terms = operands.map((x, i) =>
    diagonals({ t: x.dtype === dtype ? x : cast(x, dtype), labels: spec.inputs[i]! }),
  );
  const out = new Set(spec.output);
  /** The labels still needed after term i: the output's and those of the terms after it. */
  const keepAfter = (i: number): Set<Label> => new Set([...out, ...terms.slice(i + 1).flatMap((s) => s.labels)]);
  let acc = sumAway(terms[0]!, keepAfter(0));
  for (let i = 1; i < terms.length; i++) {
    const keep = keepAfter(i);
    acc = contract(acc, sumAway(terms[i]!, new Set([...keep, ...acc.labels])), keep, spec.sizes);
  }
  return arrange(acc, spec.output, spec.sizes);
}

/**
 * The outer product of two vectors, as `torch.outer`: out[i, j] = a[i]·b[j] (dtypes promote as mul's).
 * @throws ShapeError `outer: expected two 1-D tensors, got [2,2] and [3]`
 * @example
 * ```ts
 * import { outer, tensor } from '@chainrule/autograd';
 * outer(tensor([1, 2]), tensor([3, 4, 5])).toArray(); // [[3, 4, 5], [6, 8, 10]]
 * ```
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkOperand('outer', a, 'the first operand', false);
  checkOperand('outer', b, 'the second operand', false);
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new T.ShapeError('outer', `expected two 1-D tensors, got ${T.fmtShape(a.shape)} and ${T.fmtShape(b.shape)}`);
  }
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

/** The method forms of this family's functions. */
export const EINSUM_METHODS = { outer };
