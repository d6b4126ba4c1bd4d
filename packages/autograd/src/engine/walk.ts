/**
 * The first half of a backward pass: find the nodes it must run and, for each, how many
 * consumers will send it a gradient. Iterative (explicit stacks), so any depth works.
 *
 * The per-pass bookkeeping lives in scratch fields on the nodes themselves (no hash maps on
 * the hot path). A pass that starts inside another (a hook calling backward) saves the outer
 * pass's scratch of every node it takes over and puts it back when it ends.
 */
import { AutogradError } from '../errors.js';
import type { Node } from '../node.js';
import type { Tensor } from '../tensor.js';

let nextPassId = 1;
/** Ids of the passes running now, outermost first. */
const activePasses: number[] = [];

interface SavedScratch {
  readonly node: Node;
  readonly runId: number;
  readonly deps: number;
  readonly needed: boolean;
  readonly grad: Tensor | null;
  readonly gradOwned: boolean;
}

/** One backward pass's claim on the nodes it visits. */
export class Pass {
  readonly id = nextPassId++;
  private readonly saved: SavedScratch[] = [];

  constructor() {
    activePasses.push(this.id);
  }

  /** Makes `node` part of this pass, with fresh scratch; false if it already was. */
  claim(node: Node): boolean {
    if (node.runId === this.id) return false;
    if (activePasses.length > 1 && activePasses.includes(node.runId)) {
      this.saved.push({ node, runId: node.runId, deps: node.deps, needed: node.needed, grad: node.grad, gradOwned: node.gradOwned });
    }
    node.runId = this.id;
    node.deps = 0;
    node.needed = true;
    node.grad = null;
    node.gradOwned = false;
    return true;
  }

  /** Whether `node` belongs to this pass and must run. */
  runs(node: Node): boolean {
    return node.runId === this.id && node.needed;
  }

  /** Ends the pass: an outer pass gets its scratch back. */
  finish(): void {
    for (let i = this.saved.length - 1; i >= 0; i--) {
      const s = this.saved[i]!;
      s.node.runId = s.runId;
      s.node.deps = s.deps;
      s.node.needed = s.needed;
      s.node.grad = s.grad;
      s.node.gradOwned = s.gradOwned;
    }
    const at = activePasses.lastIndexOf(this.id);
    if (at >= 0) activePasses.splice(at, 1);
  }
}

function freedError(node: Node): AutogradError {
  return new AutogradError('backward', `trying to backward through the graph a second time (the saved values of '${node.op}' were freed by the first backward); pass { retainGraph: true } to the first backward if you need to`);
}

/** Claims every node reachable from the roots through tensors that require grad, counting the edges into each. */
export function countDependencies(pass: Pass, roots: readonly Tensor[]): void {
  const stack: Node[] = [];
  for (const root of roots) {
    if (root.requiresGrad && root.node !== null && pass.claim(root.node)) stack.push(root.node);
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.freed) throw freedError(node);
    const inputs = node.inputs;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      if (!input.requiresGrad) continue;
      const child = input.node;
      if (child === null) continue;
      if (pass.claim(child)) stack.push(child);
      child.deps++;
    }
  }
}

/**
 * Like countDependencies, but prunes the graph to the nodes that lead to a target: a node is
 * needed when its output is a target or one of its inputs is a target leaf or a needed node.
 * An iterative post-order walk decides that; only edges between needed nodes are counted.
 */
export function countDependenciesToTargets(pass: Pass, roots: readonly Tensor[], targets: ReadonlySet<Tensor>): void {
  const nodes: Node[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (!root.requiresGrad || root.node === null || !pass.claim(root.node)) continue;
    root.node.needed = false;
    nodes.push(root.node);
    next.push(0);
  }
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const node = nodes[top]!;
    const i = next[top]!;
    if (i === 0 && node.freed) throw freedError(node);
    const inputs = node.inputs;
    if (i < inputs.length) {
      next[top] = i + 1;
      const input = inputs[i]!;
      if (!input.requiresGrad) continue;
      const child = input.node;
      if (child === null) {
        if (targets.has(input)) node.needed = true;
      } else if (pass.claim(child)) {
        child.needed = false;
        nodes.push(child);
        next.push(0);
      } else if (child.needed) node.needed = true;
      continue;
    }
    // all inputs done: decide, count the edges to needed children, tell the parent
    nodes.pop();
    next.pop();
    if (node.output !== null && targets.has(node.output)) node.needed = true;
    if (!node.needed) continue;
    for (let k = 0; k < inputs.length; k++) {
      const child = inputs[k]!.node;
      if (child !== null && inputs[k]!.requiresGrad && pass.runs(child)) child.deps++;
    }
    if (nodes.length > 0) nodes[nodes.length - 1]!.needed = true;
  }
}
