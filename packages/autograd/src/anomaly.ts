import type { NDArray } from '@chainrule/tensor';
import { firstNonFinite, formatIndex, reasonAt } from './anomaly-reasons.js';
import { AutogradError } from './errors.js';
import type { Node } from './tensor.js';

let enabled = false;
/** How deep we are inside derivative rules (whose intermediate ops are not checked one by one). */
let ruleDepth = 0;

/** Whether ops check their results for NaN/Inf and record where they were created. */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/** Whether an op's forward result is checked: in anomaly mode, except inside a derivative rule. */
export function checksForward(): boolean {
  return enabled && ruleDepth === 0;
}

/**
 * Runs a derivative rule: the ops inside it are not checked one by one, so that a NaN or Inf is
 * blamed on the op being differentiated (its gradients are checked afterwards), not on a helper.
 */
export function insideRule<T>(fn: () => T): T {
  ruleDepth++;
  try {
    return fn();
  } finally {
    ruleDepth--;
  }
}

/** A forward or backward result that holds NaN or Inf, found in anomaly mode. */
export class AnomalyError extends AutogradError {
  constructor(
    op: string,
    detail: string,
    /** Where the op was created: the first stack frame outside chainrule. */
    readonly createdAt: string | undefined,
  ) {
    super(op, detail);
  }
}

/**
 * Runs `fn` with anomaly detection: every op checks its forward result, and every derivative
 * rule its gradients, for NaN and Inf; the first offender throws an AnomalyError naming the op,
 * where it was created and statistics of its inputs.
 * @example
 * ```ts
 * detectAnomaly(() => tensor([0], { requiresGrad: true }).sqrt().sum().backward());
 * // AnomalyError: sqrt: backward produced Infinity in the gradient of input 0 ...
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  const before = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}

/** Count of NaN and infinite values in an array. */
function nonFinite(x: NDArray): { nan: number; inf: number } {
  let nan = 0,
    inf = 0;
  const c = x.contiguous();
  for (let i = 0; i < c.size; i++) {
    const v = c.data[c.offset + i]!;
    if (v !== v) nan++;
    else if (v === Infinity || v === -Infinity) inf++;
  }
  return { nan, inf };
}

/** min / max / mean of the finite values, for anomaly reports. */
export function summarize(x: NDArray): string {
  const c = x.contiguous();
  let lo = Infinity,
    hi = -Infinity,
    sum = 0,
    n = 0;
  for (let i = 0; i < c.size; i++) {
    const v = c.data[c.offset + i]!;
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
    n++;
  }
  const { nan, inf } = nonFinite(x);
  return `shape [${x.shape.join(',')}] min ${lo} max ${hi} mean ${n ? sum / n : NaN} nan ${nan} inf ${inf}`;
}

/** The first stack line that is not inside chainrule's own sources, without its leading "at ". */
export function userFrame(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  const lines = stack
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
  const frame =
    lines.find(
      (l) => !/[\\/]packages[\\/](autograd|tensor)[\\/](src|dist)[\\/]/.test(l) && !l.includes('node:internal'),
    ) ?? lines[0];
  return frame?.replace(/^at /, '');
}

/**
 * Throws if `value` has NaN/Inf, naming the op, the phase, the first bad element and, where the
 * op has a restricted domain, the rule it broke (`log needs x > 0; got -0.25 at [1]`), then
 * where the op was created and the statistics of what it read. In the backward phase `inputs`
 * are the upstream gradient, then the op's inputs.
 */
export function checkFinite(
  phase: 'forward' | 'backward',
  op: string,
  value: NDArray,
  inputs: readonly NDArray[],
  node: Node | null,
  which = '',
): void {
  const { nan, inf } = nonFinite(value);
  if (nan === 0 && inf === 0) return;
  const what = nan > 0 ? 'NaN' : 'Infinity';
  const first = firstNonFinite(value);
  const reason = reasonAt(phase, op, inputs, value.shape, first);
  const names = inputs.map((_, i) =>
    phase === 'backward' ? (i === 0 ? 'upstream gradient' : `input ${i - 1}`) : `input ${i}`,
  );
  const stats = inputs.map((x, i) => `  ${names[i]}: ${summarize(x)}`).join('\n');
  const at = userFrame(node?.stack ?? new Error().stack);
  throw new AnomalyError(
    op,
    `${phase} produced ${what}${which} (${nan} NaN, ${inf} Inf), first at ${formatIndex(value.shape, first)}` +
      `${reason === '' ? '' : `: ${reason}`}\n  created at ${at ?? 'an unknown place'}\n${stats}`,
    at,
  );
}
