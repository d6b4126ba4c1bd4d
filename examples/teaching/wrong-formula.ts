/**
 * A deliberately wrong formula and what checkFormula says about it. The gradient of the L2 term
 * λ/(2m)·Σw² is λ/m·w; forgetting the 2 that comes down from w² gives λ/(2m)·w. The report names
 * the input and the index where the hand-derived gradient is furthest from autograd (the weight
 * of largest magnitude) and by how much (λ/(2m)·|w| there).
 *
 * Run: npx tsx examples/teaching/wrong-formula.ts
 */
import { type FormulaReport, checkFormula, formatCheck } from '@chainrule/teaching';
import { isMain } from '../lib/is-main.js';
import { crossEntropyProblem, handGradient, objective } from './cross-entropy-l2.js';

/** The check of the wrong L2 gradient on the cross-entropy problem. */
export function wrongL2Check(seed = 11): FormulaReport {
  const p = crossEntropyProblem(seed);
  const m = p.X.shape[0]!;
  return checkFormula(objective(p), handGradient(p, p.lambda / (2 * m)), p.params);
}

if (isMain(import.meta.url)) {
  console.log('The L2 term’s gradient written as λ/(2m)·w instead of λ/m·w:\n');
  console.log(formatCheck(wrongL2Check(), { maxRows: 5 }));
}
