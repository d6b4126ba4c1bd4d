import * as T from '@chainrule/tensor';
import { checkFinite, isAnomalyEnabled } from './anomaly.js';
import { AutogradError } from './errors.js';
import { enableGrad, noGrad } from './grad-mode.js';
import type { Node } from './node.js';
import { OPS, type DifferentiableOp, type RuleContext } from './ops/table.js';
import { add } from './ops/functions.js';
import { Tensor } from './tensor.js';

/** Options of `backward`. */
export interface BackwardOptions {
  /** Keep the graph's saved values so backward can run through it again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
}

/** One step of the chain rule, reported to a `trace` listener (the teaching tools use it). */
export interface BackwardStep {
  readonly node: Node;
  /** ∂root/∂(this node's output), summed over all its uses. */
  readonly gradOutput: Tensor;
  /** ∂root/∂(each input) through this node alone (null where none flows). */
  readonly gradInputs: readonly (Tensor | null)[];
}

/** Internal options: gradients for given tensors instead of accumulating into `.grad`. */
export interface EngineOptions extends BackwardOptions {
  /** Return gradients for these tensors (in order) and leave every `.grad` alone. */
  targets?: readonly Tensor[];
  /** Called for every node as its rule runs. */
  trace?: (step: BackwardStep) => void;
}

/**
 * Runs the chain rule from `roots` (seeded with `seeds`) back through the graph, iteratively:
 * a first pass counts, for each node, how many consumers will send it a gradient; a second
 * pass runs a node's rule once all of them have, starting from a stack of ready nodes.
 * No recursion, so graphs of any depth work.
 */
export function runBackward(roots: readonly Tensor[], seeds: readonly Tensor[], options: EngineOptions = {}): (Tensor | null)[] {
  const { createGraph = false, targets, trace } = options;
  const retainGraph = options.retainGraph ?? createGraph; // as PyTorch: a recorded backward keeps the graph
  const run = (): (Tensor | null)[] => {
    const deps = countDependencies(roots);
    const pending = new Map<Node, Tensor>();
    const leafGrads = new Map<Tensor, Tensor>();
    const targetSet = targets ? new Set(targets) : undefined;
    const targetGrads = new Map<Tensor, Tensor>();

    const accumulate = <K>(map: Map<K, Tensor>, key: K, g: Tensor): void => {
      const prev = map.get(key);
      map.set(key, prev === undefined ? g : add(prev, g));
    };
    roots.forEach((root, i) => {
      const seed = seeds[i]!;
      if (root.node !== null) accumulate(pending, root.node, seed);
      else accumulate(leafGrads, root, seed);
    });

    const ready: Node[] = [];
    for (const root of roots) if (root.node !== null && deps.get(root.node) === 0 && !ready.includes(root.node)) ready.push(root.node);

    while (ready.length > 0) {
      const node = ready.pop()!;
      let g = pending.get(node);
      pending.delete(node);
      const inputs = node.inputs;
      let gradInputs: readonly (Tensor | null)[] = [];
      if (g !== undefined) {
        if (node.hooks !== null) for (const hook of node.hooks) g = hook(g) ?? g;
        const out = node.output;
        if (out !== null && out.retainsGrad) out.grad = createGraph ? g : g.detach();
        if (targetSet?.has(out as Tensor)) accumulate(targetGrads, out as Tensor, g);
        gradInputs = applyRule(node, g);
        if (trace) trace({ node, gradOutput: g, gradInputs });
      }
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i]!;
        if (!input.requiresGrad) continue;
        const gi = gradInputs[i] ?? null;
        if (input.node === null) {
          if (gi !== null) accumulate(leafGrads, input, gi);
          continue;
        }
        if (gi !== null) accumulate(pending, input.node, gi);
        const left = deps.get(input.node)! - 1;
        deps.set(input.node, left);
        if (left === 0) ready.push(input.node);
      }
      if (!retainGraph) free(node);
    }

    for (const [leaf, total] of leafGrads) {
      let g = total;
      if (leaf.hooks !== null) for (const hook of leaf.hooks) g = hook(g) ?? g;
      if (targetSet !== undefined) {
        if (targetSet.has(leaf)) accumulate(targetGrads, leaf, g);
        continue;
      }
      const stored = createGraph ? g : g.detach();
      leaf.grad = leaf.grad === null ? stored : createGraph ? add(leaf.grad, stored) : add(leaf.grad.detach(), stored);
    }
    return targets ? targets.map((t) => targetGrads.get(t) ?? null) : [];
  };
  return createGraph ? enableGrad(run) : noGrad(run);
}

