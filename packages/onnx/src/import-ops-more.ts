/**
 * More ONNX operators for `loadOnnx` (comparisons, selection, more activations and layers); merged into
 * `IMPORT_OPS` (import-ops.ts).
 */
import { type Tensor, eq, ge, gt, le, lt, max, softplus, where } from '@chainrule/autograd';
import { convTranspose1d, convTranspose2d, instanceNorm, softsign } from '@chainrule/nn';
import { type OnnxOp, type OpContext, need } from './import-context.js';

const compare =
  (f: (a: Tensor, b: Tensor) => Tensor): OnnxOp =>
  (xs, c) => [f(need(xs, 0, c), need(xs, 1, c))];

/** ONNX pads [begin..., end...] as symmetric padding (ConvTranspose's `output_padding` covers the rest). */
function pads(c: OpContext, spatial: number): number[] {
  if (c.str('auto_pad', 'NOTSET') !== 'NOTSET') throw c.fail(`auto_pad '${c.str('auto_pad', '')}' is not supported`);
  const p = c.ints('pads') ?? new Array<number>(2 * spatial).fill(0);
  if (p.length !== 2 * spatial || p.slice(0, spatial).some((v, i) => v !== p[spatial + i]))
    throw c.fail(`asymmetric pads [${p.join(', ')}] are not supported`);
  return p.slice(0, spatial);
}

function convTranspose(xs: readonly (Tensor | undefined)[], c: OpContext): Tensor[] {
  const x = need(xs, 0, c);
  const w = need(xs, 1, c);
  const spatial = x.ndim - 2;
  if (spatial !== 1 && spatial !== 2) throw c.fail(`expected 3-d or 4-d input, got ${x.ndim}-d`);
  if (c.attr('output_shape') !== undefined) throw c.fail("attribute 'output_shape' is not supported (use pads)");
  const of = (name: string, fallback: number): number[] => {
    const v = c.ints(name) ?? new Array<number>(spatial).fill(fallback);
    if (v.length !== spatial) throw c.fail(`attribute '${name}' needs ${spatial} values, got [${v.join(', ')}]`);
    return [...v];
  };
  const [stride, padding, outputPadding, dilation] = [
    of('strides', 1),
    pads(c, spatial),
    of('output_padding', 0),
    of('dilations', 1),
  ];
  const groups = c.int('group', 1);
  const bias = xs[2] ?? null;
  if (spatial === 1)
    return [
      convTranspose1d(x, w, bias, {
        stride: stride[0],
        padding: padding[0],
        outputPadding: outputPadding[0],
        dilation: dilation[0],
        groups,
      }),
    ];
  const pair = (v: number[]): [number, number] => [v[0]!, v[1]!];
  return [
    convTranspose2d(x, w, bias, {
      stride: pair(stride),
      padding: pair(padding),
      outputPadding: pair(outputPadding),
      dilation: pair(dilation),
      groups,
    }),
  ];
}

/** Comparisons, Where, Softplus, Softsign, GlobalMaxPool, InstanceNormalization, ConvTranspose. */
export const MORE_IMPORT_OPS: Readonly<Record<string, OnnxOp>> = {
  Equal: compare(eq),
  Less: compare(lt),
  LessOrEqual: compare(le),
  Greater: compare(gt),
  GreaterOrEqual: compare(ge),
  Where: (xs, c) => [where(need(xs, 0, c), need(xs, 1, c), need(xs, 2, c))],
  Softplus: (xs, c) => [softplus(need(xs, 0, c))],
  Softsign: (xs, c) => [softsign(need(xs, 0, c))],
  GlobalMaxPool: (xs, c) => {
    const x = need(xs, 0, c);
    return [max(x, x.shape.map((_, i) => i).slice(2), true)];
  },
  // y = (x − μ)/√(σ² + ε)·γ + β per sample and channel
  InstanceNormalization: (xs, c) => [
    instanceNorm(need(xs, 0, c), { weight: need(xs, 1, c), bias: need(xs, 2, c), eps: c.float('epsilon', 1e-5) }),
  ],
  ConvTranspose: convTranspose,
};
