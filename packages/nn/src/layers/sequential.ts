import type { Tensor } from '@chainrule/autograd';
import { ModuleError } from '../errors.js';
import { Module } from '../module.js';

/** A module that maps one tensor to one tensor (what `Sequential` chains). */
export type TensorModule = Module<[Tensor], Tensor>;

/**
 * Runs its layers in order, each output feeding the next. The layers are named `0`, `1`, ...
 * so parameters are `0.weight`, `0.bias`, `2.weight`, ...
 * @example
 * ```ts
 * import { Sequential, Linear, Sigmoid } from '@chainrule/nn';
 * const net = new Sequential(new Linear(3, 4), new Sigmoid(), new Linear(4, 2));
 * net.parameterCount(); // 26
 * ```
 */
export class Sequential extends Module {
  private readonly layers: TensorModule[] = [];

  constructor(...layers: TensorModule[]) {
    super();
    for (const layer of layers) this.append(layer);
  }

  /** Adds a layer at the end. Returns this. */
  append(layer: TensorModule): this {
    if (!(layer instanceof Module)) {
      const got =
        layer === null ? 'null' : typeof layer === 'object' ? (layer as object).constructor.name : typeof layer;
      throw new ModuleError('Sequential', `layer ${this.layers.length} must be a Module, got ${got}`);
    }
    this.registerModule(String(this.layers.length), layer as unknown as Module<never, unknown>);
    this.layers.push(layer);
    return this;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): TensorModule | undefined {
    return this.layers.at(index);
  }

  get length(): number {
    return this.layers.length;
  }

  [Symbol.iterator](): Iterator<TensorModule> {
    return this.layers[Symbol.iterator]();
  }

  forward(x: Tensor): Tensor {
    let out = x;
    for (const layer of this.layers) out = layer.forward(out);
    return out;
  }
}
