import type { OpName } from './ops/params.js';
import type { Tensor } from './tensor.js';

let nextId = 0;

/**
 * One recorded op in the graph: which op, its tensor inputs (the graph's edges), its
 * parameters, and the version of each input when it ran, so that an in-place edit of a
 * saved value is caught at backward time.
 */
export class Node {
  readonly id = nextId++;
  /** The inputs; emptied once backward has used this node (unless the graph is retained). */
  inputs: readonly Tensor[];
  /** The tensor this node made; kept for rules that read the output (exp, tanh, sigmoid...). */
  output: Tensor | null = null;
  readonly inputVersions: readonly number[];
  outputVersion = 0;
  /** Set after a backward without retainGraph: the saved values are gone. */
  freed = false;
  /** Hooks registered on the (non-leaf) output tensor, applied to its gradient. */
  hooks: ((grad: Tensor) => Tensor | void)[] | null = null;
  /** Where the op was created (only recorded in anomaly mode). */
  stack: string | undefined;

  constructor(readonly op: OpName, inputs: readonly Tensor[], readonly params: unknown) {
    this.inputs = inputs;
    this.inputVersions = inputs.map((t) => t.version);
  }
}
