/**
 * The recorded graph's vocabulary: `Tensor` (a value that may require grad), `Node` (the op that
 * made a tensor, with its inputs and parameters) and `OpRecord` (everything about one op: its
 * shape inference, kernel, derivative rule and formula). The three refer to each other, so they
 * live in one module; the records themselves are in ops/defs/, the engine in engine/.
 */
import { type DType, DTypeError, type NDArray, isFloat, normalizeAxis } from '@chainrule/tensor';
import { AutogradError } from './errors.js';
import type { Formula } from './ops/formula.js';
import { REGISTRY, UNKNOWN, type VersionCounter, counterOf, findCounter, isCounter } from './versions.js';

export type { VersionCounter } from './versions.js';

/** How a new tensor is made. */
export interface TensorInit {
  requiresGrad?: boolean;
  node?: Node | null;
  /** The counter to share; by default the one of the value's storage (see versions.ts). */
  version?: VersionCounter;
  /**
   * @internal The value's storage was just allocated, so no other tensor sees it and it has no
   * counter yet (spares the first version read a look-up).
   */
  fresh?: boolean;
}

/** No options: a leaf that needs no grad. */
const NO_INIT: TensorInit = Object.freeze({});

/**
 * A function applied to a gradient during backward: it returns a replacement gradient of the
 * same shape and dtype, or nothing (undefined) to keep the gradient as it is.
 */
export type GradHook = ((grad: Tensor) => Tensor) | ((grad: Tensor) => void);

/**
 * A differentiable n-d array. It wraps an `NDArray` (`value`) and records every op applied to
 * it in a graph, so `backward()` can apply the chain rule from an output back to every leaf
 * that requires grad.
 *
 * @example
 * ```ts
 * import { tensor } from '@chainrule/autograd';
 * const x = tensor(-2, { requiresGrad: true, dtype: 'float64' });
 * const y = tensor(5, { requiresGrad: true, dtype: 'float64' });
 * const z = tensor(-4, { requiresGrad: true, dtype: 'float64' });
 * const f = x.add(y).mul(z);
 * f.backward();
 * [x.grad!.item(), y.grad!.item(), z.grad!.item()]; // [-4, -4, 3]
 * ```
 */
export class Tensor {
  /** The values (an n-d array; a view of another tensor's storage after a view op). */
  value: NDArray;
  /** Whether gradients flow to this tensor. Only float tensors can require grad. */
  requiresGrad: boolean;
  /** The accumulated gradient (leaves, and non-leaves that called `retainGrad()`). */
  grad: Tensor | null = null;
  /** The op that made this tensor; null for a leaf. */
  readonly node: Node | null;
  /** A label for graph pictures and traces. */
  name: string | undefined;
  /** Hooks on a leaf's gradient (a non-leaf's hooks live on its node). */
  hooks: GradHook[] | null = null;
  /** Whether backward stores this non-leaf's gradient in `.grad`. */
  retainsGrad = false;
  /**
   * The storage's counter once found or made, else a placeholder (see versions.ts): most storage is
   * never written in place, so never needs one.
   */
  private counter: VersionCounter;

  constructor(value: NDArray, init: TensorInit = NO_INIT) {
    const requiresGrad = init.requiresGrad ?? false;
    // (float32 or float64 written out: this runs once per recorded op, scalar ops included)
    if (requiresGrad && value.dtype !== 'float32' && value.dtype !== 'float64') {
      throw new DTypeError('requiresGrad', `only floating point tensors can require gradients, got ${value.dtype}`);
    }
    this.value = value;
    this.requiresGrad = requiresGrad;
    this.node = init.node ?? null;
    this.counter = init.version ?? (init.fresh === true ? REGISTRY.none : UNKNOWN);
    if (this.node !== null) {
      this.node.output = this;
      this.node.outputVersion = this.version;
    }
  }

  /**
   * The version counter of this tensor's storage, shared by every tensor that sees the storage
   * (views, `detach()`, other tensors around the same array); bumped by every in-place write to it.
   */
  get versionCounter(): VersionCounter {
    if (!isCounter(this.counter)) this.counter = counterOf(this.value);
    return this.counter;
  }

