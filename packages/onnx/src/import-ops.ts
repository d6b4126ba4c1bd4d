/**
 * The table ONNX op type → chainrule implementation used by `loadOnnx`: each entry takes the node's
 * input tensors (undefined for an omitted optional input) and its attributes, and returns its outputs.
 */
import {
  type Tensor,
  abs,
  add,
  cast,
  concat,
  div,
  expand,
  erf,
  exp,
  indexSelect,
  log,
  logSoftmax,
  matmul,
  mean,
  mul,
  neg,
  permute,
  pow,
  relu,
  reshape,
  slice,
  sigmoid,
  softmax,
  sqrt,
  squeeze,
  sub,
  tanh,
  tensor,
  unsqueeze,
} from '@chainrule/autograd';
import { avgPool2d, conv1d, conv2d, gelu, layerNorm, maxPool2d } from '@chainrule/nn';
import { broadcastShapes, type DType } from '@chainrule/tensor';
import { type OnnxOp, type OpContext, need, valuesOf } from './import-context.js';
import { MORE_IMPORT_OPS } from './import-ops-more.js';
import { gru, lstm, rnn } from './import-recurrent.js';

const unary =
  (f: (x: Tensor) => Tensor): OnnxOp =>
  (xs, c) => [f(need(xs, 0, c))];
const binary =
  (f: (a: Tensor, b: Tensor) => Tensor): OnnxOp =>
  (xs, c) => [f(need(xs, 0, c), need(xs, 1, c))];
const axisOf = (x: Tensor, a: number): number => (a < 0 ? a + x.ndim : a);
const ONNX_TO_DTYPE: Record<number, DType> = { 1: 'float32', 6: 'int32', 7: 'int32', 9: 'bool', 11: 'float64' };

/** Axes from the attribute (older opsets) or the second input (newer ones). */
function axesOf(xs: readonly (Tensor | undefined)[], c: OpContext): number[] | undefined {
  const fromAttr = c.ints('axes');
  if (fromAttr !== undefined) return [...fromAttr];
  return xs[1] === undefined ? undefined : valuesOf(xs[1], c, 'axes');
}

/** ONNX pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...] as symmetric per-axis padding. */
function symmetricPads(c: OpContext, spatial: number): number[] {
  if (c.str('auto_pad', 'NOTSET') !== 'NOTSET')
    throw c.fail(`auto_pad '${c.str('auto_pad', '')}' is not supported (NOTSET only)`);
  const pads = c.ints('pads') ?? new Array<number>(2 * spatial).fill(0);
  const begin = pads.slice(0, spatial);
  if (pads.length !== 2 * spatial || begin.some((p, i) => p !== pads[spatial + i]))
    throw c.fail(`asymmetric pads [${pads.join(', ')}] are not supported`);
  return begin;
}

function pair(v: readonly number[] | undefined, fallback: number, spatial: number, c: OpContext): [number, number] {
  const a = v ?? new Array<number>(spatial).fill(fallback);
  if (a.length !== spatial) throw c.fail(`expected ${spatial} values, got [${a.join(', ')}]`);
  return spatial === 1 ? [1, a[0]!] : [a[0]!, a[1]!];
}

/** A pooling node on 4-d input (or 3-d, as a height of 1). */
function pool(kind: 'max' | 'avg'): OnnxOp {
  return (xs, c) => {
    const x = need(xs, 0, c);
    const spatial = x.ndim - 2;
    if (spatial !== 1 && spatial !== 2) throw c.fail(`expected 3-d or 4-d input, got ${x.ndim}-d`);
    const kernel = c.ints('kernel_shape');
    if (kernel === undefined) throw c.fail("attribute 'kernel_shape' is required");
    const p = symmetricPads(c, spatial);
    const options = {
      kernel: pair(kernel, 1, spatial, c),
      stride: pair(c.ints('strides'), 1, spatial, c),
      padding: spatial === 1 ? ([0, p[0]!] as [number, number]) : ([p[0]!, p[1]!] as [number, number]),
      ceilMode: c.int('ceil_mode', 0) === 1,
    };
    const x4 = spatial === 1 ? unsqueeze(x, 2) : x;
    const y =
      kind === 'max'
        ? maxPool2d(x4, { ...options, dilation: pair(c.ints('dilations'), 1, spatial, c) })
        : avgPool2d(x4, { ...options, countIncludePad: c.int('count_include_pad', 0) === 1 });
    return [spatial === 1 ? squeeze(y, 2) : y];
  };
}

