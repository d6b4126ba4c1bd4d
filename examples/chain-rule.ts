/**
 * The notes' first example: f = (x + y)·z at x = -2, y = 5, z = -4.
 * Forward: q = x + y = 3, f = q·z = -12. Backward (chain rule):
 *   ∂f/∂z = q = 3,  ∂f/∂q = z = -4,  ∂f/∂x = ∂f/∂q · ∂q/∂x = -4 · 1,  ∂f/∂y = -4 · 1.
 *
 * Run: npx tsx examples/chain-rule.ts
 */
import { tensor } from '@chainrule/autograd';
import { isMain } from './lib/is-main.js';

export interface ChainRuleResult {
  q: number;
  f: number;
  dfdx: number;
  dfdy: number;
  dfdz: number;
  dfdq: number;
}

export function chainRule(x0 = -2, y0 = 5, z0 = -4): ChainRuleResult {
  const opts = { requiresGrad: true, dtype: 'float64' as const };
  const x = tensor(x0, opts),
    y = tensor(y0, opts),
    z = tensor(z0, opts);
  const q = x.add(y).retainGrad(); // keep ∂f/∂q, an intermediate gradient
  const f = q.mul(z);
  f.backward();
  return {
    q: q.item(),
    f: f.item(),
    dfdx: x.grad!.item(),
    dfdy: y.grad!.item(),
    dfdz: z.grad!.item(),
    dfdq: q.grad!.item(),
  };
}

if (isMain(import.meta.url)) {
  const r = chainRule();
  console.log('f(x, y, z) = (x + y)·z at x = -2, y = 5, z = -4\n');
  console.log('forward');
  console.log(`  q = x + y = ${r.q}`);
  console.log(`  f = q·z = ${r.f}\n`);
  console.log('backward (each gradient = local derivative × upstream gradient)');
  console.log(`  ∂f/∂f = 1`);
  console.log(`  ∂f/∂z = q = ${r.dfdz}`);
  console.log(`  ∂f/∂q = z = ${r.dfdq}`);
  console.log(`  ∂f/∂x = ∂f/∂q · ∂q/∂x = ${r.dfdq} · 1 = ${r.dfdx}`);
  console.log(`  ∂f/∂y = ∂f/∂q · ∂q/∂y = ${r.dfdq} · 1 = ${r.dfdy}`);
}
