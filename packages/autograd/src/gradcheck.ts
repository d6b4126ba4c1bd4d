/**
 * Gradient checking: analytic derivatives (the backward pass) against central finite
 * differences, entry by entry over the full Jacobian, in float64.
 *
 * Inputs are copied to float64 before the check: central differences in float32 are useless
 * (with eps 1e-6 the rounding error of float32 swamps the derivative; see the README). To test
 * a float32 code path, compare its results with the float64 ones instead.
 */
import * as T from '@chainrule/tensor';
import { AutogradError } from './errors.js';
import { runBackward } from './engine.js';
import { cast } from './ops/defs/cast.js';
import { concat, reshape } from './ops/defs/shape.js';
import { Tensor } from './tensor.js';
import {
  type InputCheck,
  type Tolerances,
  compareMatrices,
  compareScalars,
  formatReport,
} from './gradcheck/compare.js';
import {
  type CheckedFunction,
  analyticJacobians,
  callChecked,
  directionalDerivatives,
  numericJacobians,
} from './gradcheck/jacobians.js';

export type { InputCheck } from './gradcheck/compare.js';
export type { CheckedFunction } from './gradcheck/jacobians.js';

/** Options of `gradcheck` and `gradgradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6, as PyTorch). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, times |numeric| (default 1e-3). */
  rtol?: number;
  /** Throw a GradcheckError with the report when the check fails (default false: return it). */
  raise?: boolean;
  /**
   * Compare uᵀJv along random directions (one number per input) instead of the full Jacobian:
   * for inputs too large to check entry by entry. Default false.
   */
  fast?: boolean;
  /** Seed of the random directions (fast mode) and of gradgradcheck's random gradOutput. Default 0. */
  seed?: number;
}

/** The verdict: overall, per input that requires grad, and as text. */
export interface GradcheckResult {
  readonly ok: boolean;
  readonly inputs: readonly InputCheck[];
  readonly report: string;
}

/** A failed gradcheck (with `raise: true`, or from `assertGradcheck`); `result` has the details. */
export class GradcheckError extends AutogradError {
  constructor(readonly result: GradcheckResult) {
    super('gradcheck', result.report);
  }
}

interface InternalOptions extends GradcheckOptions {
  names?: readonly string[];
}

function tolerances(options: GradcheckOptions): Tolerances {
  const t = { eps: options.eps ?? 1e-6, atol: options.atol ?? 1e-5, rtol: options.rtol ?? 1e-3 };
  if (!(t.eps > 0) || !(t.atol >= 0) || !(t.rtol >= 0)) {
    throw new T.RangeError(
      'gradcheck',
      `eps must be > 0 and atol, rtol >= 0; got eps ${t.eps}, atol ${t.atol}, rtol ${t.rtol}`,
    );
  }
  return t;
}

/** float64 copies of the float inputs (leaves, requiring grad as the originals do); other inputs as they are. */
function float64Copies(inputs: readonly Tensor[]): Tensor[] {
  return inputs.map((x) => {
    if (!(x instanceof Tensor)) throw new AutogradError('gradcheck', 'every input must be a Tensor');
    if (!T.isFloat(x.dtype)) return x;
    return new Tensor(T.getBackend().copy(x.value, 'float64'), { requiresGrad: x.requiresGrad });
  });
}

