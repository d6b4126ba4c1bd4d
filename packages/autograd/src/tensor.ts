import { type DType, NDArray, isFloat } from '@chainrule/tensor';
import { DTypeError } from '@chainrule/tensor';
import type { Node } from './node.js';
import { AutogradError } from './errors.js';

/** Shared by a tensor and its views: bumped by every in-place write. */
export interface VersionCounter {
  value: number;
}

/** No options: a leaf that needs no grad. */
const NO_INIT: TensorInit = Object.freeze({});

/** The shape and strides of a 0-d array. */
const SCALAR_SHAPE: readonly number[] = Object.freeze([]);
/** What a scalar-path tensor is constructed with before its storage is set. */
const PLACEHOLDER = new NDArray(new Float32Array(1), SCALAR_SHAPE);

/** How a new tensor is made. */
export interface TensorInit {
  requiresGrad?: boolean;
  node?: Node | null;
  version?: VersionCounter;
}

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
  /** The values, once made: a scalar op's result is a number in shared storage until asked for them. */
  private array: NDArray | null;
  /** The storage of a 0-d result of the scalar path (its number is `storage[index]`); else null. */
  private storage: Float32Array | Float64Array | null = null;
  private index = 0;
  /** Whether gradients flow to this tensor. Only float tensors can require grad. */
  requiresGrad: boolean;
  /** The accumulated gradient (leaves, and non-leaves that called `retainGrad()`). */
  grad: Tensor | null = null;
  /** The op that made this tensor; null for a leaf. */
  readonly node: Node | null;
  /** A label for graph pictures and traces. */
  name: string | undefined;
  /** Hooks on a leaf's gradient (a non-leaf's hooks live on its node). */
  hooks: ((grad: Tensor) => Tensor | void)[] | null = null;
  /** Whether backward stores this non-leaf's gradient in `.grad`. */
  retainsGrad = false;
  /** Made on first use: most tensors are never written in place, so they never need one. */
  private counter: VersionCounter | null;

  constructor(value: NDArray, init: TensorInit = NO_INIT) {
    const requiresGrad = init.requiresGrad ?? false;
    if (requiresGrad && !isFloat(value.dtype)) {
      throw new DTypeError('requiresGrad', `only floating point tensors can require gradients, got ${value.dtype}`);
    }
    this.array = value;
    this.requiresGrad = requiresGrad;
    this.node = init.node ?? null;
    this.counter = init.version ?? null;
    if (this.node !== null) {
      this.node.output = this;
      this.node.outputVersion = this.version;
    }
  }

  /**
   * @internal A 0-d float tensor holding `storage[index]` (the scalar path: see ops/scalar-storage.ts);
   * its `value` is made on first use, a view of that same element, so writes through it are seen.
   */
  static ofScalar(storage: Float32Array | Float64Array, index: number, node: Node | null): Tensor {
    const t = new Tensor(PLACEHOLDER, node === null ? NO_INIT : { requiresGrad: true, node });
    t.array = null;
    t.storage = storage;
    t.index = index;
    return t;
  }

  /** The values. */
  get value(): NDArray {
    return this.array ?? this.viewScalar();
  }

  set value(value: NDArray) {
    this.array = value;
    this.storage = null;
  }

  private viewScalar(): NDArray {
    return (this.array = new NDArray(this.storage!, SCALAR_SHAPE, SCALAR_SHAPE, this.index));
  }

  /** @internal The number in a one-element tensor, without checks (the scalar path). */
  readScalar(): number {
    if (this.storage !== null) return this.storage[this.index]!;
    const v = this.array!;
    return v.data[v.offset]!;
  }

  /** Shared by this tensor and its views; bumped by every in-place write to their storage. */
  get versionCounter(): VersionCounter {
    return (this.counter ??= { value: 0 });
  }

  get shape(): readonly number[] { return this.array === null ? SCALAR_SHAPE : this.array.shape; }
  get dtype(): DType { return this.array === null ? (this.storage instanceof Float32Array ? 'float32' : 'float64') : this.array.dtype; }
  get ndim(): number { return this.array === null ? 0 : this.array.shape.length; }
  get size(): number { return this.array === null ? 1 : this.array.size; }
  /** True for tensors made by the user rather than by an op. */
  get isLeaf(): boolean { return this.node === null; }
  /** The in-place version of the storage this tensor sees. */
  get version(): number { return this.counter === null ? 0 : this.counter.value; }

  /** The number in a one-element tensor. */
  item(): number {
    return this.array === null ? this.storage![this.index]! : this.array.item();
  }

  /** The same values, cut off from the graph (shares storage). */
  detach(): Tensor {
    return new Tensor(this.value, { version: this.versionCounter });
  }

  /** Sets requiresGrad on a leaf (returns this, for chaining). */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf && !flag) throw new AutogradError('requiresGrad_', 'only leaves can stop requiring grad; use detach() for a non-leaf');
    if (flag && !isFloat(this.dtype)) throw new DTypeError('requiresGrad', `only floating point tensors can require gradients, got ${this.dtype}`);
    this.requiresGrad = flag;
    return this;
  }

  /**
   * Registers a function applied to this tensor's gradient during backward; it may return a
   * replacement gradient. Returns a function that removes the hook.
   */
  registerHook(hook: (grad: Tensor) => Tensor | void): () => void {
    if (!this.requiresGrad) throw new AutogradError('registerHook', 'cannot register a hook on a tensor that does not require grad');
    const list = this.node !== null ? (this.node.hooks ??= []) : (this.hooks ??= []);
    list.push(hook);
    return () => {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Keeps this non-leaf's gradient in `.grad` after backward. */
  retainGrad(): this {
    if (!this.requiresGrad) throw new AutogradError('retainGrad', 'cannot retain the grad of a tensor that does not require grad');
    this.retainsGrad = true;
    if (this.node !== null) this.node.output = this;
    return this;
  }

  /** Clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad = null;
  }
}
