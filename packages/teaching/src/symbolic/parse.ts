/**
 * Parses the formula language of the op records (see `Formula` in @chainrule/autograd) into
 * expression trees. The parser is iterative per level (loops for sums, products and argument
 * lists); formulas are a line long, so the nesting of parentheses is the only recursion.
 */
import { AutogradError } from '@chainrule/autograd';
import { type Expr, type FunctionName, add, apply, call, div, mul, neg, num, pow, sub, sym } from './expr.js';
import { isKnownFunction } from './functions.js';

/** The functions with an expression form of their own (the rest are kept as `name(args)`). */
const BUILT_IN: ReadonlySet<string> = new Set<FunctionName>([
  'exp',
  'log',
  'sqrt',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'erf',
  'abs',
  'sign',
  'relu',
  'step',
]);

/** How a formula's names and parameters become expressions. */
export interface ParseScope {
  /** The expression each name stands for (argument names, `out`); other names become symbols. */
  readonly names: Readonly<Record<string, Expr>>;
  /** Parameter values for `{name}` placeholders. */
  readonly params?: unknown;
  /** Refuse names that are not in `names` (nor π): a record's formula may name only its arguments and `out`. */
  readonly strict?: boolean;
}

const TOKEN = /\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?|Infinity|NaN|[\p{L}_][\p{L}\p{N}_]*|\{[A-Za-z_]\w*\}|[-+·*/^(),])/uy;

/** Splits `source` into tokens (numbers, names, placeholders, operators). */
function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (m === null) {
      if (/^\s*$/.test(source.slice(at))) break;
      throw new AutogradError('formula', `cannot read '${source}' at '${source.slice(at)}'`);
    }
    tokens.push(m[1]!);
  }
  return tokens;
}

/**
 * The expression a formula string stands for.
 * @example
 * ```ts
 * parseFormula('1 - out^2', { names: { out: call('tanh', sym('x')) } }).text; // '1 - tanh(x)²'
 * ```
 */
export function parseFormula(source: string, scope: ParseScope): Expr {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const expect = (t: string): void => {
    if (tokens[i] !== t)
      throw new AutogradError('formula', `expected '${t}' in '${source}', found '${tokens[i] ?? 'the end'}'`);
    i++;
  };

  const atom = (): Expr => {
    const t = tokens[i++];
    if (t === undefined) throw new AutogradError('formula', `'${source}' ends too early`);
    if (t === '(') {
      const e = sum();
      expect(')');
      return e;
    }
    if (/^(\d|Infinity|NaN)/.test(t)) return num(Number(t));
    if (t.startsWith('{')) return placeholder(t.slice(1, -1));
    if (!/^[\p{L}_]/u.test(t)) throw new AutogradError('formula', `unexpected '${t}' in '${source}'`);
    if (peek() !== '(') {
      const bound = scope.names[t];
      if (bound !== undefined) return bound;
      if (scope.strict === true && t !== 'π') {
        throw new AutogradError(
          'formula',
          `'${source}' names '${t}', which is not one of ${Object.keys(scope.names).join(', ')}`,
        );
      }
      return sym(t);
    }
    i++;
    const args: Expr[] = [];
    if (peek() !== ')') {
      args.push(sum());
      while (peek() === ',') {
        i++;
        args.push(sum());
      }
    }
    expect(')');
    return callOf(t, args);
  };
  const power = (): Expr => {
    const base = atom();
    if (peek() !== '^') return base;
    i++;
    return pow(base, unary());
  };
  const unary = (): Expr => {
    if (peek() !== '-') return power();
    i++;
    return neg(unary());
  };
  const product = (): Expr => {
    let e = unary();
    for (let t = peek(); t === '·' || t === '*' || t === '/'; t = peek()) {
      i++;
      e = t === '/' ? div(e, unary()) : mul(e, unary());
    }
    return e;
  };
  const sum = (): Expr => {
    let e = product();
    for (let t = peek(); t === '+' || t === '-'; t = peek()) {
      i++;
      e = t === '+' ? add(e, product()) : sub(e, product());
    }
    return e;
  };
  const placeholder = (name: string): Expr => {
    const v = (scope.params as Record<string, unknown> | undefined)?.[name];
    if (typeof v !== 'number') throw new AutogradError('formula', `'${source}' needs a number for {${name}}`);
    return num(v);
  };
  const callOf = (name: string, args: Expr[]): Expr => {
    if (!isKnownFunction(name)) throw new AutogradError('formula', `unknown function '${name}' in '${source}'`);
    return BUILT_IN.has(name) && args.length === 1 ? call(name as FunctionName, args[0]!) : apply(name, args);
  };

  const e = sum();
  if (i !== tokens.length) throw new AutogradError('formula', `unexpected '${tokens[i]}' in '${source}'`);
  return e;
}
