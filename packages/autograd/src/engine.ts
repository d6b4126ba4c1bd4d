import * as T from '@chainrule/tensor';
import { AutogradError } from './errors.js';
import { enableGrad, noGrad } from './grad-mode.js';
import type { Node } from './node.js';
import { cast } from './ops/functions.js';
import { Tensor } from './tensor.js';
import { type GradSlot, addGradients, ownedCopy, runHooks, storeGrad } from './engine/accumulate.js';
import { applyRule } from './engine/rule.js';
import { Pass, countDependencies, countDependenciesToTargets } from './engine/walk.js';

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
  /**
   * Return gradients for these tensors (in order; null where none flows) and leave every
   * `.grad` alone. Only the part of the graph that leads to a target runs.
   */
  targets?: readonly Tensor[];
  /** Called for every node as its rule runs. */
  trace?: (step: BackwardStep) => void;
}

const NO_GRADS: readonly (Tensor | null)[] = [];

/**
 * Runs the chain rule from `roots` (seeded with `seeds`, one per root, of the root's shape)
 * back through the graph, iteratively: a first pass counts, for each node, how many consumers
 * will send it a gradient; a second pass runs a node's rule once all of them have, starting
 * from a stack of ready nodes. No recursion, so graphs of any depth work. Roots that do not
 * require grad contribute nothing.
 *
 * Without `targets`, gradients accumulate into the `.grad` of every leaf that requires grad
 * (and of non-leaves that called `retainGrad()`); with `targets`, they are returned instead.
 * @example
 * ```ts
 * const x = tensor([1, 2], { requiresGrad: true });
 * const [gx] = runBackward([x.square()], [tensor([1, 1])], { targets: [x] }); // [2, 4]
 * ```
 */
export function runBackward(roots: readonly Tensor[], seeds: readonly Tensor[], options: EngineOptions = {}): (Tensor | null)[] {
  if (seeds.length !== roots.length) throw new AutogradError('backward', `got ${seeds.length} seeds for ${roots.length} roots`);
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph; // as PyTorch: a recorded backward keeps the graph
  const run = (): (Tensor | null)[] => backwardPass(roots, seeds, createGraph, retainGraph, options.targets, options.trace);
  return createGraph ? enableGrad(run) : noGrad(run);
}

