/**
 * What an ONNX op implementation of `loadOnnx` sees of its node: its attributes, read with defaults, and an
 * error that names the node, its op type and the opset.
 */
import type { Tensor } from '@chainrule/autograd';
import { OnnxImportError } from './errors.js';
import type { ImportAttr, ImportNode } from './import-decode.js';

/** What an op implementation sees of its node. */
export interface OpContext {
  readonly node: ImportNode;
  readonly opset: number;
  /** An error naming this node, its op type and the opset. */
  fail(detail: string): OnnxImportError;
  int(name: string, fallback: number): number;
  float(name: string, fallback: number): number;
  str(name: string, fallback: string): string;
  ints(name: string): readonly number[] | undefined;
  attr(name: string): ImportAttr | undefined;
}

/** One ONNX operator on chainrule ops. */
export type OnnxOp = (inputs: readonly (Tensor | undefined)[], ctx: OpContext) => Tensor[];

/** The integer values of a (static) shape or axes tensor. */
export function valuesOf(t: Tensor | undefined, ctx: OpContext, what: string): number[] {
  if (t === undefined) throw ctx.fail(`missing input '${what}'`);
  return Array.from(t.value.contiguous().data, Number);
}

/** Input `i`, which the op requires. */
export const need = (xs: readonly (Tensor | undefined)[], i: number, ctx: OpContext): Tensor => {
  const x = xs[i];
  if (x === undefined) throw ctx.fail(`input ${i} is required`);
  return x;
};
/** The OpContext of `node` in a model of default-domain opset `opset`. */
export function context(node: ImportNode, opset: number): OpContext {
  const where = `node '${node.name}' (${node.opType}, opset ${opset})`;
  const fail = (detail: string): OnnxImportError => new OnnxImportError(where, detail);
  const get = (name: string): ImportAttr | undefined => node.attributes.get(name);
  const num = (name: string, fallback: number): number => {
    const v = get(name);
    if (v === undefined) return fallback;
    if (typeof v !== 'number') throw fail(`attribute '${name}' should be a number`);
    return v;
  };
  return {
    node,
    opset,
    fail,
    attr: get,
    int: num,
    float: num,
    str: (name, fallback) => {
      const v = get(name);
      return typeof v === 'string' ? v : fallback;
    },
    ints: (name) => {
      const v = get(name);
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.some((e) => typeof e !== 'number')) throw fail(`attribute '${name}' should be ints`);
      return v as number[];
    },
  };
}