function check(f: CheckedFunction, inputs: readonly Tensor[], options: InternalOptions): GradcheckResult {
  const tol = tolerances(options);
  const xs = float64Copies(inputs);
  const checked = xs.flatMap((x, i) => (x.requiresGrad ? [i] : []));
  if (checked.length === 0) {
    throw new AutogradError(
      'gradcheck',
      'no input requires grad: create the inputs to check with { requiresGrad: true }',
    );
  }
  const label = (i: number): { index: number; name: string; shape: readonly number[] } => ({
    index: i,
    name: options.names?.[i] ?? `input ${i}`,
    shape: xs[i]!.shape,
  });
  let checks: InputCheck[];
  let allZero: boolean[];
  if (options.fast) {
    const { analytic, numeric } = directionalDerivatives(f, xs, checked, tol.eps, new T.Rng(options.seed ?? 0));
    checks = checked.map((i, k) => compareScalars(analytic[k]!, numeric[k]!, tol, label(i)));
    allZero = analytic.map((a) => a === 0);
  } else {
    const y = callChecked(f, xs);
    const analytic = analyticJacobians(y, xs, checked);
    const numeric = numericJacobians(f, xs, checked, tol.eps, y.numel());
    checks = checked.map((i, k) => compareMatrices(analytic[k]!, numeric[k]!, tol, label(i), y.shape));
    allZero = analytic.map((m) => m.data.every((v) => v === 0));
  }
  const ok = checks.every((c) => c.ok);
  const result: GradcheckResult = {
    ok,
    inputs: checks,
    report: formatReport(checks, tol, options.fast ? 'fast' : 'full', allZero),
  };
  if (!ok && options.raise) throw new GradcheckError(result);
  return result;
}

/**
 * Checks the derivatives of `f` with respect to every input that requires grad: the analytic
 * Jacobian (one reverse pass per output element) against central differences
 * (f(x+eps) - f(x-eps)) / 2eps, entry by entry, passing where |analytic - numeric| <=
 * atol + rtol·|numeric|. Defaults as PyTorch: eps 1e-6, atol 1e-5, rtol 1e-3. The check runs on
 * float64 copies of the inputs. Keep inputs away from kinks (relu or abs at 0, ties in max),
 * where finite differences disagree with any one-sided convention.
 * @example
 * ```ts
 * const x = randn([3], { dtype: 'float64', requiresGrad: true });
 * const r = gradcheck((x) => x.tanh().sum(), [x]);
 * r.ok; // true; r.report says which input and element failed otherwise
 * ```
 */
export function gradcheck(
  f: CheckedFunction,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  return check(f, inputs, options);
}

/** `gradcheck` that throws a GradcheckError (with the report as message) when the check fails. */
export function assertGradcheck(
  f: CheckedFunction,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  return check(f, inputs, { ...options, raise: true });
}

/**
 * Checks second derivatives: gradcheck of the function (inputs, v) ↦ vᵀJ_f (the backward pass
 * of f with a random gradOutput v, recorded with createGraph), as PyTorch's gradgradcheck. It
 * catches backward rules that are right once but not differentiable themselves. The result
 * lists the inputs first and then `gradOutput`.
 * @example
 * ```ts
 * gradgradcheck((x) => x.sigmoid(), [x]).ok; // true
 * ```
 */
export function gradgradcheck(
  f: CheckedFunction,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  if (!inputs.some((x) => x instanceof Tensor && x.requiresGrad)) {
    throw new AutogradError(
      'gradgradcheck',
      'no input requires grad: create the inputs to check with { requiresGrad: true }',
    );
  }
  const probe = callChecked(f, float64Copies(inputs));
  const v = new Tensor(T.randn(probe.shape, { rng: new T.Rng(options.seed ?? 0), dtype: 'float64' }), {
    requiresGrad: true,
  });
  const n = inputs.length;
  const backwardOfF = (...args: Tensor[]): Tensor => {
    const xs = args.slice(0, n);
    const targets = xs.filter((x) => x.requiresGrad);
    const y = callChecked(f, xs);
    const grads = y.requiresGrad
      ? runBackward([y], [args[n]!], { targets, createGraph: true })
      : targets.map(() => null);
    const flat = grads.map((g, k) =>
      g === null ? new Tensor(T.zeros([targets[k]!.numel()], 'float64')) : reshape(cast(g, 'float64'), [-1]),
    );
    return concat(flat);
  };
  const names = [...inputs.map((_, i) => `input ${i}`), 'gradOutput'];
  return check(backwardOfF, [...inputs, v], { ...options, names });
}
