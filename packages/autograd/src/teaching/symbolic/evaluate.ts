import { AutogradError } from '../../errors.js';
import { type Expr, applyFunction } from './expr.js';

/**
 * The value of an expression, with `values` for its symbols (π is known). Iterative: an
 * explicit post-order stack, each shared node evaluated once.
 * @example evaluateExpression(symbolicGradient(y, w).expression, { w: 0.5, x: 2, b: -1 });
 */
export function evaluateExpression(expr: Expr, values: Readonly<Record<string, number>>): number {
  const done = new Map<Expr, number>();
  const stack: { e: Expr; expanded: boolean }[] = [{ e: expr, expanded: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    const e = top.e;
    if (done.has(e)) continue;
    if (e.kind === 'num') { done.set(e, e.value); continue; }
    if (e.kind === 'sym') {
      const v = e.name === 'π' ? Math.PI : values[e.name];
      if (v === undefined) throw new AutogradError('evaluate', `no value for the symbol '${e.name}'`);
      done.set(e, v);
      continue;
    }
    if (!top.expanded) {
      stack.push({ e, expanded: true });
      for (const a of e.args) if (!done.has(a)) stack.push({ e: a, expanded: false });
      continue;
    }
    const [a, b] = e.args.map((x) => done.get(x)!);
    let v: number;
    switch (e.kind) {
      case 'add': v = a! + b!; break;
      case 'sub': v = a! - b!; break;
      case 'mul': v = a! * b!; break;
      case 'div': v = a! / b!; break;
      case 'pow': v = a! ** b!; break;
      case 'neg': v = -a!; break;
      case 'fn': v = applyFunction(e.fn, a!); break;
    }
    done.set(e, v);
  }
  return done.get(expr)!;
}
