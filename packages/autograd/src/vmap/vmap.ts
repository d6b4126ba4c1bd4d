/**
 * `vmap(fn, { inAxes, outAxes })`, as `jax.vmap` and `torch.func.vmap`: `fn` written for one
 * example runs once on a whole batch. Each batched argument becomes a `BatchedTensor` (the
 * example's shape outside, the batch inside); while vmap runs, `apply` hands every op with a
 * batched input to `batchedApply` below, which runs the op's batching rule (vmap/rules.ts) on the
 * physical tensors and, when the op must be differentiated inside vmap, records a node on the
 * logical tensors, so `grad`, `jacobian` and `hessian` work inside, outside and around vmap.
 */
import * as T from '@chainrule/tensor';
import { AutogradError } from '../errors.js';
import { isGradEnabled } from '../grad-mode.js';
import { type BatchedApply, setBatchedApply } from '../ops/apply.js';
import { permute } from '../ops/defs/shape.js';
import { OP_RECORDS, type OpName } from '../ops/registry.js';
import { Node, type OpRecord, Tensor } from '../tensor.js';
import { BatchedTensor, enterLevel, exitLevel, isLevelActive, isVmapActive } from './batched.js';
import { type BatchRule, expandBatch, loop, type Operand } from './rule-helpers.js';
import { BATCH_RULES } from './rules.js';

/** Options of `vmap`. */
export interface VmapOptions {
  /**
   * Per argument, the axis holding the batch, or null for an argument shared by every example
   * (one number: the same for all). Default 0. Negative axes count from the end.
   */
  inAxes?: number | null | readonly (number | null)[];
  /** Where the batch axis goes in the output (per output when `fn` returns an array). Default 0. */
  outAxes?: number | readonly number[];
}

/** Each record's rule, found by the record itself (whatever its name). */
const RULES = new Map<unknown, BatchRule<unknown>>(
  Object.entries(OP_RECORDS).map(([name, record]) => [record, BATCH_RULES[name as OpName] as BatchRule<unknown>]),
);

/** Runs `record` on a batch when an input is batched at a running level (else undefined). */
const batchedApply: BatchedApply = <P>(record: OpRecord<P>, inputs: readonly Tensor[], params: P) => {
  let level = -1;
  let size = 0;
  for (const t of inputs) {
    if (!(t instanceof BatchedTensor)) continue;
    if (!isLevelActive(t.level))
      throw new AutogradError(
        'vmap',
        `${record.name} got a batched tensor of a vmap that has returned; return tensors from the mapped function ` +
          `rather than keeping them`,
      );
    if (t.level > level) {
      level = t.level;
      size = t.batchSize;
    }
  }
  if (level < 0) return undefined;
  const operands: Operand[] = inputs.map((t) =>
    t instanceof BatchedTensor && t.level === level ? { t: t.physical, batched: true } : { t, batched: false },
  );
  const rule = RULES.get(record) ?? loop;
  const physical = rule(record as OpRecord<unknown>, operands, params, size);
  let needsGrad = false;
  if (isGradEnabled() && record.vjp !== null && T.isFloat(physical.dtype))
    for (const t of inputs) if (t.requiresGrad) needsGrad = true;
  return new BatchedTensor(physical, level, needsGrad ? new Node(record as OpRecord<unknown>, inputs, params) : null);
};

function perArgument<V>(op: string, what: string, value: V | readonly V[], n: number): V[] {
  if (!Array.isArray(value)) return Array<V>(n).fill(value as V);
  if (value.length !== n)
    throw new AutogradError(op, `${what} has ${value.length} entries for ${n} argument${n === 1 ? '' : 's'}`);
  return [...(value as readonly V[])];
}

/** `t` with axis `from` moved to `to`. */
function moveAxis(t: Tensor, from: number, to: number): Tensor {
  if (from === to) return t;
  const order = [...Array(t.ndim).keys()].filter((a) => a !== from);
  order.splice(to, 0, from);
  return permute(t, order);
}

