import { type NDArray, isFloat } from '@chainrule/tensor';
import { checkFinite, checksForward, isAnomalyEnabled } from '../anomaly.js';
import { isGradEnabled } from '../grad-mode.js';
import { Node } from '../node.js';
import { Tensor } from '../tensor.js';
import type { OpName, OpParams } from './params.js';
import { OPS, type OpDef } from './table.js';

/** Ops whose result may share its input's storage, and then its version counter. */
const VIEW_OPS: ReadonlySet<OpName> = new Set<OpName>(['reshape', 'permute', 'expand', 'slice']);

/** Ops whose results never require grad (built on first use: the table and this module import each other). */
let nonDifferentiable: ReadonlySet<OpName> | undefined;
function isNonDifferentiable(op: OpName): boolean {
  nonDifferentiable ??= new Set((Object.keys(OPS) as OpName[]).filter((name) => 'differentiable' in OPS[name]));
  return nonDifferentiable.has(op);
}

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
  if (anomaly) {
    node.stack = new Error().stack;
    if (check) checkFinite('forward', op, value, arrays, node);
  }
  return new Tensor(value, version === undefined ? { requiresGrad: true, node } : { requiresGrad: true, node, version });
}
