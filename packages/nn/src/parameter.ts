import { NDArray } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';

/**
 * A learnable tensor: a leaf that requires grad. A `Module` finds the parameters among its own
 * properties (and those given to `registerParameter`), so optimizers and state dicts see them.
 * Set `requiresGrad_(false)` to freeze one: it stays in the state dict, optimizers skip it.
 * Made from a Tensor's values (shared, not copied; the Tensor's graph is not kept) or, for
 * advanced use, from an NDArray.
 * @example
 * ```ts
 * import { Parameter } from '@chainrule/nn';
 * import { zeros } from '@chainrule/autograd';
 * const w = new Parameter(zeros([3, 2]));
 * w.requiresGrad; // true
 * ```
 */
export class Parameter extends Tensor {
  /** The name a module gave (a fuller module path may replace it; a name the user gave stays). */
  #moduleName: string | undefined = undefined;

  constructor(value: Tensor | NDArray, requiresGrad = true) {
    if (!(value instanceof Tensor) && !(value instanceof NDArray)) throw new TypeError('Parameter: expected a Tensor');
    super(value instanceof Tensor ? value.value : value, { requiresGrad });
  }

  /**
   * Names the parameter by its path in a module (`fc1.weight`), for traces and pictures, unless
   * the user named it; a longer path from an enclosing module replaces a shorter one.
   * @internal Called by `Module.namedParameters`.
   */
  nameFromModule(path: string): void {
    if (this.name !== undefined && (this.name !== this.#moduleName || this.name.length >= path.length)) return;
    this.name = path;
    this.#moduleName = path;
  }
}
