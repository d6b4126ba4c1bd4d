/**
 * The op table: an op record's name → how it is written in ONNX. Ops not in the table have no
 * ONNX form yet, and an export that meets one fails naming it.
 */
import type { DType } from '@chainrule/tensor';
import type { EmitContext } from './context.js';
import { ONNX_DTYPE, type OnnxDType } from './proto.js';
import type { OpStep, Step } from './trace.js';

/** Writes one op step. */
export type OpEmitter = (c: EmitContext<OpStep>) => void;

const unary =
  (opType: string): OpEmitter =>
  (c) =>
    c.emit(opType, [c.input(0)]);
const binary =
  (opType: string): OpEmitter =>
  (c) =>
    c.emit(opType, [c.input(0), c.input(1)]);
/** x op k for a scalar k of x's dtype, then `then` on the result (expm1 = Exp - 1, log1p = Log(x + 1)). */
const withScalar =
  (first: string, k: number, second: string): OpEmitter =>
  (c) => {
    const dtype = c.step.inputs[0]!.dtype as OnnxDType;
    if (first === 'Exp') c.emit('Sub', [c.b.node('Exp', [c.input(0)]), c.b.scalar(k, dtype)]);
    else c.emit(second, [c.b.node(first, [c.input(0), c.b.scalar(k, dtype)])]);
  };

/** Ops whose ONNX form broadcasts its operands as numpy does, so an `expand` before them can be left out. */
const BROADCASTING = new Set(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'where']);
for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge']) BROADCASTING.add(op);

function broadcast(shapes: readonly (readonly number[])[]): number[] | null {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = new Array<number>(rank).fill(1);
  for (const s of shapes)
    for (let k = 0; k < s.length; k++) {
      const j = rank - s.length + k;
      if (s[k] === out[j] || s[k] === 1) continue;
      if (out[j] !== 1) return null;
      out[j] = s[k]!;
    }
  return out;
}

const same = (a: readonly number[], b: readonly number[] | null): boolean =>
  b !== null && a.length === b.length && a.every((d, k) => d === b[k]);

/** Whether `consumer` computes the same when every expanded input is given un-expanded. */
function broadcastsWithout(c: EmitContext<OpStep>, consumer: Step): boolean {
  if (consumer.kind !== 'op') return false;
  const shapes = consumer.inputs.map((t) => {
    const p = c.producer(t);
    return p?.kind === 'op' && p.name === 'expand' ? p.inputs[0]!.shape : t.shape;
  });
  if (BROADCASTING.has(consumer.name)) return same(consumer.output.shape, broadcast(shapes));
  if (consumer.name !== 'matmul' || shapes.some((s) => s.length < 2)) return false;
  const batch = broadcast(shapes.map((s) => s.slice(0, -2)));
  return same(consumer.output.shape.slice(0, -2), batch);
}

/** expand: left out where its readers broadcast; else Expand, with 1 for a dynamic dim the input has. */
const expand: OpEmitter = (c) => {
  if (!c.isGraphOutput && c.consumers.length > 0 && c.consumers.every((k) => broadcastsWithout(c, k))) {
    c.b.bind(c.step.output, c.input(0));
    return;
  }
  const source = c.step.inputs[0]!.shape;
  const target = c.step.output.shape;
  const lead = target.length - source.length;
  const dims = [...target];
  for (const k of c.dynamicDims(-1)) {
    if (k < lead || source[k - lead] !== target[k]) throw c.fail(`cannot broadcast to dynamic dim ${k} of the output`);
    dims[k] = 1; // Expand broadcasts: 1 keeps the input's (dynamic) size
  }
  c.emit('Expand', [c.input(0), c.b.int64s(dims)]);
};

/** reshape: a dynamic target dim becomes 0 (copy the input's) where it is the input's dim, else -1. */
const reshape: OpEmitter = (c) => {
  const target = [...c.step.output.shape];
  const input = c.step.inputs[0]!.shape;
  const twinIn = c.twin.inputs[0]!.shape;
  const twinOut = c.twin.output.shape;
  const open: number[] = [];
  for (const k of c.dynamicDims(-1)) {
    if (input[k] === target[k] && twinIn[k] === twinOut[k]) target[k] = 0;
    else open.push(k);
  }
  if (open.length > 1)
    throw c.fail(`reshape to [${c.step.output.shape}] has ${open.length} dynamic dims that are not input dims`);
  if (open.length === 1) target[open[0]!] = -1;
  if (target.some((d, k) => d === 0 && c.step.output.shape[k] === 0)) throw c.fail('reshape to an empty dim');
  c.emit('Reshape', [c.input(0), c.b.int64s(target)]);
};

/** linear: Gemm for a matrix input, else MatMul with the transposed weight and Add. */
const linear: OpEmitter = (c) => {
  const withBias = c.step.inputs.length > 2;
  if (c.step.inputs[0]!.shape.length === 2) {
    const ins = withBias ? [c.input(0), c.input(1), c.input(2)] : [c.input(0), c.input(1)];
    c.emit('Gemm', ins, { transB: { i: 1 } });
    return;
  }
  const wt = c.b.node('Transpose', [c.input(1)], { perm: { ints: [1, 0] } });
  if (!withBias) return c.emit('MatMul', [c.input(0), wt]);
  c.emit('Add', [c.b.node('MatMul', [c.input(0), wt]), c.input(2)]);
};