  get shape(): readonly number[] {
    return this.value.shape;
  }
  get dtype(): DType {
    return this.value.dtype;
  }
  get ndim(): number {
    return this.value.shape.length;
  }
  /**
   * The shape, as PyTorch's `size()`: a new array; `size(dim)` is one dimension (negative counts
   * from the end). The element count is `numel()`.
   *
   * @example
   * ```ts
   * const x = tensor([[1, 2, 3], [4, 5, 6]]);
   * x.size(); // [2, 3]
   * x.size(-1); // 3
   * ```
   */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this.value.shape];
    return this.value.shape[normalizeAxis('size', dim, this.value.shape.length)]!;
  }
  /**
   * The number of elements, as PyTorch's `numel()`.
   *
   * @example
   * ```ts
   * tensor([[1, 2, 3], [4, 5, 6]]).numel(); // 6
   * ```
   */
  numel(): number {
    return this.value.size;
  }
  /** True for tensors made by the user rather than by an op. */
  get isLeaf(): boolean {
    return this.node === null;
  }
  /** The in-place version of the storage this tensor sees. */
  get version(): number {
    // a counter's value, or 0 from the current placeholder; a retired placeholder (-1) looks again
    const v = this.counter.value;
    return v >= 0 ? v : this.findVersion();
  }

  /** Looks up the storage's counter (a write through another tensor may have made one). */
  private findVersion(): number {
    const c = findCounter(this.value);
    this.counter = c ?? REGISTRY.none;
    return this.counter.value;
  }

  /** The number in a one-element tensor. */
  item(): number {
    return this.value.item();
  }

  /** The same values, cut off from the graph (shares storage, hence the version counter). */
  detach(): Tensor {
    return isCounter(this.counter) ? new Tensor(this.value, { version: this.counter }) : new Tensor(this.value);
  }

  /** Sets requiresGrad on a leaf (returns this, for chaining). */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf && !flag)
      throw new AutogradError('requiresGrad_', 'only leaves can stop requiring grad; use detach() for a non-leaf');
    if (flag && !isFloat(this.dtype))
      throw new DTypeError('requiresGrad', `only floating point tensors can require gradients, got ${this.dtype}`);
    this.requiresGrad = flag;
    return this;
  }

  /**
   * Registers a function applied to this tensor's gradient during backward; it may return a
   * replacement gradient. Returns a function that removes the hook.
   */
  registerHook(hook: GradHook): () => void {
    if (!this.requiresGrad)
      throw new AutogradError('registerHook', 'cannot register a hook on a tensor that does not require grad');
    const owner = this.node ?? this; // a non-leaf's hooks live on its node
    owner.hooks ??= [];
    const list = owner.hooks;
    list.push(hook);
    return () => {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Keeps this non-leaf's gradient in `.grad` after backward. */
  retainGrad(): this {
    if (!this.requiresGrad)
      throw new AutogradError('retainGrad', 'cannot retain the grad of a tensor that does not require grad');
    this.retainsGrad = true;
    if (this.node !== null) this.node.output = this;
    return this;
  }

  /** Clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad = null;
  }

  /** Nested JS arrays of the values. */
  toArray(): unknown {
    return this.value.toArray();
  }

  /** The values as PyTorch prints them, with the op that made the tensor or `requiresGrad=true`. */
  toString(): string {
    const body = this.value
      .toString()
      .replace(/^array\(/, 'tensor(')
      .replace(/\n {6}/g, '\n       ');
    const extra = this.node !== null ? `, op=${this.node.op}` : this.requiresGrad ? ', requiresGrad=true' : '';
    return body.replace(/\)$/, `${extra})`);
  }

  /** `console.log(t)` and `util.inspect(t)` in Node print the values, as `toString` does. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Which recorded values a rule reads; an in-place edit of one of them before backward is an error. */
export type Uses = 'none' | 'inputs' | 'output' | 'both';

/** What a derivative rule sees: the op's inputs and output (as graph tensors) and its parameters. */
export interface RuleContext<P> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly params: P;
}

/**
 * One input's gradient on plain numbers, for 0-d float operands (the scalar path of the engine):
 * `g` the incoming gradient, `a` and `b` the inputs' values (`b` is NaN for a unary op), `out` the
 * output's value, and `r` rounds to the operands' dtype (`Math.fround` for float32). It must round
 * every intermediate result exactly where the tensor rule's ops store one, so both give the same bits.
 * @example
 * ```ts
 * // tanh's rule g.mul(out.square().neg().add(1))... stores three results, so it rounds three times
 * const tanhGrad: ScalarGrad = (g, _x, _y, out, r) => r(g * r(1 - r(out * out)));
 * ```
 */
export type ScalarGrad = (g: number, a: number, b: number, out: number, r: (v: number) => number) => number;

/** An elementwise op on plain numbers: its value and each input's gradient (see `ScalarGrad`). */
export interface ScalarRule {
  /** The op on one or two numbers, in float64 (as the TypeScript kernel maps it over arrays). */
  readonly forward: (a: number, b: number) => number;
  readonly grads: readonly ScalarGrad[];
}

/** The shape and dtype of an array, without its values: what shape inference works on. */
export interface ArrayMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A derivative rule: one gradient per input (null where none flows), written with differentiable ops. */
export type Vjp<P> = (g: Tensor, ctx: RuleContext<P>) => readonly (Tensor | null)[];

/**
 * Everything about one op, in one place: its name and parameters (`P`), shape and dtype inference,
 * the kernel it runs, its vector-Jacobian product (written with differentiable ops, so gradients of
 * gradients work; null when it is not differentiable), its scalar twin for the fast path of 0-d
 * floats, and its formula for the teaching tools. `infer` and `forward` work on arrays alone, with
 * no `Tensor`. The records are in ops/defs/, one file per family.
 */
export interface OpRecord<P = unknown> {
  readonly name: string;
  /** The output's shape and dtype from the inputs' (inputs already broadcast and promoted). */
  readonly infer: (inputs: readonly ArrayMeta[], params: P) => ArrayMeta;
  /** Runs the kernel on arrays. */
  readonly forward: (inputs: readonly NDArray[], params: P) => NDArray;
  /** Which saved values `vjp` reads (an in-place edit of one is caught at backward time). */
  readonly uses: Uses;
  readonly vjp: Vjp<P> | null;
  /** The same op and rule on numbers, for 0-d float operands of one dtype. */
  readonly scalar?: ScalarRule;
  /**
   * Whether the result may be a view of the first input. Informational: the recorder finds any
   * storage a result shares with an input by itself, and the result then shares its version counter.
   */
  readonly view?: boolean;
  readonly formula: Formula<P>;
}

let nextId = 0;

/** Shared version lists of 0..3 inputs that all are at version 0. */
const ZEROS: readonly (readonly number[])[] = [0, 1, 2, 3].map((n) => Object.freeze(new Array<number>(n).fill(0)));

/** The most elements a saved value may have to be kept after a backward without retainGraph. */
export const KEEP_ELEMENTS = 1024;

/** The inputs a node holds after backward has freed it. */
const NO_INPUTS: readonly Tensor[] = Object.freeze([]);

/**
 * One recorded op in the graph: its record, its tensor inputs (the graph's edges), its
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
  hooks: GradHook[] | null = null;
  /** Where the op was created (only recorded in anomaly mode). */
  stack: string | undefined;
  /** The op's rules on numbers, set when its operands and output are 0-d floats of one dtype (see engine/scalar.ts). */
  scalarRules: readonly ScalarGrad[] | undefined = undefined;

  /** @internal The backward pass that last claimed this node (see engine/pass.ts). */
  runId = 0;
  /** @internal This node's index in that pass's scratch arrays. */
  slot = 0;

  constructor(
    readonly record: OpRecord<unknown>,
    inputs: readonly Tensor[],
    readonly params: unknown,
  ) {
    this.inputs = inputs;
    let versions: number[] | undefined;
    for (let i = 0; i < inputs.length; i++) {
      const v = inputs[i]!.version;
      if (v !== 0 && versions === undefined) versions = new Array<number>(inputs.length).fill(0);
      if (versions !== undefined) versions[i] = v;
    }
    // inputs never written in place (nearly all) share one array of zeros
    this.inputVersions =
      versions ?? (inputs.length < ZEROS.length ? ZEROS[inputs.length]! : new Array<number>(inputs.length).fill(0));
  }

  /** The op's name (its record's). */
  get op(): string {
    return this.record.name;
  }

  /** Set by a backward without retainGraph: a second backward through this node is an error. */
  released = false;

  /** Set after a backward without retainGraph dropped the saved values (see `release`). */
  get freed(): boolean {
    return this.inputs === NO_INPUTS;
  }

  /**
   * After a backward without retainGraph: marks the node used, and drops its saved inputs and
   * output unless all are small (at most `KEEP_ELEMENTS` elements each), so that the graph of a
   * lecture-sized computation stays whole for the teaching tools (`explain(f)` after
   * `f.backward()`) while a model's activations are freed as before.
   */
  release(): void {
    this.released = true;
    const large =
      (this.output !== null && this.output.value.size > KEEP_ELEMENTS) ||
      this.inputs.some((input) => input.value.size > KEEP_ELEMENTS);
    if (large) this.drop();
  }

  private drop(): void {
    this.inputs = NO_INPUTS;
    this.output = null;
  }
}
