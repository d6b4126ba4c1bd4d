/**
 * The first half of a backward pass: find the nodes it must run and, for each, how many
 * consumers will send it a gradient. Iterative (explicit stacks), so any depth works. The
 * counts live in the pass's scratch arrays (pass.ts), not in hash maps.
 */
import { AutogradError } from '../errors.js';
import type { Node, Tensor } from '../tensor.js';
import type { Pass } from './pass.js';

function freedError(node: Node): AutogradError {
  return new AutogradError(
    'backward',
    `trying to backward through the graph a second time (the saved values of '${node.op}' were freed by the ` +
      `first backward); pass { retainGraph: true } to the first backward if you need to`,
  );
}

/** Claims every node reachable from the roots through tensors that require grad, counting the edges into each. */
export function countDependencies(pass: Pass, roots: readonly Tensor[], replay = false): void {
  const stack: Node[] = [];
  for (const root of roots) {
    if (root.requiresGrad && root.node !== null && pass.claim(root.node)) stack.push(root.node);
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.freed || (node.released && !replay)) throw freedError(node);
    const inputs = node.inputs;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      if (!input.requiresGrad) continue;
      const child = input.node;
      if (child === null) continue;
      if (pass.claim(child)) stack.push(child);
      pass.addDependency(child);
    }
  }
}

/**
 * Like countDependencies, but prunes the graph to the nodes that lead to a target: a node is
 * needed when its output is a target or one of its inputs is a target leaf or a needed node.
 * An iterative post-order walk decides that; only edges between needed nodes are counted.
 */
export function countDependenciesToTargets(
  pass: Pass,
  roots: readonly Tensor[],
  targets: ReadonlySet<Tensor>,
  replay = false,
): void {
  const nodes: Node[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (!root.requiresGrad || root.node === null || !pass.claim(root.node)) continue;
    pass.setNeeded(root.node, false);
    nodes.push(root.node);
    next.push(0);
  }
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const node = nodes[top]!;
    const i = next[top]!;
    if (i === 0 && (node.freed || (node.released && !replay))) throw freedError(node);
    const inputs = node.inputs;
    if (i < inputs.length) {
      next[top] = i + 1;
      const input = inputs[i]!;
      if (!input.requiresGrad) continue;
      const child = input.node;
      if (child === null) {
        if (targets.has(input)) pass.setNeeded(node, true);
      } else if (pass.claim(child)) {
        pass.setNeeded(child, false);
        nodes.push(child);
        next.push(0);
      } else if (pass.isNeeded(child)) pass.setNeeded(node, true);
      continue;
    }
    // all inputs done: decide, count the edges to needed children, tell the parent
    nodes.pop();
    next.pop();
    if (node.output !== null && targets.has(node.output)) pass.setNeeded(node, true);
    if (!pass.isNeeded(node)) continue;
    for (let k = 0; k < inputs.length; k++) {
      const child = inputs[k]!.node;
      if (child !== null && inputs[k]!.requiresGrad && pass.runs(child)) pass.addDependency(child);
    }
    if (nodes.length > 0) pass.setNeeded(nodes[nodes.length - 1]!, true);
  }
}
