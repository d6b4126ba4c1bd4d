/**
 * Plain reasons for anomaly reports: where the first NaN or Infinity is, and, for the ops with a
 * restricted domain, the rule it broke and the value that broke it, e.g.
 * `log needs x > 0; got -0.25 at [1]`.
 */
import type { NDArray } from '@chainrule/tensor';

/** The multi-index of element `flat` (row-major) of `shape`, as `[1,0]`. */
export function formatIndex(shape: readonly number[], flat: number): string {
  const index = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    index[d] = flat % n;
    flat = Math.floor(flat / n);
  }
  return `[${index.join(',')}]`;
}

/** The row-major position of the first NaN or infinite element of `x`, or -1. */
export function firstNonFinite(x: NDArray): number {
  const c = x.contiguous();
  for (let i = 0; i < c.size; i++) if (!Number.isFinite(Number(c.data[c.offset + i]))) return i;
  return -1;
}

type Rule = { needs: string; holds: (x: number, y: number) => boolean };

/** Domain rules of the forward pass: what the op needs of its inputs (x, and y for a second input). */
const FORWARD: Readonly<Record<string, Rule>> = {
  log: { needs: 'x > 0', holds: (x) => x > 0 },
  sqrt: { needs: 'x ≥ 0', holds: (x) => x >= 0 },
  log1p: { needs: 'x > -1', holds: (x) => x > -1 },
  reciprocal: { needs: 'x ≠ 0', holds: (x) => x !== 0 },
  div: { needs: 'a divisor y ≠ 0', holds: (_, y) => y !== 0 },
  pow: { needs: 'x > 0, or x = 0 with y ≥ 0, or an integer y for x < 0', holds: powHolds },
};

/** Domain rules of the backward pass: where the local derivative is finite. */
const BACKWARD: Readonly<Record<string, Rule>> = {
  log: { needs: 'x ≠ 0 for its derivative 1/x', holds: (x) => x !== 0 },
  sqrt: { needs: 'x > 0 for its derivative 1/(2√x)', holds: (x) => x > 0 },
  log1p: { needs: 'x ≠ -1 for its derivative 1/(1 + x)', holds: (x) => x !== -1 },
  reciprocal: { needs: 'x ≠ 0 for its derivative -1/x²', holds: (x) => x !== 0 },
  div: { needs: 'y ≠ 0 for its derivatives 1/y and -x/y²', holds: (_, y) => y !== 0 },
  pow: { needs: 'x > 0 for the derivative x^y·log x', holds: (x) => x > 0 },
};

function powHolds(x: number, y: number): boolean {
  return x > 0 || (x === 0 && y >= 0) || Number.isInteger(y);
}

/**
 * Why element `flat` of an op's result is not finite, in words: an input that already held a NaN
 * or an Infinity there, or the domain rule it broke with the value that broke it. Empty when the
 * inputs do not line up with the result elementwise, or no rule explains it.
 */
export function reasonAt(
  phase: 'forward' | 'backward',
  op: string,
  inputs: readonly NDArray[],
  outShape: readonly number[],
  flat: number,
): string {
  const at = formatIndex(outShape, flat);
  const values: number[] = [];
  for (const x of inputs) {
    if (x.shape.length !== outShape.length || x.shape.some((d, i) => d !== outShape[i])) return '';
    const c = x.contiguous();
    values.push(Number(c.data[c.offset + flat]));
  }
  // the backward inputs are the upstream gradient, then the op's own inputs
  const upstream = phase === 'backward' ? values.shift() : undefined;
  if (upstream !== undefined && !Number.isFinite(upstream))
    return `the upstream gradient was already ${upstream} at ${at}`;
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return `input ${bad} was already ${values[bad]} at ${at}`;
  const rule = (phase === 'forward' ? FORWARD : BACKWARD)[op];
  if (rule === undefined || rule.holds(values[0]!, values[1]!)) return '';
  const got = values.length > 1 ? `x = ${values[0]}, y = ${values[1]}` : `${values[0]}`;
  return `${op} needs ${rule.needs}; got ${got} at ${at}`;
}