function conv(xs: readonly (Tensor | undefined)[], c: OpContext): Tensor[] {
  const x = need(xs, 0, c);
  const w = need(xs, 1, c);
  const spatial = x.ndim - 2;
  const p = symmetricPads(c, spatial);
  const bias = xs[2] ?? null;
  const groups = c.int('group', 1);
  if (spatial === 1) {
    const s = c.ints('strides')?.[0] ?? 1,
      d = c.ints('dilations')?.[0] ?? 1;
    return [conv1d(x, w, bias, { stride: s, padding: p[0]!, dilation: d, groups })];
  }
  if (spatial !== 2) throw c.fail(`expected 3-d or 4-d input, got ${x.ndim}-d`);
  const options = {
    stride: pair(c.ints('strides'), 1, 2, c),
    padding: [p[0]!, p[1]!] as [number, number],
    dilation: pair(c.ints('dilations'), 1, 2, c),
    groups,
  };
  return [conv2d(x, w, bias, options)];
}

// y = α·A'B' + β·C (A', B' transposed when transA, transB)
function gemm(xs: readonly (Tensor | undefined)[], c: OpContext): Tensor[] {
  const a = c.int('transA', 0) === 1 ? permute(need(xs, 0, c), [1, 0]) : need(xs, 0, c);
  const b = c.int('transB', 0) === 1 ? permute(need(xs, 1, c), [1, 0]) : need(xs, 1, c);
  const alpha = c.float('alpha', 1),
    beta = c.float('beta', 1);
  let y = matmul(a, b);
  if (alpha !== 1) y = mul(y, alpha);
  const bias = xs[2];
  if (bias !== undefined) y = add(y, beta === 1 ? bias : mul(bias, beta));
  return [y];
}

function reshapeOp(xs: readonly (Tensor | undefined)[], c: OpContext): Tensor[] {
  const x = need(xs, 0, c);
  const allowZero = c.int('allowzero', 0) === 1;
  const target = valuesOf(xs[1], c, 'shape').map((d, i) => (d === 0 && !allowZero ? x.shape[i]! : d));
  return [reshape(x, target)];
}

function gather(xs: readonly (Tensor | undefined)[], c: OpContext): Tensor[] {
  const x = need(xs, 0, c);
  const index = need(xs, 1, c);
  const axis = axisOf(x, c.int('axis', 0));
  const n = x.shape[axis]!;
  const flat = valuesOf(index, c, 'indices').map((i) => (i < 0 ? i + n : i));
  const picked = indexSelect(x, axis, tensor(Int32Array.from(flat)));
  return [reshape(picked, [...x.shape.slice(0, axis), ...index.shape, ...x.shape.slice(axis + 1)])];
}

function sliceOp(xs: readonly (Tensor | undefined)[], c: OpContext): Tensor[] {
  let x = need(xs, 0, c);
  const old = c.opset < 10;
  const starts = old ? c.ints('starts') : valuesOf(xs[1], c, 'starts');
  const ends = old ? c.ints('ends') : valuesOf(xs[2], c, 'ends');
  if (starts === undefined || ends === undefined || starts.length !== ends.length)
    throw c.fail('expected starts and ends of one length');
  const axes = (old ? c.ints('axes') : xs[3] && valuesOf(xs[3], c, 'axes')) ?? starts.map((_, i) => i);
  const steps = (old ? undefined : xs[4] && valuesOf(xs[4], c, 'steps')) ?? starts.map(() => 1);
  for (const [k, a] of axes.entries()) {
    const axis = axisOf(x, a);
    const n = x.shape[axis]!;
    if (steps[k]! < 1) throw c.fail(`step ${steps[k]} on axis ${a}: only positive steps are supported`);
    const clampTo = (v: number): number => Math.max(0, Math.min(n, v < 0 ? v + n : v));
    const start = clampTo(starts[k]!);
    x = slice(x, axis, start, Math.max(start, clampTo(ends[k]!)), steps[k]);
  }
  return [x];
}

function batchNormalization(xs: readonly (Tensor | undefined)[], c: OpContext): Tensor[] {
  if (c.int('training_mode', 0) === 1) throw c.fail('training_mode=1 is not supported (inference form only)');
  const x = need(xs, 0, c);
  const stat = [1, x.shape[1]!, ...new Array<number>(x.ndim - 2).fill(1)];
  const [scale, bias, mu, variance] = [1, 2, 3, 4].map((i) => reshape(need(xs, i, c), stat)) as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ];
  // y = (x − μ)/√(σ² + ε)·γ + β
  return [add(mul(div(sub(x, mu), sqrt(add(variance, c.float('epsilon', 1e-5)))), scale), bias)];
}

function constant(_: readonly (Tensor | undefined)[], c: OpContext): Tensor[] {
  const v = c.attr('value');
  if (v !== undefined && typeof v === 'object' && !Array.isArray(v)) return [tensor(v as never)];
  const f = c.attr('value_float'),
    fs = c.attr('value_floats'),
    i = c.attr('value_int'),
    is = c.attr('value_ints');
  if (typeof f === 'number') return [tensor(new Float32Array([f])).reshape([])];
  if (Array.isArray(fs)) return [tensor(Float32Array.from(fs as number[]))];
  if (typeof i === 'number') return [tensor(new Int32Array([i])).reshape([])];
  if (Array.isArray(is)) return [tensor(Int32Array.from(is as number[]))];
  throw c.fail('expected a value, value_float(s) or value_int(s) attribute');
}

