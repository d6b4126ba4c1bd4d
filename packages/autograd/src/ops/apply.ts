import type { NDArray } from '@chainrule/tensor';
import { checkFinite, isAnomalyEnabled } from '../anomaly.js';
import { isGradEnabled } from '../grad-mode.js';
import { Node } from '../node.js';
import { Tensor } from '../tensor.js';
import type { OpName, OpParams } from './params.js';
import { OPS, type OpDef } from './table.js';

/** Ops whose result shares its input's storage, and so its version counter. */
const VIEW_OPS: ReadonlySet<OpName> = new Set<OpName>(['reshape', 'permute', 'expand', 'slice']);

/**
 * Runs op `op` forward and, when grad mode is on and some input requires grad, records a node
 * so backward can apply the op's rule.
 */
export function apply<K extends OpName>(op: K, inputs: readonly Tensor[], params: OpParams[K]): Tensor {
  const def = OPS[op] as OpDef<OpParams[K]>;
  const arrays: NDArray[] = new Array<NDArray>(inputs.length);
  let needsGrad = false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i]!;
    arrays[i] = t.value;
    if (t.requiresGrad) needsGrad = true;
  }
  const value = def.forward(arrays, params);
  const anomaly = isAnomalyEnabled();
  const version = VIEW_OPS.has(op) ? inputs[0]!.versionCounter : undefined;
  if (!needsGrad || !isGradEnabled() || 'differentiable' in def) {
    if (anomaly) checkFinite('forward', op, value, arrays, null);
    return new Tensor(value, version === undefined ? {} : { version });
  }
  const node = new Node(op, inputs, params);
  if (anomaly) {
    node.stack = new Error().stack;
    checkFinite('forward', op, value, arrays, node);
  }
  return new Tensor(value, version === undefined ? { requiresGrad: true, node } : { requiresGrad: true, node, version });
}
