/**
 * Running reductions along one axis besides cumsum (which lives with the reductions): cumprod and
 * logcumsumexp, each a scan kernel (`Backend.scan`) and a rule written with differentiable ops.
 */
import * as T from '@chainrule/tensor';
import { type DType, type NDArray, isFloat } from '@chainrule/tensor';
import { isGradEnabled } from '../../grad-mode.js';
import { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { checkOperand } from '../operands.js';
import type { FormulaContext } from '../formula.js';
import { op, records } from '../records.js';
import { add, div, eq, gt, lt, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { REDUCE_OPS, sum } from './reduce.js';
import { expand, reshape, transpose, unsqueeze } from './shape.js';
import { abs, exp, log } from './unary.js';

type ScanParams = { axis: number; reverse: boolean };
const ONE = { args: ['x'], out: 'x', d: ['1'] } as const;
const along = (c: FormulaContext<ScanParams>): string =>
  `axis ${c.params.axis}${c.params.reverse ? ', from the end' : ''}`;

export const SCAN_OPS = records({
  // d cumprod(x)_i / dx_j = Π_{k ≤ i, k ≠ j} x_k for j ≤ i (else 0)
  cumprod: op<{ axis: number }>({
    infer: ([x]) => ({ shape: x!.shape, dtype: isFloat(x!.dtype) ? x!.dtype : 'int32' }),
    forward: ([x], p) => T.getBackend().scan('prod', x!, p.axis, false, isFloat(x!.dtype) ? x!.dtype : 'int32'),
    uses: 'both',
    vjp: (g, { inputs: [x], output, params: p }) => [cumprodGrad(g, x!, output, p.axis)],
    formula: {
      kind: 'vjp',
      show: (c) => `cumprod(${c.inputs[0]}, axis ${c.params.axis})`,
      vjp: (c) => [
        `Σ_{i ≥ j} G_i·Π_{k ≤ i, k ≠ j} ${c.inputs[0]}_k along axis ${c.params.axis} ` +
          `(= the running sum from the end of G·${c.out}, over ${c.inputs[0]}, where nothing is 0)`,
      ],
      scalar: ONE,
    },
  }),
  // d logcumsumexp(x)_i / dx_j = exp(x_j − out_i) for j ≤ i (else 0): a softmax of the prefix
  logcumsumexp: op<ScanParams>({
    infer: ([x]) => x!,
    forward: ([x], p) => T.getBackend().scan('logsumexp', x!, p.axis, p.reverse, x!.dtype),
    uses: 'both',
    vjp: (g, { inputs: [x], output, params: p }) => [logcumsumexpGrad(g, x!, output, p)],
    formula: {
      kind: 'vjp',
      show: (c) => `logcumsumexp(${c.inputs[0]}, ${along(c)})`,
      vjp: (c) => [
        `Σ_{i ${c.params.reverse ? '≤' : '≥'} j} G_i·exp(${c.inputs[0]}_j − ${c.out}_i) along axis ` +
          `${c.params.axis} (summed in log space, positive and negative G apart)`,
      ],
      scalar: ONE,
    },
  }),
});

/** Whether every |element| is a finite normal number (nothing is 0, nothing underflowed). */
function allNormal(x: NDArray): boolean {
  T.noteHostRead('the cumprod gradient, which reads the values to choose its formula');
  const smallest = x.dtype === 'float32' ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
  const c = x.contiguous();
  for (let i = 0; i < c.data.length; i++) {
    const v = Math.abs(c.data[i]!);
    if (!(v >= smallest && v < Infinity)) return false;
  }
  return true;
}

/** The running sum along `axis` from the last element back (recorded: it differentiates again). */
function reverseCumsum(x: Tensor, axis: number): Tensor {
  return apply(REDUCE_OPS.cumsum, [x], { axis, reverse: true });
}

/**
 * cumprod's gradient. A plain backward with no zero (nor under- or overflow) in the output divides,
 * revcumsum(G·out)/x, as PyTorch. Otherwise, and whenever the backward is recorded to be
 * differentiated again, the exact products of the others (zeros handled as PyTorch does): row j of
 * an n×n matrix is the running product of x with x_j replaced by 1, and G is summed against it from j
 * on. That costs n² per slice.
 */
function cumprodGrad(g: Tensor, x: Tensor, out: Tensor, axis: number): Tensor {
  if (!isGradEnabled() && allNormal(out.value)) return div(reverseCumsum(mul(g, out), axis), x);
  if (x.ndim === 0) return g; // one element: d out / dx = 1
  const last = x.ndim - 1;
  const xs = transpose(x, axis, last),
    gs = transpose(g, axis, last);
  const n = xs.shape[last]!;
  const lead = xs.shape.slice(0, -1);
  const rows = where(
    positionMask(n, (j, k) => j === k),
    1,
    expand(unsqueeze(xs, -2), [...lead, n, n]),
  );
  const others = cumprod(rows, -1); // others[..., j, i] = Π_{k ≤ i, k ≠ j} x_k
  const terms = where(
    positionMask(n, (j, i) => i >= j),
    mul(unsqueeze(gs, -2), others),
    0,
  );
  return transpose(sum(terms, -1), axis, last);
}

/** A constant bool [n, n] tensor, true at (row, column) where `keep(row, column)`. */
function positionMask(n: number, keep: (row: number, column: number) => boolean): Tensor {
  const m = new Uint8Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) m[r * n + c] = keep(r, c) ? 1 : 0;
  return new Tensor(T.fromTypedArray(m, [n, n]));
}

/** The most negative finite value of a float dtype: log(0) without infinities (as PyTorch's rule). */
const lowest = (dtype: DType): number => (dtype === 'float32' ? -3.4028234663852886e38 : -Number.MAX_VALUE);

/**
 * logcumsumexp's gradient, PyTorch's stable form: Σ_{i ≥ j} G_i·exp(x_j − out_i) is
 * exp(x_j + log Σ_{i ≥ j} exp(log G_i − out_i)), a reversed logcumsumexp, taken apart for the
 * positive and the negative G (log|G| of a zero is kept finite so its own gradient is 0, not NaN).
 */
function logcumsumexpGrad(g: Tensor, x: Tensor, out: Tensor, p: ScanParams): Tensor {
  const logAbs = log(abs(where(eq(g, 0), 1, g)));
  const floor = lowest(x.dtype);
  const part = (mask: Tensor): Tensor => {
    const logs = sub(where(mask, logAbs, floor), out);
    return exp(add(apply(SCAN_OPS.logcumsumexp, [logs], { axis: p.axis, reverse: !p.reverse }), x));
  };
  return sub(part(gt(g, 0)), part(lt(g, 0)));
}

/**
 * A scan's axis: a 0-d tensor has axes 0 and -1, as in PyTorch (the functions scan it as one
 * element of shape [1], so the records, and their batching rules, only see axes that exist).
 */
function scanAxis(op: string, x: Tensor, axis: number): number {
  checkOperand(op, x, 'its input', false);
  return T.normalizeAxis(op, axis, Math.max(x.ndim, 1));
}

/**
 * The running product along `axis`, as `torch.cumprod(x, dim)`: out[..., i, ...] = Π_{j ≤ i} x[..., j, ...]
 * (multiplied in float64, each element stored in x's dtype; ints and bools give int32). The gradient
 * is exact where x has zeros, as PyTorch's.
 * @example
 * ```ts
 * import { cumprod, tensor } from '@chainrule/autograd';
 * const x = tensor([2, 0, 3], { dtype: 'float64', requiresGrad: true });
 * cumprod(x, 0).sum().backward(); // out = [2, 0, 0]
 * console.log(x.grad!.toArray()); // [1, 8, 0]
 * ```
 */
export function cumprod(x: Tensor, axis: number): Tensor {
  const ax = scanAxis('cumprod', x, axis);
  if (x.ndim === 0) return reshape(cumprod(reshape(x, [1]), 0), []);
  return apply(SCAN_OPS.cumprod, [x], { axis: ax });
}

/**
 * log Σ_{j ≤ i} exp(x_j) along `axis`, as `torch.logcumsumexp(x, dim)`: computed one stable pairwise
 * step at a time (max + log1p(exp(min − max))), so it neither overflows nor underflows; ints and
 * bools are taken as float32.
 * @example
 * ```ts
 * import { logcumsumexp, tensor } from '@chainrule/autograd';
 * logcumsumexp(tensor([1000, 1000], { dtype: 'float64' }), 0).toArray(); // [1000, 1000.6931471805599]
 * ```
 */
export function logcumsumexp(x: Tensor, axis: number): Tensor {
  const ax = scanAxis('logcumsumexp', x, axis);
  if (x.ndim === 0) return reshape(logcumsumexp(reshape(x, [1]), 0), []);
  return apply(SCAN_OPS.logcumsumexp, [isFloat(x.dtype) ? x : cast(x, 'float32')], { axis: ax, reverse: false });
}

/** The method forms of this family's functions. */
export const SCAN_METHODS = { cumprod, logcumsumexp };
