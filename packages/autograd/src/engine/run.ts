/**
 * One backward pass from start to end (engine.ts has the public entry points): count the
 * dependencies, seed the roots, run each node once all its consumers have sent their gradients
 * (from a stack of ready nodes: no recursion), and hand the leaves their gradients. A node whose
 * operands are 0-d floats runs on plain numbers while no graph of the pass is recorded (scalar.ts).
 */
import * as T from '@chainrule/tensor';
import { isAnomalyEnabled } from '../anomaly.js';
import { AutogradError } from '../errors.js';
import type { BackwardStep } from './options.js';
import { cast } from '../ops/defs/cast.js';
import type { Node, ScalarGrad, Tensor } from '../tensor.js';
import { type GradSlot, checkAccumulation, ownedCopy, runHooks, storeGrad } from './accumulate.js';
import { isFreshGrad } from './fresh.js';
import { LeafGrads } from './leaves.js';
import { Pass } from './pass.js';
import { applyRule, checkSavedValues } from './rule.js';
import { gradTensor, rounding, scalarRulesOf } from './scalar.js';
import { countDependencies, countDependenciesToTargets } from './walk.js';

const NO_GRADS: readonly (Tensor | null)[] = [];

/** One backward pass from start to end: the walk, the ready stack, and the gradients summed so far. */
export class BackwardRun {
  private readonly pass: Pass;
  private readonly leaves: LeafGrads;
  private readonly ready: Node[] = [];
  private readonly targetSet: ReadonlySet<Tensor> | undefined;
  private readonly targetGrads = new Map<Tensor, Tensor>();
  /** The gradients of non-leaves that retain theirs, stored with the leaves' once the whole pass has run. */
  private readonly retained: [Tensor, GradSlot][] = [];
  /** Whether nodes may run on numbers: no graph of the backward pass, no trace, no targets to hand back. */
  private readonly scalarPath: boolean;
  /**
   * Whether a leaf may own a fresh gradient a rule made (no recorded backward, no trace that keeps the rules' results).
   */
  private readonly ownsFresh: boolean;

  constructor(
    private readonly createGraph: boolean,
    private readonly retainGraph: boolean,
    private readonly targets: readonly Tensor[] | undefined,
    private readonly trace: ((step: BackwardStep) => void) | undefined,
    private readonly replay = false,
  ) {
    this.pass = new Pass(createGraph);
    this.leaves = new LeafGrads(createGraph);
    this.targetSet = targets === undefined ? undefined : new Set(targets);
    this.scalarPath = !createGraph && trace === undefined && targets === undefined;
    this.ownsFresh = !createGraph && trace === undefined;
  }

  /** Runs the pass; its scratch goes back to the pool when it ends, normally or by an error. */
  run(roots: readonly Tensor[], seeds: readonly Tensor[]): (Tensor | null)[] {
    try {
      const { pass, ready, targetSet } = this;
      if (targetSet === undefined) countDependencies(pass, roots, this.replay);
      else countDependenciesToTargets(pass, roots, targetSet, this.replay);

      for (let r = 0; r < roots.length; r++) {
        const root = roots[r]!;
        if (!root.requiresGrad) continue;
        const seed = checkSeed(root, seeds[r]!);
        const node = root.node;
        if (node === null) {
          if (targetSet === undefined || targetSet.has(root)) this.leaves.sendTensor(root, seed);
          continue;
        }
        if (!pass.runs(node)) continue;
        pass.sendTensor(node, seed);
        if (pass.isReady(node) && !ready.includes(node)) ready.push(node);
      }

      this.drain();
      this.storeLeafGrads();
      const targets = this.targets;
      return targets === undefined ? [] : targets.map((t) => this.targetGrads.get(t) ?? null);
    } finally {
      this.pass.finish();
    }
  }

  /** Runs nodes while some are ready (all their consumers have sent their gradients). */
  private drain(): void {
    const { pass, ready } = this;
    while (ready.length > 0) {
      const node = ready.pop()!;
      const rules = this.scalarPath && pass.hasGrad(node) && !isAnomalyEnabled() ? scalarRulesOf(node) : undefined;
      if (rules !== undefined) this.runScalar(node, rules);
      else this.runNode(node);
      if (!this.retainGraph) node.release();
    }
  }

