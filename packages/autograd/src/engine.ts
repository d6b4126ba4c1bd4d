import * as T from '@chainrule/tensor';
import { AutogradError } from './errors.js';
import { setGradEnabled } from './grad-mode.js';
import { Tensor } from './tensor.js';
import { BackwardRun } from './engine/run.js';
import { checkOperand } from './ops/operands.js';
import { gradTensor } from './engine/scalar.js';
import type { BackwardOptions, EngineOptions } from './engine/options.js';

export type { BackwardOptions, BackwardStep, EngineOptions } from './engine/options.js';

/**
 * Runs the chain rule from `roots` (seeded with `seeds`, one per root, of the root's shape)
 * back through the graph, iteratively: a first pass counts, for each node, how many consumers
 * will send it a gradient; a second pass runs a node's rule once all of them have, starting
 * from a stack of ready nodes. No recursion, so graphs of any depth work. Roots that do not
 * require grad contribute nothing.
 *
 * Without `targets`, gradients accumulate into the `.grad` of every leaf that requires grad
 * (and of non-leaves that called `retainGrad()`); with `targets`, they are returned instead.
 * @example
 * ```ts
 * const x = tensor([1, 2], { requiresGrad: true });
 * const [gx] = runBackward([x.square()], [tensor([1, 1])], { targets: [x] }); // [2, 4]
 * ```
 */
export function runBackward(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  options: EngineOptions = {},
): (Tensor | null)[] {
  if (seeds.length !== roots.length)
    throw new AutogradError('backward', `got ${seeds.length} seeds for ${roots.length} roots`);
  for (let i = 0; i < roots.length; i++) {
    checkOperand('backward', roots[i], `root ${i}`, false);
    checkOperand('backward', seeds[i], `seed ${i}`, false);
  }
  const targets = options.targets ?? [];
  for (let i = 0; i < targets.length; i++) checkOperand('backward', targets[i], `target ${i}`, false);
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph; // as PyTorch: a recorded backward keeps the graph
  const before = setGradEnabled(createGraph); // the backward pass is recorded only when creating a graph
  try {
    return new BackwardRun(createGraph, retainGraph, options.targets, options.trace, options.replay === true).run(
      roots,
      seeds,
    );
  } finally {
    setGradEnabled(before);
  }
}

/**
 * `y.backward()`: accumulates ∂y/∂leaf into every leaf's `.grad`. A non-scalar `y` needs
 * `gradOutput` (the vector of the vector-Jacobian product). The options may come first, as in
 * `y.backward({ retainGraph: true })`.
 */
export function backward(
  root: Tensor,
  gradOutput?: Tensor | number | BackwardOptions,
  options: BackwardOptions = {},
): void {
  if (gradOutput !== null && typeof gradOutput === 'object' && !(gradOutput instanceof Tensor)) {
    if (Object.keys(options).length > 0)
      throw new AutogradError('backward', 'options were given twice: pass them either first or after gradOutput');
    options = gradOutput;
    gradOutput = undefined;
  }
  if (!root.requiresGrad) {
    throw new AutogradError(
      'backward',
      'element 0 of tensors does not require grad and does not have a graph ' +
        '(did you create the inputs with { requiresGrad: true }, or run under noGrad?)',
    );
  }
  let seed: Tensor;
  if (gradOutput === undefined) {
    if (root.numel() !== 1)
      throw new AutogradError(
        'backward',
        `grad can be implicitly created only for scalar outputs; got shape ${T.fmtShape(root.shape)}: pass gradOutput`,
      );
    seed = root.ndim === 0 ? gradTensor(1, root.dtype) : new Tensor(T.ones(root.shape, root.dtype));
  } else if (typeof gradOutput === 'number') {
    seed = new Tensor(T.full(root.shape, gradOutput, root.dtype));
  } else {
    checkOperand('backward', gradOutput, 'gradOutput');
    seed = gradOutput;
  }
  runBackward([root], [seed], options);
}
