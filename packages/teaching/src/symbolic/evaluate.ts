import { AutogradError } from '@chainrule/autograd';
import type { Expr } from './expr.js';
import { type Value, applyNamed, arithmetic } from './functions.js';

/**
 * The value of an expression, with `values` for its symbols (π is known). Iterative: an
 * explicit post-order stack, each shared node evaluated once.
 * @example evaluateExpression(symbolicGradient(y, w).expression, { w: 0.5, x: 2, b: -1 });
 */
export function evaluateExpression(expr: Expr, values: Readonly<Record<string, number>>): number {
  return evaluateValue(expr, values) as number;
}

/**
 * The value of an expression whose symbols may stand for arrays (computed with the tensor
 * kernels, numbers broadcast) or numbers: the chain-rule trace's local derivatives.
 */
export function evaluateValue(expr: Expr, values: Readonly<Record<string, Value>>): Value {
  const done = new Map<Expr, Value>();
  const stack: { e: Expr; expanded: boolean }[] = [{ e: expr, expanded: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    const e = top.e;
    if (done.has(e)) continue;
    if (e.kind === 'num') {
      done.set(e, e.value);
      continue;
    }
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
    const args = e.args.map((x) => done.get(x)!);
    const [a, b] = args;
    let v: Value;
    switch (e.kind) {
      case 'add':
        v = arithmetic.add(a!, b!);
        break;
      case 'sub':
        v = arithmetic.sub(a!, b!);
        break;
      case 'mul':
        v = arithmetic.mul(a!, b!);
        break;
      case 'div':
        v = arithmetic.div(a!, b!);
        break;
      case 'pow':
        v = arithmetic.pow(a!, b!);
        break;
      case 'neg':
        v = arithmetic.neg(a!);
        break;
      case 'fn':
        v = applyNamed(e.fn, [a!]);
        break;
      case 'apply':
        v = applyNamed(e.name, args);
        break;
    }
    done.set(e, v);
  }
  return done.get(expr)!;
}
