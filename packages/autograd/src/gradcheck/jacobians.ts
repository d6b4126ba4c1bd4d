/**
 * The two sides of a gradient check, both as float64 matrices with one row per output element
 * and one column per input element: the numeric Jacobian from central differences, and the
 * analytic one from one reverse pass per output element (the rows of the vector-Jacobian product).
 */
import * as T from '@chainrule/tensor';
import { runBackward } from '../engine.js';
import { AutogradError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** A function of tensors that returns a tensor. */
export type CheckedFunction = (...inputs: Tensor[]) => Tensor;

/** A dense row-major matrix: `data[row * cols + col]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Calls f and returns its output (which must be a float tensor). */
export function callChecked(f: CheckedFunction, inputs: readonly Tensor[]): Tensor {
  const y = f(...inputs);
  if (!(y instanceof Tensor)) throw new AutogradError('gradcheck', 'f must return a Tensor');
  if (!T.isFloat(y.dtype)) throw new T.DTypeError('gradcheck', `f must return a floating point tensor, got ${y.dtype}`);
  return y;
}

/** The output's values as a fresh float64 array. */
function values(y: Tensor): Float64Array {
  return T.getBackend().copy(y.value, 'float64').data as Float64Array;
}

/** The storage of a checked input (a contiguous float64 copy made by gradcheck, so it may be perturbed). */
function storage(x: Tensor): Float64Array {
  return x.value.data as Float64Array;
}

/** Column j of ∂f/∂x_i ≈ (f(x + h e_j) - f(x - h e_j)) / 2h, for every element j of every checked input. */
export function numericJacobians(
  f: CheckedFunction,
  inputs: readonly Tensor[],
  checked: readonly number[],
  eps: number,
  rows: number,
): Matrix[] {
  return checked.map((i) => {
    const data = storage(inputs[i]!);
    const cols = data.length;
    const out = new Float64Array(rows * cols);
    for (let j = 0; j < cols; j++) {
      const original = data[j]!;
      data[j] = original + eps;
      const plus = values(callChecked(f, inputs));
      data[j] = original - eps;
      const minus = values(callChecked(f, inputs));
      const h = original + eps - (original - eps); // the step actually taken, after rounding
      data[j] = original;
      if (plus.length !== rows || minus.length !== rows) {
        throw new AutogradError(
          'gradcheck',
          `f returned ${plus.length} elements after perturbing input ${i}, ${rows} before; ` +
            `its output size must not depend on the values`,
        );
      }
      for (let r = 0; r < rows; r++) out[r * cols + j] = (plus[r]! - minus[r]!) / h;
    }
    return { rows, cols, data: out };
  });
}

/** Row r of ∂f/∂x_i = e_rᵀ J: one reverse pass per output element, seeded with a one-hot vector. */
export function analyticJacobians(y: Tensor, inputs: readonly Tensor[], checked: readonly number[]): Matrix[] {
  const rows = y.numel();
  const targets = checked.map((i) => inputs[i]!);
  const out = targets.map((x) => ({ rows, cols: x.numel(), data: new Float64Array(rows * x.numel()) }));
  if (!y.requiresGrad) return out; // f does not depend on any checked input: the Jacobian is 0
  for (let r = 0; r < rows; r++) {
    const seed = T.zeros(y.shape, y.dtype);
    seed.data[r] = 1;
    const grads = runBackward([y], [new Tensor(seed)], { targets, retainGraph: true });
    grads.forEach((g, k) => {
      if (g === null) return;
      const row = values(g);
      out[k]!.data.set(row, r * out[k]!.cols);
    });
  }
  return out;
}

/** Random-direction check: uᵀ J_i v_i both ways, for each checked input i. */
export function directionalDerivatives(
  f: CheckedFunction,
  inputs: readonly Tensor[],
  checked: readonly number[],
  eps: number,
  rng: T.Rng,
): { analytic: number[]; numeric: number[] } {
  const y = callChecked(f, inputs);
  const u = T.randn(y.shape, { rng, dtype: y.dtype });
  const directions = checked.map((i) => T.randn(inputs[i]!.shape, { rng, dtype: 'float64' }).data as Float64Array);
  const targets = checked.map((i) => inputs[i]!);
  const grads = y.requiresGrad ? runBackward([y], [new Tensor(u)], { targets }) : targets.map(() => null);
  const uv = values(new Tensor(u));
  const analytic = grads.map((g, k) => (g === null ? 0 : dot(values(g), directions[k]!)));
  const numeric = checked.map((i, k) => {
    const data = storage(inputs[i]!);
    const original = Float64Array.from(data);
    const v = directions[k]!;
    for (let j = 0; j < data.length; j++) data[j] = original[j]! + eps * v[j]!;
    const plus = values(callChecked(f, inputs));
    for (let j = 0; j < data.length; j++) data[j] = original[j]! - eps * v[j]!;
    const minus = values(callChecked(f, inputs));
    data.set(original);
    let s = 0;
    for (let r = 0; r < uv.length; r++) s += uv[r]! * (plus[r]! - minus[r]!);
    return s / (2 * eps);
  });
  return { analytic, numeric };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