/** For every node reachable from the roots through tensors that require grad: how many edges point at it. */
function countDependencies(roots: readonly Tensor[]): Map<Node, number> {
  const deps = new Map<Node, number>();
  const stack: Node[] = [];
  for (const root of roots) {
    if (root.node !== null && !deps.has(root.node)) {
      deps.set(root.node, 0);
      stack.push(root.node);
    }
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.freed) {
      throw new AutogradError('backward', `trying to backward through the graph a second time (the saved values of '${node.op}' were freed by the first backward); pass { retainGraph: true } to the first backward if you need to`);
    }
    for (const input of node.inputs) {
      const child = input.node;
      if (child === null || !input.requiresGrad) continue;
      const seen = deps.get(child);
      if (seen === undefined) {
        deps.set(child, 1);
        stack.push(child);
      } else deps.set(child, seen + 1);
    }
  }
  return deps;
}

/** Runs a node's derivative rule after checking that its saved values were not edited in place. */
function applyRule(node: Node, g: Tensor): readonly (Tensor | null)[] {
  const def = OPS[node.op] as DifferentiableOp<unknown>;
  checkVersions(node, def.uses);
  const ctx: RuleContext<unknown> = { inputs: node.inputs, output: node.output!, params: node.params };
  const grads = def.backward(g, ctx);
  const anomaly = isAnomalyEnabled();
  for (let i = 0; i < node.inputs.length; i++) {
    const gi = grads[i];
    const x = node.inputs[i]!;
    if (gi === null || gi === undefined) continue;
    if (!T.shapesEqual(gi.shape, x.shape)) {
      throw new AutogradError(node.op, `the derivative rule returned a gradient of shape ${T.fmtShape(gi.shape)} for input ${i} of shape ${T.fmtShape(x.shape)}`);
    }
    if (anomaly) checkFinite('backward', node.op, gi.value, [g.value, ...node.inputs.map((t) => t.value)], node, ` in the gradient of input ${i}`);
  }
  return grads;
}

function checkVersions(node: Node, uses: string): void {
  if (uses === 'inputs' || uses === 'both') {
    node.inputs.forEach((x, i) => {
      if (x.version !== node.inputVersions[i]) throw versionError(node, `input ${i}`, x, node.inputVersions[i]!);
    });
  }
  if ((uses === 'output' || uses === 'both') && node.output !== null && node.output.version !== node.outputVersion) {
    throw versionError(node, 'output', node.output, node.outputVersion);
  }
}

function versionError(node: Node, which: string, t: Tensor, expected: number): AutogradError {
  return new AutogradError('backward', `one of the tensors needed for gradient computation has been modified by an in-place operation: the ${which} of '${node.op}' (shape ${T.fmtShape(t.shape)}) is at version ${t.version}; expected version ${expected}`);
}

/** Drops what a used node holds, so its values can be collected. */
function free(node: Node): void {
  node.freed = true;
  node.inputs = [];
  node.output = null;
}

/**
 * `y.backward()`: accumulates ∂y/∂leaf into every leaf's `.grad`. A non-scalar `y` needs
 * `gradOutput` (the vector of the vector-Jacobian product).
 */
export function backward(root: Tensor, gradOutput?: Tensor | number, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new AutogradError('backward', 'this tensor does not require grad and has no graph (did you create the inputs with { requiresGrad: true }, or run under noGrad?)');
  }
  let seed: Tensor;
  if (gradOutput === undefined) {
    if (root.size !== 1) throw new AutogradError('backward', `grad can be implicitly created only for scalar outputs; got shape ${T.fmtShape(root.shape)}: pass gradOutput`);
    seed = new Tensor(T.ones(root.shape, root.dtype));
  } else if (typeof gradOutput === 'number') {
    seed = new Tensor(T.full(root.shape, gradOutput, root.dtype));
  } else {
    if (!T.shapesEqual(gradOutput.shape, root.shape)) {
      throw new AutogradError('backward', `gradOutput has shape ${T.fmtShape(gradOutput.shape)}, expected the output's shape ${T.fmtShape(root.shape)}`);
    }
    seed = gradOutput;
  }
  runBackward([root], [seed], options);
}
