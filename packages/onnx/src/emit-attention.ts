/**
 * MultiheadAttention as its ops (its chainrule forward shifts the softmax by a maximum computed
 * outside the ops, so it is written whole): Slice of `in_proj_weight`, MatMul + Add projections,
 * Reshape/Transpose into heads, scaled MatMul, the mask added, Softmax, MatMul, `out_proj`.
 */
import type { Tensor } from '@chainrule/autograd';
import type { MultiheadAttention, MultiheadAttentionForwardOptions } from '@chainrule/nn';
import * as T from '@chainrule/tensor';
import type { EmitContext } from './context.js';
import type { OnnxDType } from './proto.js';
import type { ModuleStep } from './trace.js';

type Ctx = EmitContext<ModuleStep>;

/** Rows [from, to) of a parameter (in_proj_weight's q, k or v block), or the whole when `to` is undefined. */
function rows(c: Ctx, t: Tensor, from: number, to?: number): string {
  const name = c.b.nameOf(t);
  if (to === undefined) return name;
  return c.b.node('Slice', [name, c.b.int64s([from], 'starts'), c.b.int64s([to], 'ends'), c.b.int64s([0], 'axes')]);
}

/** x·wᵀ (+ b): a projection of a [len, N, features] value. */
function project(c: Ctx, x: string, w: string, b: string | null): string {
  const y = c.b.node('MatMul', [x, c.b.node('Transpose', [w], { perm: { ints: [1, 0] } })]);
  return b === null ? y : c.b.node('Add', [y, b]);
}

/** Whether two tensors have the same shape and values. */
function sameValues(a: Tensor, b: Tensor): boolean {
  if (!T.shapesEqual(a.shape, b.shape)) return false;
  const x = a.value.contiguous().data;
  const y = b.value.contiguous().data;
  return x.every((v, i) => Object.is(v, y[i]));
}

/** A mask given to the layer: its name as an additive float mask; refused if it follows the inputs. */
function maskOf(c: Ctx, mask: Tensor, twin: Tensor | null | undefined, what: string, dtype: OnnxDType): string {
  const known = c.b.has(mask) || c.b.isState(mask);
  if (!known && (twin == null || !sameValues(twin, mask)))
    throw c.fail(`${what} changes with the inputs but is not computed by exported ops: it would be frozen`);
  const name = c.b.nameOf(mask);
  if (mask.dtype !== 'bool') return name;
  return c.b.node('Where', [name, c.b.scalar(Number.NEGATIVE_INFINITY, dtype), c.b.scalar(0, dtype)]);
}

/** The additive mask [.., L, S] of the forward options, or null. */
function mergedMask(c: Ctx, m: MultiheadAttention, l: number, s: number, dtype: OnnxDType): string | null {
  const o = (c.step.args[3] ?? {}) as MultiheadAttentionForwardOptions;
  const t = (c.twin.args[3] ?? {}) as MultiheadAttentionForwardOptions;
  const h = m.numHeads;
  let merged: string | null = null;
  if (o.attnMask != null) {
    const mask = maskOf(c, o.attnMask, t.attnMask, 'attnMask', dtype);
    merged = o.attnMask.ndim === 2 ? mask : c.b.node('Reshape', [mask, c.b.int64s([-1, h, l, s])]);
  } else if (o.isCausal === true) {
    if (c.twin.inputs[0]!.shape.some((d, k) => d !== c.step.inputs[0]!.shape[k] && k !== (m.batchFirst ? 0 : 1)))
      throw c.fail('isCausal with a dynamic sequence length: the causal mask is written for the traced length');
    const causal = new Float64Array(l * s);
    for (let i = 0; i < l; i++) for (let j = i + 1; j < s; j++) causal[i * s + j] = Number.NEGATIVE_INFINITY;
    const arr = T.cast(T.fromTypedArray(causal, [l, s]), dtype === 'float64' ? 'float64' : 'float32');
    merged = c.b.addInitializer(c.b.fresh(`${c.step.path || 'attn'}.causal_mask`), arr);
  }
  if (o.keyPaddingMask != null) {
    const mask = maskOf(c, o.keyPaddingMask, t.keyPaddingMask, 'keyPaddingMask', dtype);
    const padding = c.b.node('Reshape', [mask, c.b.int64s([0, 1, 1, -1])]);
    merged = merged === null ? padding : c.b.node('Add', [merged, padding]);
  }
  return merged;
}

