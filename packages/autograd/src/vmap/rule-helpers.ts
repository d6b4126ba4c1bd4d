/**
 * The building blocks of the batching rules (vmap/rules.ts). A rule gets the op's record, its
 * operands (each either batched, with the batch on axis 0 of `t`, or not batched at this level)
 * and its parameters, and returns the batched result, batch on axis 0. Rules call `apply` on the
 * physical tensors, so the result is recorded for transforms outside vmap, and an operand batched
 * at an outer level is handled by that level's rule in turn.
 */
import { apply } from '../ops/apply.js';
import { SHAPE_OPS, select, stack } from '../ops/defs/shape.js';
import type { OpRecord, Tensor } from '../tensor.js';

/** One input of a batched op: its physical tensor and whether it has the batch axis (axis 0). */
export interface Operand {
  readonly t: Tensor;
  readonly batched: boolean;
}

/** How an op runs on a batch: the batched result, batch on axis 0, from the operands. */
export type BatchRule<P> = (record: OpRecord<P>, operands: readonly Operand[], params: P, size: number) => Tensor;

/** `t` repeated `size` times along a new axis 0 (a broadcast view). */
export function expandBatch(t: Tensor, size: number): Tensor {
  const one = apply(SHAPE_OPS.reshape, [t], { shape: [1, ...t.shape] });
  return apply(SHAPE_OPS.expand, [one], { shape: [size, ...t.shape] });
}

/** Every operand with the batch axis (unbatched ones broadcast along it). */
export function batchAll(operands: readonly Operand[], size: number): Tensor[] {
  return operands.map((o) => (o.batched ? o.t : expandBatch(o.t, size)));
}

/** An axis of the logical tensor (negative counts from the end) as an axis of the batched one. */
export function shift(axis: number, logicalNdim: number): number {
  return (axis < 0 ? axis + logicalNdim : axis) + 1;
}

/** The logical rank of the operands (the first one's, less the batch axis). */
function logicalNdim(operands: readonly Operand[]): number {
  const o = operands[0]!;
  return o.batched ? o.t.ndim - 1 : o.t.ndim;
}

/**
 * Elementwise ops. Their kernels may broadcast (a comparison with a 0-d tensor), so every operand
 * gets the same rank first: ones after the batch axis, as broadcasting aligns shapes at the end.
 */
export const elementwise = <P>(record: OpRecord<P>, operands: readonly Operand[], params: P, size: number): Tensor => {
  const rank = Math.max(...operands.map((o) => (o.batched ? o.t.ndim - 1 : o.t.ndim)));
  const aligned = operands.map((o) => {
    const shape = o.batched ? o.t.shape.slice(1) : o.t.shape;
    if (shape.length === rank) return o.batched ? o.t : expandBatch(o.t, size);
    const full = [size, ...Array<number>(rank - shape.length).fill(1), ...shape];
    if (!o.batched)
      return apply(SHAPE_OPS.expand, [apply(SHAPE_OPS.reshape, [o.t], { shape: [1, ...full.slice(1)] })], {
        shape: full,
      });
    return apply(SHAPE_OPS.reshape, [o.t], { shape: full });
  });
  return apply(record, aligned, params);
};

/** Ops whose parameters are a list of axes (`sum`, `max`, ...): each axis moves one up. */
export const reduceAxes = <P extends { axes: number[] }>(
  record: OpRecord<P>,
  operands: readonly Operand[],
  params: P,
  size: number,
): Tensor => {
  const nd = logicalNdim(operands);
  if (nd === 0) return loop(record, operands, params, size); // a 0-d example: its axes are no axes of the batch
  return apply(record, batchAll(operands, size), { ...params, axes: params.axes.map((a) => shift(a, nd)) });
};

