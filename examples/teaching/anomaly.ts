/**
 * Anomaly mode: which op made the NaN or the Infinity, where it was created, and what its inputs
 * looked like. Three classic cases: sqrt at 0 (its derivative 1/(2√x) is infinite), log of 0
 * (−Infinity in the forward pass), and the `where` trap (masking the output of sqrt still lets
 * 0·∞ = NaN into the gradient; masking its input too fixes it).
 *
 * Run: npx tsx examples/teaching/anomaly.ts
 */
import { AnomalyError, type Tensor, detectAnomaly, tensor, where } from '@chainrule/autograd';
import { isMain } from '../lib/is-main.js';

const F64_GRAD = { requiresGrad: true, dtype: 'float64' } as const;

/** Runs `fn` in anomaly mode and returns the AnomalyError it raised (null if none). */
export function catchAnomaly(fn: () => void): AnomalyError | null {
  try {
    detectAnomaly(fn);
    return null;
  } catch (e) {
    if (e instanceof AnomalyError) return e;
    throw e;
  }
}

/** Σ √x at x = [0, 1, 4]: the backward of sqrt divides by 2√0. */
export function sqrtAtZero(): AnomalyError | null {
  const x = tensor([0, 1, 4], F64_GRAD);
  return catchAnomaly(() => x.sqrt().sum().backward()); // the sqrt is created on this line
}

/** Σ log p at p = [0.5, 0]: the forward of log gives −Infinity. */
export function logOfZero(): AnomalyError | null {
  const p = tensor([0.5, 0], F64_GRAD);
  return catchAnomaly(() => p.log().sum().backward()); // the log is created on this line
}

/** Σ where(x > 0, √x, 0) at x = [0, 4]: the masked branch still sends 0·∞ = NaN back. */
export function whereTrap(): AnomalyError | null {
  const x = tensor([0, 4], F64_GRAD);
  return catchAnomaly(() => where(x.gt(0), x.sqrt(), 0).sum().backward()); // the sqrt is created on this line
}

/** The fix ("double where"): mask the input of sqrt too. Returns x's gradient: [0, 1/(2√4)]. */
export function doubleWhere(): { error: AnomalyError | null; grad: Tensor | null } {
  const x = tensor([0, 4], F64_GRAD);
  const positive = x.gt(0);
  const error = catchAnomaly(() =>
    where(positive, where(positive, x, 1).sqrt(), 0)
      .sum()
      .backward(),
  );
  return { error, grad: x.grad };
}

if (isMain(import.meta.url)) {
  const show = (title: string, e: AnomalyError | null): void => {
    console.log(`== ${title}`);
    console.log(e === null ? 'no anomaly' : e.message);
    console.log();
  };
  show('sqrt at 0', sqrtAtZero());
  show('log of 0', logOfZero());
  show('the where trap', whereTrap());
  const fixed = doubleWhere();
  show('the double where', fixed.error);
  console.log(`∂/∂x Σ where(x > 0, √x, 0) at x = [0, 4]: ${fixed.grad?.toString() ?? 'none'}`);
}
