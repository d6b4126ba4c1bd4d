import * as T from '@chainrule/tensor';
import { AutogradError, type BackwardStep, Tensor, runBackward } from '@chainrule/autograd';
import type { GraphView } from './graph.js';

/** What one traced backward pass saw: every chain-rule step, and ∂root/∂t for every tensor. */
export interface BackwardRecord {
  /** The engine's steps, in the order it ran them (a reverse topological order). */
  readonly steps: readonly BackwardStep[];
  /** ∂root/∂t for every tensor of the graph that requires grad (summed over all its uses). */
  readonly gradients: ReadonlyMap<Tensor, Tensor>;
  /** The seed: ∂root/∂root. */
  readonly seed: Tensor;
}

/**
 * Runs the engine from the graph's root with `trace` and `retainGraph`, asking for the gradient
 * of every tensor in the graph (`targets`), so no `.grad` is touched and the graph can be used
 * again (by another trace, or by the user's own `backward()`). It also reads a graph that the
 * user's `backward()` has already used, where the engine kept its (small) values.
 */
export function recordBackward(graph: GraphView, caller: string, gradOutput?: Tensor): BackwardRecord {
  const root = graph.root.tensor;
  if (!root.requiresGrad) {
    throw new AutogradError(
      caller,
      'the output does not require grad, so there is no chain rule to show ' +
        '(create the inputs with { requiresGrad: true })',
    );
  }
  let seed: Tensor;
  if (gradOutput === undefined) {
    if (root.numel() !== 1)
      throw new AutogradError(
        caller,
        `grad can be implicitly created only for scalar outputs; ` +
          `got shape ${T.fmtShape(root.shape)}: pass { gradOutput }`,
      );
    seed = new Tensor(T.ones(root.shape, root.dtype));
  } else {
    if (!T.shapesEqual(gradOutput.shape, root.shape)) {
      throw new AutogradError(
        caller,
        `gradOutput has shape ${T.fmtShape(gradOutput.shape)}, expected the output's shape ${T.fmtShape(root.shape)}`,
      );
    }
    seed = gradOutput;
  }
  const targets = graph.nodes.filter((n) => n.tensor.requiresGrad).map((n) => n.tensor);
  const steps: BackwardStep[] = [];
  // replay: a graph that a plain backward() has used is read again where its values were kept
  const grads = runBackward([root], [seed], {
    targets,
    retainGraph: true,
    replay: true,
    trace: (step) => steps.push(step),
  });
  const gradients = new Map<Tensor, Tensor>();
  targets.forEach((t, i) => {
    const g = grads[i];
    if (g !== null && g !== undefined) gradients.set(t, g);
  });
  return { steps, gradients, seed };
}
