/**
 * The numbers of an update that change every step, in a form a compiled plan replays: the step
 * count advances as a host update (`T.hostUpdate`), and the per-step coefficients (bias
 * corrections, a decayed learning rate) are computed by a host kernel (`T.hostKernel`) into an
 * array of the parameter's dtype that the update reads as 0-d tensors. A replay runs both again,
 * in order, so a compiled step counts and scales exactly as an eager one.
 */
import * as T from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';
import type { LiveState } from './state-check.js';

/** state.step ← state.step + 1, as a host update a replay repeats. */
export function advanceStep(name: string, state: LiveState): void {
  T.hostUpdate(`${name}.step`, countOne, state);
}

function countOne(state: LiveState): void {
  state.step = (state.step as number) + 1;
}

/**
 * The numbers `compute()` gives (read from host state such as state.step) as one array of `dtype`
 * (each rounded as a plain number beside a tensor of that dtype would be), from one host kernel.
 */
export function stepCoefficientArray(name: string, dtype: T.DType, compute: () => readonly number[]): T.NDArray {
  return T.hostKernel(`${name}.coefficients`, () => {
    const v = compute();
    return new T.NDArray(dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v), [v.length]);
  });
}

/** The elements of an array of coefficients (`stepCoefficientArray`'s), each as a 0-d tensor. */
export function coefficientTensors(values: T.NDArray): Tensor[] {
  return Array.from({ length: values.size }, (_, i) => new Tensor(values.select(0, i)));
}

/** `stepCoefficientArray`'s numbers, each as a 0-d tensor. */
export function stepCoefficients(name: string, dtype: T.DType, compute: () => readonly number[]): Tensor[] {
  return coefficientTensors(stepCoefficientArray(name, dtype, compute));
}
