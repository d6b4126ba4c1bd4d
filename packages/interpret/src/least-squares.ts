import { RangeError } from '@chainrule/tensor';

/** A weighted ridge regression's fit: the coefficients and the intercept (0 without one). */
export interface LinearFit {
  coef: number[];
  intercept: number;
}

/**
 * Minimizes Σᵢ wᵢ (yᵢ − b − xᵢ·c)² + α‖c‖² over c (and the unpenalized intercept b when
 * `intercept`), in float64, by the normal equations and Gaussian elimination with partial pivoting.
 */
export function weightedRidge(
  op: string,
  rows: readonly (readonly number[])[],
  y: readonly number[],
  w: readonly number[],
  alpha: number,
  intercept: boolean,
): LinearFit {
  const k = rows.length;
  const p = rows[0]?.length ?? 0;
  let wSum = 0;
  const xMean = new Float64Array(p);
  let yMean = 0;
  if (intercept) {
    for (let i = 0; i < k; i++) {
      wSum += w[i]!;
      yMean += w[i]! * y[i]!;
      for (let j = 0; j < p; j++) xMean[j]! += w[i]! * rows[i]![j]!;
    }
    if (!(wSum > 0)) throw new RangeError(op, 'every sample has weight 0: widen the kernel or draw more samples');
    yMean /= wSum;
    for (let j = 0; j < p; j++) xMean[j]! /= wSum;
  }
  const a = Array.from({ length: p }, () => new Float64Array(p + 1));
  for (let i = 0; i < k; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    const yi = y[i]! - yMean;
    for (let r = 0; r < p; r++) {
      const xr = rows[i]![r]! - xMean[r]!;
      if (xr === 0) continue;
      const row = a[r]!;
      for (let c = 0; c < p; c++) row[c]! += wi * xr * (rows[i]![c]! - xMean[c]!);
      row[p]! += wi * xr * yi;
    }
  }
  for (let r = 0; r < p; r++) a[r]![r]! += alpha;
  const coef = solve(op, a, p);
  let b = yMean;
  for (let j = 0; j < p; j++) b -= coef[j]! * xMean[j]!;
  return { coef, intercept: intercept ? b : 0 };
}

/** Solves the p×p system held in the augmented rows `a` (Gaussian elimination, partial pivoting). */
function solve(op: string, a: Float64Array[], p: number): number[] {
  let scale = 0;
  for (let r = 0; r < p; r++) scale = Math.max(scale, Math.abs(a[r]![r]!));
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (!(Math.abs(a[pivot]![col]!) > 1e-12 * Math.max(scale, 1e-300)))
      throw new RangeError(op, 'the samples do not determine every coefficient: draw more samples or add a penalty');
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const top = a[col]!;
    for (let r = col + 1; r < p; r++) {
      const row = a[r]!;
      const m = row[col]! / top[col]!;
      if (m === 0) continue;
      for (let c = col; c <= p; c++) row[c]! -= m * top[c]!;
    }
  }
  const x = new Array<number>(p).fill(0);
  for (let r = p - 1; r >= 0; r--) {
    let s = a[r]![p]!;
    for (let c = r + 1; c < p; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}