const softmaxLike =
  (f: (x: Tensor, axis: number) => Tensor): OnnxOp =>
  (xs, c) => {
    const x = need(xs, 0, c);
    const axis = axisOf(x, c.int('axis', c.opset >= 13 ? -1 : 1));
    if (c.opset < 13 && axis !== x.ndim - 1)
      throw c.fail(`opset < 13 coerces to 2-d; only axis = last (${x.ndim - 1}) is supported`);
    return [f(x, axis)];
  };

/** Every ONNX operator `loadOnnx` runs (default domain), by op type. */
export const IMPORT_OPS: Readonly<Record<string, OnnxOp>> = {
  Identity: unary((x) => x),
  Add: binary(add),
  Sub: binary(sub),
  Mul: binary(mul),
  Div: binary(div),
  Pow: binary(pow),
  MatMul: binary(matmul),
  Gemm: gemm,
  Relu: unary(relu),
  Sigmoid: unary(sigmoid),
  Tanh: unary(tanh),
  Erf: unary(erf),
  Sqrt: unary(sqrt),
  Exp: unary(exp),
  Log: unary(log),
  Neg: unary(neg),
  Abs: unary(abs),
  Gelu: (xs, c) => [gelu(need(xs, 0, c), c.str('approximate', 'none') === 'tanh' ? 'tanh' : 'none')],
  Softmax: softmaxLike(softmax),
  LogSoftmax: softmaxLike(logSoftmax),
  Reshape: reshapeOp,
  Flatten: (xs, c) => {
    const x = need(xs, 0, c);
    const axis = axisOf(x, c.int('axis', 1));
    return [
      reshape(x, [x.shape.slice(0, axis).reduce((a, b) => a * b, 1), x.shape.slice(axis).reduce((a, b) => a * b, 1)]),
    ];
  },
  Transpose: (xs, c) => {
    const x = need(xs, 0, c);
    return [permute(x, c.ints('perm') ?? x.shape.map((_, i) => x.ndim - 1 - i))];
  },
  Constant: constant,
  Conv: conv,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: (xs, c) => {
    const x = need(xs, 0, c);
    return [mean(x, x.shape.map((_, i) => i).slice(2), true)];
  },
  BatchNormalization: batchNormalization,
  LSTM: lstm,
  GRU: gru,
  RNN: rnn,
  ...MORE_IMPORT_OPS,
  LayerNormalization: (xs, c) => {
    const x = need(xs, 0, c);
    const axis = axisOf(x, c.int('axis', -1));
    return [layerNorm(x, x.shape.slice(axis), need(xs, 1, c), xs[2] ?? null, c.float('epsilon', 1e-5))];
  },
  Concat: (xs, c) => [
    concat(
      xs.map((_, i) => need(xs, i, c)),
      axisOf(need(xs, 0, c), c.int('axis', 0)),
    ),
  ],
  Gather: gather,
  Slice: sliceOp,
  Expand: (xs, c) => {
    const x = need(xs, 0, c);
    return [expand(x, broadcastShapes('Expand', x.shape, valuesOf(xs[1], c, 'shape')))];
  },
  Unsqueeze: (xs, c) => {
    let x = need(xs, 0, c);
    const axes = axesOf(xs, c) ?? [];
    const rank = x.ndim + axes.length;
    for (const a of axes.map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q)) x = unsqueeze(x, a);
    return [x];
  },
  Squeeze: (xs, c) => {
    const x = need(xs, 0, c);
    const axes = axesOf(xs, c);
    return [
      axes === undefined
        ? squeeze(x)
        : squeeze(
            x,
            axes.map((a) => axisOf(x, a)),
          ),
    ];
  },
  Shape: (xs, c) => {
    const x = need(xs, 0, c);
    const start = axisOf(x, c.int('start', 0)),
      end = c.int('end', x.ndim);
    return [tensor(Int32Array.from(x.shape.slice(start, end < 0 ? end + x.ndim : end)))];
  },
  Cast: (xs, c) => {
    const to = ONNX_TO_DTYPE[c.int('to', 0)];
    if (to === undefined) throw c.fail(`Cast to data type ${c.int('to', 0)} is not supported`);
    return [cast(need(xs, 0, c), to)];
  },
  ReduceMean: (xs, c) => {
    const x = need(xs, 0, c);
    const axes = axesOf(xs, c);
    const keep = c.int('keepdims', 1) === 1;
    if (axes === undefined || axes.length === 0)
      return [
        c.int('noop_with_empty_axes', 0) === 1
          ? x
          : mean(
              x,
              x.shape.map((_, i) => i),
              keep,
            ),
      ];
    return [
      mean(
        x,
        axes.map((a) => axisOf(x, a)),
        keep,
      ),
    ];
  },
};