/** MultiheadAttention: its output, and its attention weights when it returns them. */
export const multiheadAttention = (c: Ctx): void => {
  const m = c.step.module as MultiheadAttention;
  const [query, key] = c.step.inputs as [Tensor, Tensor, Tensor];
  const dtype = query.dtype as OnnxDType;
  const batched = query.ndim === 3;
  const toSeqFirst = (i: number): string => {
    const x = c.input(i);
    if (!batched) return c.b.node('Unsqueeze', [x, c.b.int64s([1], 'axes')]);
    return m.batchFirst ? c.b.node('Transpose', [x], { perm: { ints: [1, 0, 2] } }) : x;
  };
  const seqAxis = batched && m.batchFirst ? 1 : 0;
  const l = query.shape[seqAxis]!;
  const s = key.shape[seqAxis]!;
  const e = m.embedDim;
  const h = m.numHeads;
  const d = m.headDim;
  const w = m.inProjWeight;
  const ws = w === null ? [m.qProjWeight!, m.kProjWeight!, m.vProjWeight!] : [w, w, w];
  const heads = (i: number, perm: number[]): string => {
    const bias = m.inProjBias === null ? null : rows(c, m.inProjBias, i * e, (i + 1) * e);
    const weight = w === null ? rows(c, ws[i]!, 0) : rows(c, w, i * e, (i + 1) * e);
    const y = project(c, toSeqFirst(i), weight, bias);
    const split = c.b.node('Reshape', [y, c.b.int64s([0, 0, h, d])]); // [len, N, H, d]
    return c.b.node('Transpose', [split], { perm: { ints: perm } });
  };
  const q = heads(0, [1, 2, 0, 3]); // [N, H, L, d]
  const kT = heads(1, [1, 2, 3, 0]); // [N, H, d, S]
  const v = heads(2, [1, 2, 0, 3]); // [N, H, S, d]
  let scores = c.b.node('Mul', [c.b.node('MatMul', [q, kT]), c.b.scalar(1 / Math.sqrt(d), dtype)]);
  const mask = mergedMask(c, m, l, s, dtype);
  if (mask !== null) scores = c.b.node('Add', [scores, mask]);
  const weights = c.b.node('Softmax', [scores], { axis: { i: -1 } });
  const attended = c.b.node('Transpose', [c.b.node('MatMul', [weights, v])], { perm: { ints: [2, 0, 1, 3] } });
  const merged = c.b.node('Reshape', [attended, c.b.int64s([0, 0, e])]); // [L, N, E]
  const proj = m.outProj;
  let out = project(c, merged, c.b.nameOf(proj.weight), proj.bias === null ? null : c.b.nameOf(proj.bias));
  if (!batched) out = c.b.node('Squeeze', [out, c.b.int64s([1], 'axes')]);
  else if (m.batchFirst) out = c.b.node('Transpose', [out], { perm: { ints: [1, 0, 2] } });
  c.b.emit(c.step.outputs[0]!, 'Identity', [out]);
  const returned = c.step.outputs[1];
  if (returned === undefined) return;
  const o = (c.step.args[3] ?? {}) as MultiheadAttentionForwardOptions;
  let ws2 = weights;
  if (o.averageAttnWeights !== false)
    ws2 =
      c.b.opset >= 18
        ? c.b.node('ReduceMean', [weights, c.b.int64s([1], 'axes')], { keepdims: { i: 0 } })
        : c.b.node('ReduceMean', [weights], { axes: { ints: [1] }, keepdims: { i: 0 } });
  if (!batched) ws2 = c.b.node('Squeeze', [ws2, c.b.int64s([0], 'axes')]);
  c.b.emit(returned, 'Identity', [ws2]);
};
