/** Dtype conversion: the one op every other family uses to promote its operands. */
import * as T from '@chainrule/tensor';
import type { DType } from '@chainrule/tensor';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { op, records } from '../records.js';

export const CAST_OPS = records({
  // d cast(x) = 1, cast back to x's dtype
  cast: op<{ dtype: DType }>({
    infer: (inputs, p) => ({ shape: inputs[0]!.shape, dtype: p.dtype }),
    forward: (inputs, p) => T.cast(inputs[0]!, p.dtype),
    uses: 'none',
    vjp: (g, { inputs: [x] }) => [cast(g, x!.dtype)],
    formula: {
      kind: 'elementwise',
      args: ['x'],
      out: 'x',
      d: ['1'],
      show: (c) => `cast(${c.inputs[0]}, ${c.params.dtype})`,
    },
  }),
});

/**
 * Converts to another dtype; the gradient is cast back.
 * @example
 * ```ts
 * cast(tensor([1.5, 2]), 'int32').toArray(); // [1, 2]
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return apply(CAST_OPS.cast, [x], { dtype });
}

/** The method form `x.cast(dtype)`. */
export const CAST_METHODS = { cast };