  /**
   * Leaf hooks see each leaf's total gradient once; then it goes to `.grad` (or to the targets'
   * results). All or nothing: every hook runs and every accumulation is checked before any `.grad`
   * (a leaf's or a retained non-leaf's) changes, so a pass that fails changes none.
   */
  private storeLeafGrads(): void {
    const entries = this.leaves.entries();
    for (let i = 0; i < entries.length; i++) {
      const [leaf, slot] = entries[i]!;
      if (leaf.hooks !== null) runHooks(leaf.hooks, slot, 'a leaf');
    }
    if (this.targetSet !== undefined) {
      for (const [leaf, slot] of entries) this.targetGrads.set(leaf, ownedCopy(slot, this.createGraph));
      return;
    }
    const retained = this.retained;
    for (const [t, slot] of retained) checkAccumulation(t, slot);
    for (let i = 0; i < entries.length; i++) checkAccumulation(entries[i]![0], entries[i]![1]);
    for (const [t, slot] of retained) storeGrad(t, slot, this.createGraph);
    for (let i = 0; i < entries.length; i++) storeGrad(entries[i]![0], entries[i]![1], this.createGraph);
  }

  /** Runs `node`'s rule on tensors and sends each input its gradient. */
  private runNode(node: Node): void {
    const { pass, targetSet } = this;
    const inputs = node.inputs;
    let gradInputs = NO_GRADS;
    const slot = pass.takeTensor(node, node.output!.dtype);
    if (slot !== null) {
      if (node.hooks !== null) runHooks(node.hooks, slot, `the output of '${node.op}'`);
      const out = node.output;
      if (out !== null) {
        if (out.retainsGrad && targetSet === undefined)
          this.retained.push([out, { grad: slot.grad, owned: slot.owned }]);
        if (targetSet?.has(out)) this.targetGrads.set(out, ownedCopy(slot, this.createGraph));
      }
      if (targetSet === undefined || anyInputRuns(pass, node, targetSet)) {
        const g = slot.grad;
        gradInputs = applyRule(node, g);
        if (this.trace !== undefined) this.trace({ node, gradOutput: g, gradInputs });
      }
    }
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      if (!input.requiresGrad) continue;
      const gi = gradInputs[i] ?? null;
      const child = input.node;
      if (child === null) {
        if (gi !== null && (targetSet === undefined || targetSet.has(input))) {
          this.leaves.sendTensor(input, gi, this.ownsFresh && isFreshGrad(node, slot!.grad, gradInputs, i));
        }
        continue;
      }
      if (!pass.runs(child)) continue;
      if (gi !== null) pass.sendTensor(child, gi);
      if (pass.dependencyDone(child)) this.ready.push(child);
    }
  }

  /** Runs `node`'s scalar rules on numbers and sends the numbers on (see engine/scalar.ts). */
  private runScalar(node: Node, rules: readonly ScalarGrad[]): void {
    const pass = this.pass;
    const out = node.output!;
    const dtype = out.dtype;
    const g = pass.takeNumber(node);
    if (out.retainsGrad) this.retained.push([out, { grad: gradTensor(g, dtype), owned: true }]);
    checkSavedValues(node);
    const inputs = node.inputs;
    const round = rounding(dtype);
    // the operands' numbers, read in place (0-d views: element `offset` of their storage)
    const av = inputs[0]!.value,
      ov = out.value;
    const a = av.data[av.offset]!,
      o = ov.data[ov.offset]!;
    let b = NaN;
    if (inputs.length > 1) {
      const bv = inputs[1]!.value;
      b = bv.data[bv.offset]!;
    }
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      if (!input.requiresGrad) continue;
      const child = input.node;
      if (child === null) {
        this.leaves.sendNumber(input, rules[i]!(g, a, b, o, round), round);
        continue;
      }
      if (!pass.runs(child)) continue;
      pass.sendNumber(child, rules[i]!(g, a, b, o, round), round, dtype);
      if (pass.dependencyDone(child)) this.ready.push(child);
    }
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
    throw new AutogradError(
      'backward',
      `gradOutput has shape ${T.fmtShape(seed.shape)}, expected the output's shape ${T.fmtShape(root.shape)}`,
    );
  }
  if (seed.dtype === root.dtype) return seed;
  if (!T.isFloat(seed.dtype) && seed.dtype !== 'int32') {
    throw new T.DTypeError('backward', `gradOutput must be a number tensor, got ${seed.dtype}`);
  }
  return cast(seed, root.dtype);
}
