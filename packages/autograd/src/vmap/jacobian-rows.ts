/**
 * The rows of a Jacobian in one batched reverse pass: `vmap` over the rows of the identity as
 * cotangents (what `jacobian(f, { vectorize: true })` runs instead of one pass per output element).
 */
import * as T from '@chainrule/tensor';
import { runBackward } from '../engine.js';
import { Tensor } from '../tensor.js';
import { vmap } from './vmap.js';

/**
 * Row j of the result k is the gradient of `output`'s element j with respect to `inputs[k]`:
 * shape `[output.numel(), ...inputs[k].shape]`. Kept in the graph when `createGraph`, else detached.
 * @example
 * ```ts
 * const [rows] = jacobianRows(y, [x], false); // y = f(x) recorded, x requires grad
 * ```
 */
export function jacobianRows(output: Tensor, inputs: readonly Tensor[], createGraph: boolean): Tensor[] {
  const n = output.numel();
  if (!output.requiresGrad) return inputs.map((x) => new Tensor(T.zeros([n, ...x.shape], x.dtype)));
  const eye = T.zeros([n, ...output.shape], output.dtype);
  for (let j = 0; j < n; j++) eye.data[j * n + j] = 1;
  const rows = vmap((e: Tensor) =>
    // recorded inside vmap: the sums of gradients must go through the ops and their batching rules
    runBackward([output], [e], { targets: inputs, createGraph: true, retainGraph: true }).map(
      (g, k) => g ?? new Tensor(T.zeros(inputs[k]!.shape, inputs[k]!.dtype)),
    ),
  )(new Tensor(eye));
  return createGraph ? rows : rows.map((r) => r.detach());
}