/** ReduceSum/Max/Min/Mean: axes an input from opset 13 (sum) or 18 (the others), an attribute before. */
const reduce =
  (opType: string, axesInputFrom: number): OpEmitter =>
  (c) => {
    const { axes, keepDims } = c.step.params as { axes: number[]; keepDims: boolean };
    const all = axes.length === 0 || axes.length === c.step.inputs[0]!.shape.length;
    const keepdims = { i: keepDims ? 1 : 0 };
    if (all) return c.emit(opType, [c.input(0)], { keepdims });
    if (c.b.opset >= axesInputFrom) return c.emit(opType, [c.input(0), c.b.int64s(axes, 'axes')], { keepdims });
    c.emit(opType, [c.input(0)], { keepdims, axes: { ints: axes } });
  };

const clamp: OpEmitter = (c) => {
  const { min, max } = c.step.params as { min: number; max: number };
  const dtype = c.step.output.dtype as OnnxDType;
  const x =
    c.step.inputs[0]!.dtype === dtype ? c.input(0) : c.b.node('Cast', [c.input(0)], { to: { i: ONNX_DTYPE[dtype] } });
  c.emit('Clip', [x, c.b.scalar(min, dtype), c.b.scalar(max, dtype)]);
};

/** slice: Slice; a bound that follows a dynamic dim is written from the end (negative, or past it). */
const slice: OpEmitter = (c) => {
  type P = { axis: number; start: number; stop: number; step: number };
  const p = c.step.params as P;
  const q = c.twin.params as P;
  const n = c.step.inputs[0]!.shape[p.axis]!;
  const m = c.twin.inputs[0]!.shape[p.axis]!;
  const bound = (a: number, b: number, what: string): number => {
    if (a === b) return a < 0 ? Number.MIN_SAFE_INTEGER : a; // -1: before index 0 (negative step)
    if (a === n && b === m) return Number.MAX_SAFE_INTEGER;
    if (n - a === m - b) return a - n;
    throw c.fail(`slice ${what} ${a} follows the dynamic dim ${p.axis} in a way Slice cannot write`);
  };
  const starts = c.b.int64s([bound(p.start, q.start, 'start')], 'starts');
  const ends = c.b.int64s([bound(p.stop, q.stop, 'stop')], 'ends');
  c.emit('Slice', [c.input(0), starts, ends, c.b.int64s([p.axis], 'axes'), c.b.int64s([p.step], 'steps')]);
};

/**
 * Every op with an ONNX form, by record name.
 * @example
 * ```ts
 * import { OP_EMITTERS } from '@chainrule/onnx';
 * 'linear' in OP_EMITTERS; // true
 * 'cumsum' in OP_EMITTERS; // false: an export meeting it fails naming it
 * ```
 */
export const OP_EMITTERS: Readonly<Record<string, OpEmitter>> = {
  neg: unary('Neg'),
  abs: unary('Abs'),
  exp: unary('Exp'),
  log: unary('Log'),
  sqrt: unary('Sqrt'),
  reciprocal: unary('Reciprocal'),
  sin: unary('Sin'),
  cos: unary('Cos'),
  tanh: unary('Tanh'),
  sigmoid: unary('Sigmoid'),
  relu: unary('Relu'),
  erf: unary('Erf'),
  softplus: unary('Softplus'),
  sign: unary('Sign'),
  floor: unary('Floor'),
  ceil: unary('Ceil'),
  square: (c) => c.emit('Mul', [c.input(0), c.input(0)]),
  expm1: withScalar('Exp', 1, 'Sub'),
  log1p: withScalar('Add', 1, 'Log'),
  clamp,
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  pow: binary('Pow'),
  maximum: binary('Max'),
  minimum: binary('Min'),
  eq: binary('Equal'),
  ne: (c) => c.emit('Not', [c.b.node('Equal', [c.input(0), c.input(1)])]),
  lt: binary('Less'),
  le: binary('LessOrEqual'),
  gt: binary('Greater'),
  ge: binary('GreaterOrEqual'),
  where: (c) => c.emit('Where', [c.input(0), c.input(1), c.input(2)]),
  cast: (c) => c.emit('Cast', [c.input(0)], { to: { i: ONNX_DTYPE[(c.step.params as { dtype: DType }).dtype] } }),
  expand,
  reshape,
  slice,
  permute: (c) => c.emit('Transpose', [c.input(0)], { perm: { ints: (c.step.params as { order: number[] }).order } }),
  concat: (c) =>
    c.emit(
      'Concat',
      c.step.inputs.map((_, i) => c.input(i)),
      { axis: { i: (c.step.params as { axis: number }).axis } },
    ),
  matmul: binary('MatMul'),
  linear,
  sum: reduce('ReduceSum', 13),
  max: reduce('ReduceMax', 18),
  min: reduce('ReduceMin', 18),
};
