/** Comparing analytic and numeric derivatives, and the report a failed check prints. */
import * as T from '@chainrule/tensor';
import type { Matrix } from './jacobians.js';

/** What gradcheck found for one input. */
export interface InputCheck {
  /** The position of the input in the `inputs` array. */
  readonly index: number;
  /** How the report names it ("input 0", or "gradOutput" in gradgradcheck). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly ok: boolean;
  /** Largest |analytic - numeric| over the compared entries. */
  readonly maxAbsError: number;
  /** Largest |analytic - numeric| / max(|analytic|, |numeric|) (0 where both are 0). */
  readonly maxRelError: number;
  /** Multi-index into the input of the worst entry (the one furthest outside its tolerance); [] in fast mode. */
  readonly worstIndex: readonly number[];
  /** Multi-index into the output of the worst entry; [] in fast mode. */
  readonly worstOutputIndex: readonly number[];
  /** The analytic derivative at the worst entry. */
  readonly analytic: number;
  /** The numeric derivative at the worst entry. */
  readonly numeric: number;
  /** How many entries lie outside atol + rtol·|numeric| (NaN counts as outside). */
  readonly failures: number;
  /** How many entries were compared. */
  readonly entries: number;
}

export interface Tolerances {
  readonly eps: number;
  readonly atol: number;
  readonly rtol: number;
}

/** Row-major multi-index of a flat position. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    index[d] = flat % n;
    flat = Math.floor(flat / n);
  }
  return index;
}

/** Entry-by-entry comparison, as allclose(analytic, numeric, rtol, atol) with NaN never close. */
export function compareMatrices(
  analytic: Matrix,
  numeric: Matrix,
  tol: Tolerances,
  input: { index: number; name: string; shape: readonly number[] },
  outputShape: readonly number[],
): InputCheck {
  let maxAbs = 0,
    maxRel = 0,
    failures = 0,
    sawNaN = false;
  let worst = -1,
    worstExcess = -Infinity;
  const n = analytic.data.length;
  for (let e = 0; e < n; e++) {
    const a = analytic.data[e]!,
      v = numeric.data[e]!;
    const err = Math.abs(a - v);
    const allowed = tol.atol + tol.rtol * Math.abs(v);
    const excess = Number.isNaN(err) ? Infinity : err / allowed;
    if (!(err <= allowed)) failures++;
    if (Number.isNaN(err)) sawNaN = true;
    else if (err > maxAbs) maxAbs = err;
    const scale = Math.max(Math.abs(a), Math.abs(v));
    if (scale > 0) maxRel = Math.max(maxRel, err / scale);
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = e;
    }
  }
  const row = worst < 0 ? 0 : Math.floor(worst / analytic.cols);
  const col = worst < 0 ? 0 : worst % analytic.cols;
  return {
    ...input,
    ok: failures === 0,
    maxAbsError: sawNaN ? NaN : maxAbs,
    maxRelError: sawNaN ? NaN : maxRel,
    worstIndex: worst < 0 ? [] : unravel(col, input.shape),
    worstOutputIndex: worst < 0 ? [] : unravel(row, outputShape),
    analytic: worst < 0 ? 0 : analytic.data[worst]!,
    numeric: worst < 0 ? 0 : numeric.data[worst]!,
    failures,
    entries: n,
  };
}

/** One number compared (fast mode: uᵀJv along random directions). */
export function compareScalars(
  a: number,
  v: number,
  tol: Tolerances,
  input: { index: number; name: string; shape: readonly number[] },
): InputCheck {
  const err = Math.abs(a - v);
  const ok = err <= tol.atol + tol.rtol * Math.abs(v);
  const scale = Math.max(Math.abs(a), Math.abs(v));
  return {
    ...input,
    ok,
    maxAbsError: err,
    maxRelError: scale > 0 ? err / scale : 0,
    worstIndex: [],
    worstOutputIndex: [],
    analytic: a,
    numeric: v,
    failures: ok ? 0 : 1,
    entries: 1,
  };
}

const fmt = (x: number): string =>
  Number.isFinite(x) && x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)
    ? x.toExponential(4)
    : String(Number(x.toPrecision(10)));
const idx = (i: readonly number[]): string => `[${i.join(',')}]`;

/** The human-readable verdict: one line per input, with the worst entry of each failed one. */
export function formatReport(
  checks: readonly InputCheck[],
  tol: Tolerances,
  mode: 'full' | 'fast',
  analyticAllZero: readonly boolean[],
): string {
  const failed = checks.filter((c) => !c.ok).length;
  const how = mode === 'full' ? 'full Jacobian' : 'random directions uᵀJv';
  const head =
    failed === 0
      ? `gradcheck passed (${how}; eps ${fmt(tol.eps)}, atol ${fmt(tol.atol)}, rtol ${fmt(tol.rtol)})`
      : `gradcheck failed for ${failed} of ${checks.length} input${checks.length === 1 ? '' : 's'} (${how}; ` +
        `eps ${fmt(tol.eps)}, atol ${fmt(tol.atol)}, rtol ${fmt(tol.rtol)})`;
  const lines = checks.map((c, k) => {
    const what = `${c.name} (shape ${T.fmtShape(c.shape)})`;
    if (c.ok) return `  ${what}: ok, max |error| ${fmt(c.maxAbsError)}`;
    const where =
      mode === 'full'
        ? `${c.name} index ${idx(c.worstIndex)}, output index ${idx(c.worstOutputIndex)}`
        : 'uᵀJv along a random direction';
    const allowed = tol.atol + tol.rtol * Math.abs(c.numeric);
    let line =
      `  ${what}: FAILED; worst at ${where}: analytic ${fmt(c.analytic)}, numeric ${fmt(c.numeric)}, ` +
      `|error| ${fmt(Math.abs(c.analytic - c.numeric))} > allowed ${fmt(allowed)}`;
    if (mode === 'full')
      line +=
        `; ${c.failures} of ${c.entries} entries outside tolerance, max |error| ${fmt(c.maxAbsError)}, ` +
        `max relative error ${fmt(c.maxRelError)}`;
    if (analyticAllZero[k])
      line +=
        '\n    (the analytic gradient is 0 everywhere: is the input detached, ' +
        'or only used through non-differentiable ops?)';
    return line;
  });
  return [head, ...lines].join('\n');
}
