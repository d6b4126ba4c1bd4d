/**
 * What a failed `checkFormula` most likely got wrong, from the pattern of the differences: the
 * hand-derived gradient a constant multiple of autograd's (a missing or extra factor, such as
 * σ′(z) ≤ ¼ forgotten in BP1), its negative (a sign), its transpose, or a shape that needs a sum
 * over a broadcast axis.
 */
import { fmtShape } from '@chainrule/tensor';

const close = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** A number as a short factor: 4, 0.25, -1, 2.5. */
const factor = (k: number): string => String(Number(k.toPrecision(3)));
/** `4.1 to 6.3`, or one number when both round alike. */
const range = (lo: number, hi: number): string =>
  factor(lo) === factor(hi) ? factor(lo) : `${factor(lo)} to ${factor(hi)}`;

/**
 * The hint for values that differ: a constant ratio hand/autograd (−1: the sign), or the
 * transpose of a square matrix. Null when no pattern explains the difference.
 */
export function patternHint(
  hand: readonly number[],
  auto: readonly number[],
  shape: readonly number[],
  tol = 1e-3,
): string | null {
  const pairs = hand.map((h, i) => [h, auto[i]!] as const).filter(([, a]) => a !== 0);
  if (pairs.length > 0 && hand.every((h, i) => auto[i] !== 0 || h === 0)) {
    const k = pairs[0]![0] / pairs[0]![1];
    if (k !== 1 && Number.isFinite(k) && pairs.every(([h, a]) => close(h / a, k, tol))) {
      if (close(k, -1, tol)) return 'hand = −autograd everywhere: a sign flip (check each minus sign)';
      if (k === 0) return 'hand = 0 everywhere: a term is missing';
      const sigma = k >= 4 - tol ? ', e.g. σ′(z)? (σ′ ≤ ¼, so forgetting it gives 4× or more)' : '';
      return `hand = ${factor(k)} × autograd everywhere: a missing or extra factor${sigma}`;
    }
    // a factor that varies by element, but always the same way: σ′(z) forgotten gives ratios ≥ 4
    const ratios = pairs.map(([h, a]) => h / a);
    const lo = Math.min(...ratios);
    const hi = Math.max(...ratios);
    if (pairs.length === hand.length && lo >= 4 - tol)
      return `hand = ${range(lo, hi)} × autograd: a missing factor of at most ¼, e.g. σ′(z)?`;
    if (pairs.length === hand.length && hi <= -tol && lo < -1 - tol)
      return `hand = ${range(lo, hi)} × autograd: a sign flip and a missing factor`;
  }
  if (shape.length === 2 && shape[0] === shape[1] && shape[0]! > 1) {
    const n = shape[0]!;
    const transposed = hand.every((h, i) => close(h, auto[(i % n) * n + Math.floor(i / n)]!, tol));
    if (transposed)
      return 'hand = autogradᵀ: the gradient is transposed (check the order of the factors, δ·xᵀ or xᵀ·δ)';
  }
  return null;
}

/**
 * The hint for a hand-derived gradient of the wrong shape: a sum over the axes the input was
 * broadcast along (a bias's gradient summed over the batch), or a transpose.
 */
export function shapeHint(hand: readonly number[], input: readonly number[]): string {
  if (hand.length === 2 && input.length === 2 && hand[0] === input[1] && hand[1] === input[0])
    return `it is ${fmtShape(input)} transposed: check the order of the factors`;
  if (hand.length >= input.length) {
    const lead = hand.length - input.length;
    const axes: number[] = [];
    let fits = true;
    for (let i = 0; i < hand.length; i++) {
      const d = i < lead ? 1 : input[i - lead]!;
      if (d === hand[i]) continue;
      if (d === 1) axes.push(i);
      else fits = false;
    }
    if (fits && axes.length > 0)
      return (
        `sum it over axis ${axes.join(', ')}: the input is broadcast along ` +
        `${axes.length === 1 ? 'that axis' : 'those axes'}, so its gradient adds up the uses`
      );
  }
  return '';
}