/** Ops whose parameters name one axis (`cumsum`, `slice`, `concat`, `gather`): it moves one up. */
export const shiftAxis = <P extends { axis: number }>(
  record: OpRecord<P>,
  operands: readonly Operand[],
  params: P,
  size: number,
): Tensor => {
  const nd = logicalNdim(operands);
  if (nd === 0) return loop(record, operands, params, size); // a 0-d example's axis 0 is no axis of the batch
  return apply(record, batchAll(operands, size), { ...params, axis: shift(params.axis, nd) });
};

/** Ops whose parameters give the output's shape (`reshape`, `sliceBackward`): the batch comes first. */
export const prependShape = <P extends { shape: number[] }>(
  record: OpRecord<P>,
  operands: readonly Operand[],
  params: P,
  size: number,
): Tensor => {
  const shaped = { ...params, shape: [size, ...params.shape] };
  return 'axis' in params
    ? apply(record, batchAll(operands, size), { ...shaped, axis: shift(params.axis as number, params.shape.length) })
    : apply(record, batchAll(operands, size), shaped);
};

/**
 * Ops that take leading batch axes and stack their results on a new axis 0 (the fused LSTM cell's
 * [h', c']): one call on the whole batch, then the batch axis goes first.
 */
export const planesFirst = <P>(record: OpRecord<P>, operands: readonly Operand[], params: P, size: number): Tensor => {
  const out = apply(record, batchAll(operands, size), params);
  const order = out.shape.map((_, i) => i);
  order[0] = 1;
  order[1] = 0;
  return apply(SHAPE_OPS.permute, [out], { order });
};

/** `expand` to a longer shape: the new axes are put after the batch axis first. */
export const expandRule: BatchRule<{ shape: number[] }> = (record, operands, params, size) => {
  const x = batchAll(operands, size)[0]!;
  const pad = params.shape.length - (x.ndim - 1);
  const padded =
    pad > 0 ? apply(SHAPE_OPS.reshape, [x], { shape: [size, ...Array(pad).fill(1), ...x.shape.slice(1)] }) : x;
  return apply(record, [padded], { shape: [size, ...params.shape] });
};

/** `permute`: the batch axis stays first. */
export const permuteRule: BatchRule<{ order: number[] }> = (record, operands, params, size) =>
  apply(record, batchAll(operands, size), { order: [0, ...params.order.map((a) => a + 1)] });

/**
 * The fallback of any op: run it on each example and stack the results. Always right, one op
 * per example; the ops with a rule of their own run once on the whole batch.
 */
export const loop = <P>(record: OpRecord<P>, operands: readonly Operand[], params: P, size: number): Tensor => {
  const outs: Tensor[] = [];
  for (let b = 0; b < size; b++)
    outs.push(
      apply(
        record,
        operands.map((o) => (o.batched ? select(o.t, 0, b) : o.t)),
        params,
      ),
    );
  return stack(outs, 0);
};

/**
 * Ops that already take leading batch axes (`inv`, `det`, `tril`, matrix ops on `[..., n, n]`):
 * the batch is one more leading axis, and the parameters stay.
 */
export const leadingBatch = <P>(record: OpRecord<P>, operands: readonly Operand[], params: P, size: number): Tensor =>
  apply(record, batchAll(operands, size), params);

/**
 * `matmul` and `linear` with the batched operand first and shared 2-d weights (per-example
 * `x @ W` or `x·Wᵀ + b`): one call on the whole batch, the batch a leading axis of x. Any other
 * combination (batched weights) runs per example.
 */
export const batchedFirstOperand = <P>(
  record: OpRecord<P>,
  operands: readonly Operand[],
  params: P,
  size: number,
): Tensor => {
  const [x, ...rest] = operands;
  if (x!.batched && rest.every((o) => !o.batched) && rest[0]!.t.ndim === 2)
    return apply(
      record,
      operands.map((o) => o.t),
      params,
    );
  return loop(record, operands, params, size);
};

