/**
 * One backward pass's scratch space: for every node it visits, the count of consumers that have
 * not yet sent their gradient, whether it must run, and the gradient summed so far. The scratch
 * lives in arrays of the pass, indexed by a slot each node gets when the pass claims it (in the
 * order the walk finds them), so a recorded node carries only two small numbers for the engine
 * and a pass allocates nothing per node. A pass that starts inside another (a hook calling
 * backward) takes over the nodes it visits and gives them back to the outer pass when it ends.
 */
import type { DType } from '@chainrule/tensor';
import type { Node, Tensor } from '../tensor.js';
import { type GradSlot, addGradients } from './accumulate.js';
import { gradTensor } from './scalar.js';

let nextPassId = 1;
/** Ids of the passes running now, outermost first. */
const activePasses: number[] = [];

/** What a node's gradient slot holds. */
const EMPTY = 0,
  TENSOR = 1,
  OWNED_TENSOR = 2,
  NUMBER = 3;

/** A node's claim by an outer pass, saved while an inner pass uses the node. */
interface SavedClaim {
  readonly node: Node;
  readonly runId: number;
  readonly slot: number;
}

/** The per-node arrays of a pass, indexed by slot; a finished pass leaves them to the next one. */
interface Scratch {
  deps: Int32Array;
  needed: Uint8Array;
  kinds: Uint8Array;
  numbers: Float64Array;
  tensors: (Tensor | null)[];
}

/** Scratch of at most this many entries is kept for the next pass (small graphs run often; big ones rarely). */
const MAX_POOLED = 1 << 16;
let pooled: Scratch | null = null;

function newScratch(capacity: number): Scratch {
  return {
    deps: new Int32Array(capacity),
    needed: new Uint8Array(capacity),
    kinds: new Uint8Array(capacity),
    numbers: new Float64Array(capacity),
    tensors: [],
  };
}

export class Pass {
  readonly id = nextPassId++;
  private readonly saved: SavedClaim[] = [];
  private size = 0;
  private deps: Int32Array;
  private needed: Uint8Array;
  /** EMPTY, TENSOR (a tensor someone else may hold: never written), OWNED_TENSOR (the engine's own) or NUMBER. */
  private kinds: Uint8Array;
  private numbers: Float64Array;
  private tensors: (Tensor | null)[];

  /** `createGraph`: sums of gradients are recorded (so they can be differentiated again). */
  constructor(private readonly createGraph: boolean) {
    activePasses.push(this.id);
    const scratch = pooled ?? newScratch(256);
    pooled = null;
    this.deps = scratch.deps;
    this.needed = scratch.needed;
    this.kinds = scratch.kinds;
    this.numbers = scratch.numbers;
    this.tensors = scratch.tensors;
  }

  /**
   * Makes `node` part of this pass, with fresh scratch (needed, no dependencies, no gradient); false if it already was.
   */
  claim(node: Node): boolean {
    if (node.runId === this.id) return false;
    if (activePasses.length > 1 && activePasses.includes(node.runId))
      this.saved.push({ node, runId: node.runId, slot: node.slot });
    if (this.size === this.deps.length) this.grow();
    const slot = this.size++;
    node.runId = this.id;
    node.slot = slot;
    this.deps[slot] = 0;
    this.needed[slot] = 1;
    this.kinds[slot] = EMPTY;
    this.tensors.push(null);
    return true;
  }

  private grow(): void {
    const n = this.deps.length * 2;
    const deps = new Int32Array(n),
      needed = new Uint8Array(n),
      kinds = new Uint8Array(n),
      numbers = new Float64Array(n);
    deps.set(this.deps);
    needed.set(this.needed);
    kinds.set(this.kinds);
    numbers.set(this.numbers);
    this.deps = deps;
    this.needed = needed;
    this.kinds = kinds;
    this.numbers = numbers;
  }

  /** Whether `node` belongs to this pass and must run. */
  runs(node: Node): boolean {
    return node.runId === this.id && this.needed[node.slot] === 1;
  }

