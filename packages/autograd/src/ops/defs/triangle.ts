/**
 * Matrix structure: the triangles (tril, triu) and diagonals (diagonal, diag), over the last two
 * axes of a batch of matrices. Each record's gradient is the same structure applied to G (the
 * triangles are masks; a diagonal and writing onto a diagonal of zeros are each other's adjoints).
 */
import * as T from '@chainrule/tensor';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { checkOperand } from '../operands.js';
import type { FormulaContext } from '../formula.js';
import { op, records, sameAsInput } from '../records.js';
import { permute } from './shape.js';

type TriangleParams = { diagonal: number };
type DiagonalParams = { offset: number };
const ONE = { args: ['x'], out: 'x', d: ['1'] } as const;
const where = (c: FormulaContext<DiagonalParams>): string => `diagonal ${c.params.offset} of the last two axes`;

/** tril or triu: a mask of the matrix; its gradient is the same mask of G. */
function triangleRecord(name: 'tril' | 'triu') {
  const kept = name === 'tril' ? 'column − row ≤' : 'column − row ≥';
  return op<TriangleParams>({
    infer: sameAsInput,
    forward: ([x], p) => T[name](x!, p.diagonal),
    uses: 'none',
    vjp: (g, { params: p }) => [triangle(name, g, p.diagonal)],
    formula: {
      kind: 'vjp',
      show: (c) => `${name}(${c.inputs[0]}, ${c.params.diagonal})`,
      vjp: (c) => [`${name}(G, ${c.params.diagonal}): G where ${kept} ${c.params.diagonal}, else 0`],
      scalar: ONE,
    },
  });
}

export const TRIANGLE_OPS = records({
  // d tril(x, k) = tril(G, k): 1 where column − row ≤ k, else 0
  tril: triangleRecord('tril'),
  // d triu(x, k) = triu(G, k): 1 where column − row ≥ k, else 0
  triu: triangleRecord('triu'),
  // d diagonal = G written on the same diagonal of zeros
  diagonal: op<DiagonalParams>({
    infer: ([x], p) => ({ shape: T.diagonalShape(x!.shape, p.offset), dtype: x!.dtype }),
    forward: ([x], p) => T.diagonal(x!, p.offset),
    uses: 'none',
    view: true,
    vjp: (g, { inputs: [x], params: p }) => [diagonalBackward(g, x!.shape, p.offset)],
    formula: {
      kind: 'vjp',
      show: (c) => `diagonal(${c.inputs[0]}, ${c.params.offset})`,
      vjp: (c) => [`G written on ${where(c)} of zeros ${T.fmtShape(c.inputShapes[0]!)}`],
      scalar: ONE,
    },
  }),
  // d (x written on a diagonal of zeros) = that diagonal of G
  diagonalBackward: op<DiagonalParams & { shape: number[] }>({
    infer: ([x], p) => ({ shape: p.shape, dtype: x!.dtype }),
    forward: ([x], p) => T.placeDiagonal(x!, p.shape, p.offset),
    uses: 'none',
    vjp: (g, { params: p }) => [lastDiagonal(g, p.offset)],
    formula: {
      kind: 'vjp',
      show: (c) => `zeros ${T.fmtShape(c.params.shape)} with ${c.inputs[0]} on ${where(c)}`,
      vjp: (c) => [`G's ${where(c)}`],
      scalar: ONE,
    },
  }),
});

/** The tril or triu record (also its own gradient). */
function triangle(name: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  return apply(TRIANGLE_OPS[name], [x], { diagonal });
}

/** The diagonal record over the last two axes (also diagonalBackward's gradient). */
function lastDiagonal(x: Tensor, offset: number): Tensor {
  return apply(TRIANGLE_OPS.diagonal, [x], { offset });
}

/** Zeros of `shape` with g on the `offset`-th diagonal of each matrix (diagonal's gradient). */
function diagonalBackward(g: Tensor, shape: readonly number[], offset: number): Tensor {
  return apply(TRIANGLE_OPS.diagonalBackward, [g], { shape: [...shape], offset });
}