function backwardPass(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  createGraph: boolean,
  retainGraph: boolean,
  targets: readonly Tensor[] | undefined,
  trace: ((step: BackwardStep) => void) | undefined,
): (Tensor | null)[] {
  const pass = new Pass();
  try {
    const targetSet = targets === undefined ? undefined : new Set(targets);
    if (targetSet === undefined) countDependencies(pass, roots);
    else countDependenciesToTargets(pass, roots, targetSet);

    const leafSlots = new Map<Tensor, GradSlot>();
    const targetGrads = new Map<Tensor, Tensor>();

    const sendToLeaf = (leaf: Tensor, g: Tensor): void => {
      const s = leafSlots.get(leaf);
      if (s === undefined) leafSlots.set(leaf, { grad: g, owned: false });
      else addGradients(s, g, createGraph);
    };
    const sendToNode = (node: Node, g: Tensor): void => {
      if (node.grad === null) {
        node.grad = g;
        node.gradOwned = false;
        return;
      }
      const sum: GradSlot = { grad: node.grad, owned: node.gradOwned };
      addGradients(sum, g, createGraph);
      node.grad = sum.grad;
      node.gradOwned = sum.owned;
    };

    const ready: Node[] = [];
    for (let r = 0; r < roots.length; r++) {
      const root = roots[r]!;
      if (!root.requiresGrad) continue;
      const seed = checkSeed(root, seeds[r]!);
      const node = root.node;
      if (node === null) {
        if (targetSet === undefined || targetSet.has(root)) sendToLeaf(root, seed);
        continue;
      }
      if (!pass.runs(node)) continue;
      sendToNode(node, seed);
      if (node.deps === 0 && !ready.includes(node)) ready.push(node);
    }

    while (ready.length > 0) {
      const node = ready.pop()!;
      const inputs = node.inputs;
      let gradInputs = NO_GRADS;
      if (node.grad !== null) {
        const slot: GradSlot = { grad: node.grad, owned: node.gradOwned };
        node.grad = null;
        if (node.hooks !== null) runHooks(node.hooks, slot, `the output of '${node.op}'`);
        const out = node.output;
        if (out !== null) {
          if (out.retainsGrad && targetSet === undefined) storeGrad(out, slot, createGraph);
          if (targetSet !== undefined && targetSet.has(out)) targetGrads.set(out, ownedCopy(slot, createGraph));
        }
        if (targetSet === undefined || anyInputRuns(pass, node, targetSet)) {
          const g = slot.grad;
          gradInputs = applyRule(node, g);
          if (trace !== undefined) trace({ node, gradOutput: g, gradInputs });
        }
      }
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i]!;
        if (!input.requiresGrad) continue;
        const gi = gradInputs[i] ?? null;
        const child = input.node;
        if (child === null) {
          if (gi !== null && (targetSet === undefined || targetSet.has(input))) sendToLeaf(input, gi);
          continue;
        }
        if (!pass.runs(child)) continue;
        if (gi !== null) sendToNode(child, gi);
        if (--child.deps === 0) ready.push(child);
      }
      if (!retainGraph) node.release();
    }

    for (const [leaf, s] of leafSlots) {
      if (leaf.hooks !== null) runHooks(leaf.hooks, s, 'a leaf');
      if (targetSet === undefined) storeGrad(leaf, s, createGraph);
      else targetGrads.set(leaf, ownedCopy(s, createGraph));
    }
    return targets === undefined ? [] : targets.map((t) => targetGrads.get(t) ?? null);
  } finally {
    pass.finish();
  }
}

/** In a pass with targets: whether any input of `node` leads to a target (else its rule is skipped). */
function anyInputRuns(pass: Pass, node: Node, targets: ReadonlySet<Tensor>): boolean {
  for (const input of node.inputs) {
    if (!input.requiresGrad) continue;
    if (input.node === null ? targets.has(input) : pass.runs(input.node)) return true;
  }
  return false;
}

/** A seed must have its root's shape; a seed of another dtype is cast to the root's (as PyTorch). */
function checkSeed(root: Tensor, seed: Tensor): Tensor {
  if (!T.shapesEqual(seed.shape, root.shape)) {
    throw new AutogradError('backward', `gradOutput has shape ${T.fmtShape(seed.shape)}, expected the output's shape ${T.fmtShape(root.shape)}`);
  }
  if (seed.dtype === root.dtype) return seed;
  if (!T.isFloat(seed.dtype) && seed.dtype !== 'int32') {
    throw new T.DTypeError('backward', `gradOutput must be a number tensor, got ${seed.dtype}`);
  }
  return cast(seed, root.dtype);
}

/**
 * `y.backward()`: accumulates ∂y/∂leaf into every leaf's `.grad`. A non-scalar `y` needs
 * `gradOutput` (the vector of the vector-Jacobian product).
 */
export function backward(root: Tensor, gradOutput?: Tensor | number, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new AutogradError('backward', 'element 0 of tensors does not require grad and does not have a graph (did you create the inputs with { requiresGrad: true }, or run under noGrad?)');
  }
  let seed: Tensor;
  if (gradOutput === undefined) {
    if (root.size !== 1) throw new AutogradError('backward', `grad can be implicitly created only for scalar outputs; got shape ${T.fmtShape(root.shape)}: pass gradOutput`);
    seed = new Tensor(T.ones(root.shape, root.dtype));
  } else if (typeof gradOutput === 'number') {
    seed = new Tensor(T.full(root.shape, gradOutput, root.dtype));
  } else {
    seed = gradOutput;
  }
  runBackward([root], [seed], options);
}