  /** Whether a claimed `node` must run. */
  isNeeded(node: Node): boolean {
    return this.needed[node.slot] === 1;
  }

  /** Marks a claimed `node` as needed or not (the walk to targets decides). */
  setNeeded(node: Node, needed: boolean): void {
    this.needed[node.slot] = needed ? 1 : 0;
  }

  /** One more consumer of a claimed `node` will send it a gradient. */
  addDependency(node: Node): void {
    this.deps[node.slot]!++;
  }

  /** A consumer of `node` is done; true when it was the last one (the node is ready). */
  dependencyDone(node: Node): boolean {
    return --this.deps[node.slot]! === 0;
  }

  /** Whether no consumer of a claimed `node` is left to send it a gradient. */
  isReady(node: Node): boolean {
    return this.deps[node.slot] === 0;
  }

  /** Whether some gradient has reached `node`. */
  hasGrad(node: Node): boolean {
    return this.kinds[node.slot] !== EMPTY;
  }

  /** Adds tensor `g` to `node`'s gradient. */
  sendTensor(node: Node, g: Tensor): void {
    const slot = node.slot;
    let kind = this.kinds[slot]!;
    if (kind === NUMBER) {
      this.tensors[slot] = gradTensor(this.numbers[slot]!, g.dtype);
      kind = OWNED_TENSOR;
    }
    if (kind === EMPTY) {
      this.tensors[slot] = g;
      this.kinds[slot] = TENSOR;
      return;
    }
    const sum: GradSlot = { grad: this.tensors[slot]!, owned: kind === OWNED_TENSOR };
    addGradients(sum, g, this.createGraph);
    this.tensors[slot] = sum.grad;
    this.kinds[slot] = sum.owned ? OWNED_TENSOR : TENSOR;
  }

  /** Adds number `g` (the scalar path) to the gradient of `node`, whose output is 0-d of `dtype`. */
  sendNumber(node: Node, g: number, round: (v: number) => number, dtype: DType): void {
    const slot = node.slot;
    const kind = this.kinds[slot];
    if (kind === NUMBER) this.numbers[slot] = round(this.numbers[slot]! + g);
    else if (kind === EMPTY) {
      this.numbers[slot] = g;
      this.kinds[slot] = NUMBER;
    } else this.sendTensor(node, gradTensor(g, dtype));
  }

  /** Takes `node`'s gradient as a tensor (null if none came), leaving the slot empty. */
  takeTensor(node: Node, dtype: DType): GradSlot | null {
    const slot = node.slot;
    const kind = this.kinds[slot];
    this.kinds[slot] = EMPTY;
    if (kind === EMPTY) return null;
    if (kind === NUMBER) return { grad: gradTensor(this.numbers[slot]!, dtype), owned: true };
    const grad = this.tensors[slot]!;
    this.tensors[slot] = null;
    return { grad, owned: kind === OWNED_TENSOR };
  }

  /** Takes `node`'s gradient, which must have come and be 0-d, as a number, leaving the slot empty. */
  takeNumber(node: Node): number {
    const slot = node.slot;
    const kind = this.kinds[slot];
    this.kinds[slot] = EMPTY;
    if (kind === NUMBER) return this.numbers[slot]!;
    const grad = this.tensors[slot]!;
    this.tensors[slot] = null;
    const v = grad.value;
    return v.data[v.offset]!;
  }

  /** Ends the pass: an outer pass gets its nodes back. */
  finish(): void {
    for (let i = this.saved.length - 1; i >= 0; i--) {
      const s = this.saved[i]!;
      s.node.runId = s.runId;
      s.node.slot = s.slot;
    }
    const at = activePasses.lastIndexOf(this.id);
    if (at >= 0) activePasses.splice(at, 1);
    if (this.deps.length <= MAX_POOLED) {
      this.tensors.length = 0; // drop the gradients it still holds
      pooled = {
        deps: this.deps,
        needed: this.needed,
        kinds: this.kinds,
        numbers: this.numbers,
        tensors: this.tensors,
      };
    }
  }
}