/** The batched arguments, checked: axes in range and one batch size. */
function wrapArguments(args: readonly Tensor[], inAxes: readonly (number | null)[], level: number): Tensor[] {
  let size = -1;
  let first = -1;
  const axes = args.map((a, i) => {
    const axis = inAxes[i]!;
    if (axis === null) return null;
    if (!(a instanceof Tensor)) throw new AutogradError('vmap', `argument ${i} is not a Tensor`);
    if (!Number.isInteger(axis) || axis < -a.ndim || axis >= a.ndim)
      throw new T.RangeError(
        'vmap',
        `inAxes ${axis} is out of range for argument ${i} of shape ${T.fmtShape(a.shape)}`,
      );
    const ax = axis < 0 ? axis + a.ndim : axis;
    const n = a.shape[ax]!;
    if (size < 0) {
      size = n;
      first = i;
    } else if (n !== size)
      throw new T.ShapeError(
        'vmap',
        `argument ${i} has batch size ${n} (axis ${ax} of ${T.fmtShape(a.shape)}), but argument ${first} has ` +
          `${size}: every batched argument needs the same batch size`,
      );
    return ax;
  });
  if (size < 0) throw new AutogradError('vmap', 'no argument is batched: give at least one a number in inAxes');
  if (size === 0) throw new T.RangeError('vmap', 'the batch size is 0; vmap needs at least one example');
  return args.map((a, i) => {
    const ax = axes[i];
    return ax === null || ax === undefined ? a : new BatchedTensor(moveAxis(a, ax, 0), level, null, a.requiresGrad);
  });
}

/** The output's physical tensor with the batch on `outAxis` (an unbatched output is repeated). */
function unwrap(out: unknown, level: number, size: number, outAxis: number, k: number): Tensor {
  if (!(out instanceof Tensor)) throw new AutogradError('vmap', `fn must return a Tensor or an array of Tensors`);
  const physical = out instanceof BatchedTensor && out.level === level ? out.physical : expandBatch(out, size);
  const nd = physical.ndim;
  if (!Number.isInteger(outAxis) || outAxis < -nd || outAxis >= nd)
    throw new T.RangeError('vmap', `outAxes ${outAxis} is out of range for output ${k} of ${nd} axes (batch included)`);
  return moveAxis(physical, 0, outAxis < 0 ? outAxis + nd : outAxis);
}

/**
 * Vectorizes `fn` over a batch axis: `vmap(fn)(xs)` equals stacking `fn(x)` over the slices
 * `x` of `xs` along axis 0, computed in one batched call per op (by each op's batching rule).
 * It composes with `grad`, `jacobian` and `hessian` in any order, and with itself.
 * @throws ShapeError when batched arguments disagree on the batch size (names vmap and the argument)
 * @example
 * ```ts
 * import { grad, tensor, vmap, type Tensor } from '@chainrule/autograd';
 * const xs = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
 * vmap((x: Tensor) => x.square().sum())(xs).toArray();       // [5, 25]
 * vmap(grad((x: Tensor) => x.square().sum()))(xs).toArray(); // [[2, 4], [6, 8]]: per-example gradients
 * const w = tensor([1, -1], { dtype: 'float64' });
 * vmap((x: Tensor, v: Tensor) => x.mul(v).sum(), { inAxes: [0, null] })(xs, w).toArray(); // [-1, -1]
 * ```
 */
export function vmap(fn: (...args: Tensor[]) => Tensor, options?: VmapOptions): (...args: Tensor[]) => Tensor;
export function vmap(fn: (...args: Tensor[]) => Tensor[], options?: VmapOptions): (...args: Tensor[]) => Tensor[];
export function vmap(
  fn: (...args: Tensor[]) => Tensor | Tensor[],
  options: VmapOptions = {},
): (...args: Tensor[]) => Tensor | Tensor[] {
  if (typeof fn !== 'function') throw new AutogradError('vmap', 'fn must be a function');
  for (const key of Object.keys(options))
    if (key !== 'inAxes' && key !== 'outAxes')
      throw new AutogradError('vmap', `unknown option key "${key}"; the valid ones are "inAxes", "outAxes"`);
  return (...args) => {
    const inAxes = perArgument('vmap', 'inAxes', options.inAxes === undefined ? 0 : options.inAxes, args.length);
    const level = enterLevel();
    setBatchedApply(batchedApply);
    try {
      const wrapped = wrapArguments(args, inAxes, level);
      const size = (wrapped.find((a) => a instanceof BatchedTensor && a.level === level) as BatchedTensor).batchSize;
      const out = fn(...wrapped);
      if (!Array.isArray(out))
        return unwrap(out, level, size, perArgument('vmap', 'outAxes', options.outAxes ?? 0, 1)[0]!, 0);
      const outAxes = perArgument('vmap', 'outAxes', options.outAxes ?? 0, out.length);
      return out.map((o, k) => unwrap(o, level, size, outAxes[k]!, k));
    } finally {
      exitLevel(level);
      if (!isVmapActive()) setBatchedApply(null);
    }
  };
}
