import type { OpName } from './ops/params.js';
import type { ScalarGrad } from './ops/table.js';
import type { Tensor } from './tensor.js';

let nextId = 0;

/** Shared version lists of 0..3 inputs that all are at version 0. */
const ZEROS: readonly (readonly number[])[] = [0, 1, 2, 3].map((n) => Object.freeze(new Array<number>(n).fill(0)));

/** The inputs a node holds after backward has freed it. */
const NO_INPUTS: readonly Tensor[] = Object.freeze([]);

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
  /** Hooks registered on the (non-leaf) output tensor, applied to its gradient. */
  hooks: ((grad: Tensor) => Tensor | void)[] | null = null;
  /** Where the op was created (only recorded in anomaly mode). */
  stack: string | undefined;
  /** The op's rules on numbers, set when its operands and output are 0-d floats of one dtype (see engine/scalar.ts). */
  scalarRules: readonly ScalarGrad[] | undefined = undefined;

  /** @internal The backward pass that last claimed this node (see engine/pass.ts). */
  runId = 0;
  /** @internal This node's index in that pass's scratch arrays. */
  slot = 0;

  constructor(readonly op: OpName, inputs: readonly Tensor[], readonly params: unknown) {
    this.inputs = inputs;
    let versions: number[] | undefined;
    for (let i = 0; i < inputs.length; i++) {
      const v = inputs[i]!.version;
      if (v !== 0 && versions === undefined) versions = new Array<number>(inputs.length).fill(0);
      if (versions !== undefined) versions[i] = v;
    }
    // inputs never written in place (nearly all) share one array of zeros
    this.inputVersions = versions ?? (inputs.length < ZEROS.length ? ZEROS[inputs.length]! : new Array<number>(inputs.length).fill(0));
  }

  /** Set after a backward without retainGraph: the saved values are gone. */
  get freed(): boolean {
    return this.inputs === NO_INPUTS;
  }

  /** Drops the saved inputs and output (after a backward without retainGraph). */
  release(): void {
    this.inputs = NO_INPUTS;
    this.output = null;
  }
}
