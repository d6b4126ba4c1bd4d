/** The options of a backward pass and what its `trace` listener is told. */
import type { Node, Tensor } from '../tensor.js';

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
  /**
   * Run through nodes a backward without retainGraph has already used, where their values were
   * kept (small nodes: see `Node.release`). For the teaching tools' read-only replays, which ask
   * for `targets`, retain the graph and touch no `.grad`; a user's second `backward()` still fails.
   */
  replay?: boolean;
}
