import { type NDArray, SCALAR_BINARY, SCALAR_UNARY, isFloat } from '@chainrule/tensor';
import { checkFinite, checksForward, isAnomalyEnabled } from '../anomaly.js';
import { isGradEnabled } from '../grad-mode.js';
import { Node } from '../node.js';
import { Tensor } from '../tensor.js';
import { isFloatScalar } from './forward.js';
import { scalarTensor } from './scalar-storage.js';
import type { OpName, OpParams } from './params.js';
import { OPS, type DifferentiableOp, type OpDef } from './table.js';

/** Ops whose result may share its input's storage, and then its version counter. */
const VIEW_OPS: ReadonlySet<OpName> = new Set<OpName>(['reshape', 'permute', 'expand', 'slice']);

/** Ops whose results never require grad (built on first use: the table and this module import each other). */
let nonDifferentiable: ReadonlySet<OpName> | undefined;
function isNonDifferentiable(op: OpName): boolean {
  nonDifferentiable ??= new Set((Object.keys(OPS) as OpName[]).filter((name) => 'differentiable' in OPS[name]));
  return nonDifferentiable.has(op);
}

/** Parameters of the ops that take none. */
const NONE: Record<string, never> = Object.freeze({}) as Record<string, never>;

/**
 * Runs op `op` forward and, when grad mode is on and some input requires grad, records a node
 * so backward can apply the op's rule. Results that are not floating point (casts to int, masks)
 * never require grad.
 */
export function apply<K extends OpName>(op: K, inputs: readonly Tensor[], params: OpParams[K]): Tensor {
  const def = OPS[op] as OpDef<OpParams[K]>;
  const n = inputs.length;
  const arrays: NDArray[] = new Array<NDArray>(n);
  let needsGrad = false;
  for (let i = 0; i < n; i++) {
    const t = inputs[i]!;
    arrays[i] = t.value;
    if (t.requiresGrad) needsGrad = true;
  }
  const value = def.forward(arrays, params);
  const anomaly = isAnomalyEnabled();
  const check = anomaly && checksForward();
  // a view shares its input's version counter (an in-place write through either is seen by both)
  const version = n > 0 && value.data === arrays[0]!.data && VIEW_OPS.has(op) ? inputs[0]!.versionCounter : undefined;
  if (!needsGrad || !isGradEnabled() || isNonDifferentiable(op) || !isFloat(value.dtype)) {
    if (check) checkFinite('forward', op, value, arrays, null);
    return version === undefined ? new Tensor(value) : new Tensor(value, { version });
  }
  const node = new Node(op, inputs, params);
  const rules = (def as DifferentiableOp<OpParams[K]>).scalar;
  if (rules !== undefined && allFloatScalars(value, arrays)) node.scalarRules = rules;
  if (anomaly) {
    node.stack = new Error().stack;
    if (check) checkFinite('forward', op, value, arrays, node);
  }
  return new Tensor(value, version === undefined ? { requiresGrad: true, node } : { requiresGrad: true, node, version });
}

/** Whether `value` and every input are 0-d float arrays of one dtype (so the node can use its scalar rules). */
function allFloatScalars(value: NDArray, arrays: readonly NDArray[]): boolean {
  if (!isFloatScalar(value)) return false;
  for (const x of arrays) if (x.shape.length !== 0 || x.dtype !== value.dtype) return false;
  return true;
}

/** Differentiable elementwise unary ops that take no parameters (the scalar path's unary ops). */
export type ScalarUnaryName = 'neg' | 'abs' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'square' | 'reciprocal' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'erf' | 'softplus';
/** Differentiable elementwise binary ops (the scalar path's binary ops). */
export type ScalarBinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

/**
 * `apply(op, [x])` for a 0-d float32/float64 `x` (the caller checks): the same result and graph,
 * computed with the op's scalar definition directly, without the array dispatch.
 */
export function applyScalarUnary(op: ScalarUnaryName, x: Tensor): Tensor {
  return record(op, [x], SCALAR_UNARY[op](x.readScalar()), x.dtype as 'float32' | 'float64', x.requiresGrad);
}

/** `apply(op, [a, b])` for 0-d float tensors of one dtype (the caller checks), as applyScalarUnary. */
export function applyScalarBinary(op: ScalarBinaryName, a: Tensor, b: Tensor): Tensor {
  return record(op, [a, b], SCALAR_BINARY[op](a.readScalar(), b.readScalar()), a.dtype as 'float32' | 'float64', a.requiresGrad || b.requiresGrad);
}

/**
 * The result tensor of a scalar-path op, with its node when the graph is recorded. Anomaly mode
 * (forward checks, creation stacks) takes the general `apply`, which gives the same value and node.
 */
function record(op: ScalarUnaryName | ScalarBinaryName, inputs: readonly Tensor[], v: number, dtype: 'float32' | 'float64', needsGrad: boolean): Tensor {
  if (isAnomalyEnabled()) return apply(op, inputs, NONE);
  if (!needsGrad || !isGradEnabled()) return scalarTensor(v, dtype, null);
  const node = new Node(op, inputs, NONE);
  node.scalarRules = (OPS[op] as DifferentiableOp<unknown>).scalar;
  return scalarTensor(v, dtype, node);
}
