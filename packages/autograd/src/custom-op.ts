/** User-defined ops: a forward on arrays and a backward written with tensor ops, as one record. */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { AutogradError } from './errors.js';
import { apply } from './ops/apply.js';
import { op, records } from './ops/records.js';
import { checkOperand, kindOf } from './ops/operands.js';
import { type RuleContext, Tensor } from './tensor.js';

/** A user-defined op: a forward on arrays and a backward written with tensor ops. */
export interface CustomOpDefinition {
  /** A name for errors, traces and graph pictures. */
  name: string;
  /** Computes the output from the inputs' values. */
  forward: (...inputs: NDArray[]) => NDArray;
  /**
   * One gradient per input (or null), given the output's gradient, the inputs and the output.
   * Write it with differentiable tensor ops if you want gradients of gradients.
   */
  backward: (grad: Tensor, inputs: readonly Tensor[], output: Tensor) => readonly (Tensor | null)[];
}

/** What a recorded custom op carries. */
export interface CustomParams {
  readonly definition: CustomOpDefinition;
}

/** Checks what a custom backward returned: one gradient per input, each of its input's shape and dtype. */
function customBackward(g: Tensor, ctx: RuleContext<CustomParams>): readonly (Tensor | null)[] {
  const { definition } = ctx.params;
  const grads = definition.backward(g, ctx.inputs, ctx.output);
  if (!Array.isArray(grads)) {
    throw new AutogradError(
      definition.name,
      `backward must return an array of gradients (a Tensor or null per input), got ${kindOf(grads)}`,
    );
  }
  if (grads.length !== ctx.inputs.length) {
    throw new AutogradError(
      definition.name,
      `backward returned ${grads.length} gradients for ${ctx.inputs.length} inputs`,
    );
  }
  grads.forEach((gi, i) => {
    const x = ctx.inputs[i]!;
    if (gi !== null && !(gi instanceof Tensor)) {
      throw new AutogradError(
        definition.name,
        `backward returned ${kindOf(gi)} for input ${i}; expected a Tensor of shape ${T.fmtShape(x.shape)} or null`,
      );
    }
    if (gi !== null && !T.shapesEqual(gi.shape, x.shape)) {
      throw new AutogradError(
        definition.name,
        `backward returned a gradient of shape ${T.fmtShape(gi.shape)} for input ${i} of shape ${T.fmtShape(x.shape)}`,
      );
    }
    if (gi !== null && gi.dtype !== x.dtype) {
      throw new AutogradError(
        definition.name,
        `backward returned a ${gi.dtype} gradient for input ${i} of dtype ${x.dtype}`,
      );
    }
  });
  return grads;
}

/** Runs a custom forward and checks that it returned an array. */
function customForward(definition: CustomOpDefinition, inputs: readonly NDArray[]): NDArray {
  const out = definition.forward(...inputs);
  if (!(out instanceof T.NDArray)) {
    throw new AutogradError(definition.name, `forward must return an NDArray, got ${kindOf(out)}`);
  }
  return out;
}

/** Checks a definition when the op is made, not when it first runs. */
function checkDefinition(definition: CustomOpDefinition): void {
  if (definition === null || typeof definition !== 'object')
    throw new AutogradError('customOp', `expected a definition { name, forward, backward }, got ${kindOf(definition)}`);
  if (typeof definition.name !== 'string' || definition.name === '')
    throw new AutogradError('customOp', `name must be a non-empty string, got ${JSON.stringify(definition.name)}`);
  for (const part of ['forward', 'backward'] as const) {
    if (typeof definition[part] !== 'function')
      throw new AutogradError(
        'customOp',
        `${definition.name}: ${part} must be a function, got ${kindOf(definition[part])}`,
      );
  }
}

export const CUSTOM_OPS = records({
  // a custom op's own backward
  custom: op<CustomParams>({
    // the output's shape is known only by running the user's forward
    infer: (inputs, p) => {
      const out = customForward(
        p.definition,
        inputs.map((x) => T.zeros(x.shape, x.dtype)),
      );
      return { shape: out.shape, dtype: out.dtype };
    },
    forward: (inputs, p) => customForward(p.definition, inputs),
    uses: 'both',
    vjp: customBackward,
    formula: {
      kind: 'vjp',
      show: (c) => `${c.params.definition.name}(${c.inputs.join(', ')})`,
      vjp: (c) => c.inputs.map((_, i) => `${c.params.definition.name}'s backward(G), gradient ${i}`),
    },
  }),
});

/**
 * Defines a differentiable op from a forward and a hand-written backward; chainrule checks the
 * shapes and dtypes the backward returns. Verify it with `gradcheck`.
 * @example
 * ```ts
 * const cube = customOp({
 *   name: 'cube',
 *   forward: (x) => x.mul(x).mul(x),
 *   backward: (g, [x]) => [g.mul(x!.square()).mul(3)], // d x³ = 3x²
 * });
 * cube(tensor([2], { requiresGrad: true })); // 8
 * ```
 */
export function customOp(definition: CustomOpDefinition): (...inputs: Tensor[]) => Tensor {
  checkDefinition(definition);
  return (...inputs: Tensor[]) => {
    inputs.forEach((x, i) => {
      checkOperand(definition.name, x, `input ${i}`, false);
    });
    return apply(CUSTOM_OPS.custom, inputs, { definition });
  };
}