/** `argmax`/`argmin`: over one axis it moves up; over the flattened tensor (no axis), per example. */
export const argRule = <P extends { axis: number | undefined }>(
  record: OpRecord<P>,
  operands: readonly Operand[],
  params: P,
  size: number,
): Tensor =>
  params.axis === undefined
    ? loop(record, operands, params, size)
    : shiftAxis(record as unknown as OpRecord<{ axis: number }>, operands, { ...params, axis: params.axis }, size);

/** `solve(A, B)` with a matrix right side: leading batch axes; a vector right side, per example. */
export const solveRule = <P>(record: OpRecord<P>, operands: readonly Operand[], params: P, size: number): Tensor => {
  const b = operands[1]!;
  const bNdim = b.batched ? b.t.ndim - 1 : b.t.ndim;
  return bNdim >= 2 ? leadingBatch(record, operands, params, size) : loop(record, operands, params, size);
};

/**
 * `matmul` (NumPy's rules: 1-d operands are a row or a column, leading axes broadcast): shared
 * 2-d weights take the whole batch as leading axes of x; otherwise both operands get the batch
 * and equal leading axes, and the axes a 1-d operand gained are dropped again.
 */
export const matmulRule = <P>(record: OpRecord<P>, operands: readonly Operand[], params: P, size: number): Tensor => {
  const [a, b] = operands as [Operand, Operand];
  if (!b.batched && b.t.ndim === 2) return apply(record, [a.t, b.t], params);
  const la = a.batched ? a.t.ndim - 1 : a.t.ndim;
  const lb = b.batched ? b.t.ndim - 1 : b.t.ndim;
  if (la === 0 || lb === 0) return loop(record, operands, params, size);
  let [x, y] = batchAll(operands, size) as [Tensor, Tensor];
  const reshape = (t: Tensor, shape: number[]): Tensor => apply(SHAPE_OPS.reshape, [t], { shape });
  if (la === 1) x = reshape(x, [size, 1, x.shape[1]!]);
  if (lb === 1) y = reshape(y, [size, y.shape[1]!, 1]);
  const bx = x.shape.slice(1, -2);
  const by = y.shape.slice(1, -2);
  const rank = Math.max(bx.length, by.length);
  const pad = (s: readonly number[]): number[] => [...Array<number>(rank - s.length).fill(1), ...s];
  const batch = pad(bx).map((n, i) => Math.max(n, pad(by)[i]!));
  const full = (t: Tensor, own: readonly number[]): Tensor => {
    const padded = reshape(t, [size, ...pad(own), ...t.shape.slice(-2)]);
    const shape = [size, ...batch, ...t.shape.slice(-2)];
    return padded.shape.every((n, i) => n === shape[i]) ? padded : apply(SHAPE_OPS.expand, [padded], { shape });
  };
  const out = apply(record, [full(x, bx), full(y, by)], params);
  if (la === 1 && lb === 1) return reshape(out, [size, ...batch]);
  if (la === 1) return reshape(out, [size, ...batch, out.shape[out.ndim - 1]!]);
  if (lb === 1) return reshape(out, [size, ...batch, out.shape[out.ndim - 2]!]);
  return out;
};

/**
 * Ops whose own axis 0 is already a batch of independent samples (`unfold`, `fold`): the vmap
 * batch is merged into it, `[B, N, ...]` → `[B·N, ...]`, and split out of the result again.
 */
export const mergeBatch = <P>(record: OpRecord<P>, operands: readonly Operand[], params: P, size: number): Tensor => {
  if (operands.length !== 1) return loop(record, operands, params, size);
  const x = operands[0]!.t;
  if (x.ndim < 2) return loop(record, operands, params, size);
  const merged = apply(SHAPE_OPS.reshape, [x], { shape: [size * x.shape[1]!, ...x.shape.slice(2)] });
  const out = apply(record, [merged], params);
  return apply(SHAPE_OPS.reshape, [out], { shape: [size, x.shape[1]!, ...out.shape.slice(1)] });
};