/** Checks that x is a Tensor with the two matrix axes (the tensor package's message) and an integer offset. */
function checkMatrix(op: string, x: Tensor, offset: number): void {
  checkOperand(op, x, 'its input', false);
  if (x.ndim < 2)
    throw new T.ShapeError(
      op,
      `expected a matrix or a batch of matrices (at least 2 dimensions), got shape ${T.fmtShape(x.shape)}`,
    );
  if (!Number.isInteger(offset)) throw new T.ShapeError(op, `the diagonal offset must be an integer, got ${offset}`);
}

/**
 * The lower triangle of each matrix (the last two axes), as `torch.tril(x, diagonal)`: elements
 * with column − row ≤ `diagonal` are kept, the others are 0. The gradient is tril of G.
 * @example
 * ```ts
 * import { tensor, tril } from '@chainrule/autograd';
 * tril(tensor([[1, 2, 3], [4, 5, 6]])).toArray(); // [[1, 0, 0], [4, 5, 0]]
 * ```
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  checkMatrix('tril', x, diagonal);
  return triangle('tril', x, diagonal);
}

/**
 * The upper triangle of each matrix (the last two axes), as `torch.triu(x, diagonal)`: elements
 * with column − row ≥ `diagonal` are kept, the others are 0. The gradient is triu of G.
 * @example
 * ```ts
 * import { tensor, triu } from '@chainrule/autograd';
 * triu(tensor([[1, 2, 3], [4, 5, 6]]), 1).toArray(); // [[0, 2, 3], [0, 0, 6]]
 * ```
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  checkMatrix('triu', x, diagonal);
  return triangle('triu', x, diagonal);
}

/**
 * The `offset`-th diagonal of the matrices formed by axes `axis1` and `axis2`, as
 * `torch.diagonal(x, offset, dim1, dim2)`: those axes are removed and the diagonal is appended
 * last (a view). offset > 0 is above the main diagonal, < 0 below.
 * @example
 * ```ts
 * import { diagonal, tensor } from '@chainrule/autograd';
 * diagonal(tensor([[1, 2, 3], [4, 5, 6]]), 1).toArray(); // [2, 6]
 * ```
 */
export function diagonal(x: Tensor, offset = 0, axis1 = 0, axis2 = 1): Tensor {
  checkMatrix('diagonal', x, offset);
  const a = T.normalizeAxis('diagonal', axis1, x.ndim),
    b = T.normalizeAxis('diagonal', axis2, x.ndim);
  if (a === b) throw new T.ShapeError('diagonal', `axis1 and axis2 must differ, both are ${a}`);
  const rest = x.shape.map((_, i) => i).filter((i) => i !== a && i !== b);
  return lastDiagonal(permute(x, [...rest, a, b]), offset);
}

/**
 * `torch.diag(x, diagonal)`: a 1-D `x` of length n gives the (n + |k|)-square matrix with `x` on
 * its k-th diagonal and zeros elsewhere; a matrix gives its k-th diagonal (1-D, a view).
 * @throws ShapeError `diag: expected a 1-D or 2-D input, got shape [2,2,2]`
 * @example
 * ```ts
 * import { diag, tensor } from '@chainrule/autograd';
 * diag(tensor([1, 2]), 1).toArray(); // [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
 * diag(tensor([[1, 2], [3, 4]])).toArray(); // [1, 4]
 * ```
 */
export function diag(x: Tensor, diagonal = 0): Tensor {
  checkOperand('diag', x, 'its input', false);
  if (x.ndim !== 1 && x.ndim !== 2)
    throw new T.ShapeError('diag', `expected a 1-D or 2-D input, got shape ${T.fmtShape(x.shape)}`);
  if (!Number.isInteger(diagonal))
    throw new T.ShapeError('diag', `the diagonal offset must be an integer, got ${diagonal}`);
  if (x.ndim === 2) return lastDiagonal(x, diagonal);
  const n = x.shape[0]! + Math.abs(diagonal);
  return diagonalBackward(x, [n, n], diagonal);
}

/** The method forms of this family's functions. */
export const TRIANGLE_METHODS = { tril, triu, diagonal, diag };
