/**
 * Which gradients a leaf may keep without a copy. A rule's result normally goes to `.grad` as a
 * copy (engine/accumulate.ts: ownedCopy), because it may alias storage someone else holds: add's
 * rule passes its incoming gradient through to both inputs, reshape and permute return views of
 * it, a custom op's backward may return anything. A result is fresh, and the engine may own it,
 * when none of that can be: a built-in rule made it as one new contiguous array (no view of the
 * incoming gradient, of the node's inputs or output, and not returned for two inputs).
 */
import type { Node, Tensor } from '../tensor.js';

/**
 * Whether `grads[i]`, which the rule of `node` returned from incoming gradient `g`, is storage no
 * one else holds: a whole, row-major array of more than one element (0-d and 1-element results,
 * where cached constants live, are left to the copy) that shares no typed array with `g`, the
 * node's inputs and output, or another entry of `grads`.
 */
export function isFreshGrad(node: Node, g: Tensor, grads: readonly (Tensor | null)[], i: number): boolean {
  if (node.op === 'custom') return false;
  const v = grads[i]!.value;
  const data = v.data;
  if (v.size <= 1 || v.offset !== 0 || !v.isContiguous || data.length !== v.size || data === g.value.data) return false;
  for (let j = 0; j < grads.length; j++) {
    const other = grads[j];
    if (j !== i && other !== null && other !== undefined && other.value.data === data) return false;
  }
  const inputs = node.inputs;
  for (let j = 0; j < inputs.length; j++) if (inputs[j]!.value.data === data) return false;
  return node.output === null || node.output.value.data !== data;
}
