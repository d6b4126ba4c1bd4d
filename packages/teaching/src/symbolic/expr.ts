/**
 * Expression trees for symbolic derivatives. Every constructor simplifies locally (constant
 * folding, x·1, x+0, -(-x), ...) and writes the node's text and LaTeX from its children's,
 * so nothing ever walks a tree recursively.
 */
import { AutogradError } from '@chainrule/autograd';
import { formatNumber } from '../format.js';
import { numberFunction } from './functions.js';

/** The functions an expression can call. */
export type FunctionName =
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'erf'
  | 'abs'
  | 'sign'
  | 'relu'
  | 'step';

/** A node of an expression tree (shared freely: trees are DAGs). */
export type Expr =
  | (ExprBase<'num'> & { readonly value: number })
  | (ExprBase<'sym'> & { readonly name: string })
  | (ExprBase<'add' | 'sub' | 'mul' | 'div' | 'pow'> & { readonly args: readonly [Expr, Expr] })
  | (ExprBase<'neg'> & { readonly args: readonly [Expr] })
  | (ExprBase<'fn'> & { readonly fn: FunctionName; readonly args: readonly [Expr] })
  | (ExprBase<'apply'> & { readonly name: string; readonly args: readonly Expr[] });

interface ExprBase<K extends string> {
  readonly kind: K;
  /** Plain text, e.g. `(1 - tanh(w·x + b)²)·x`. */
  readonly text: string;
  readonly latex: string;
  /** Binding strength of the text form: 1 sum, 2 product, 3 negation, 4 power, 5 atom. */
  readonly prec: number;
  /** Binding strength of the LaTeX form (a fraction is an atom there). */
  readonly latexPrec: number;
}

/** Expressions longer than this are refused (derivatives of deep graphs swell). */
export const MAX_EXPRESSION_LENGTH = 20_000;

function check(text: string): void {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new AutogradError(
      'symbolicGradient',
      `the expression grew past ${MAX_EXPRESSION_LENGTH} characters; ` +
        `name intermediate tensors and pass { keepNames: true } to stop expanding them`,
    );
  }
}

const paren = (s: string): string => `(${s})`;
const lparen = (s: string): string => `\\left(${s}\\right)`;
const wrap = (e: Expr, below: number): string => (e.prec < below ? paren(e.text) : e.text);
const lwrap = (e: Expr, below: number): string => (e.latexPrec < below ? lparen(e.latex) : e.latex);

/** A number. */
export function num(value: number): Expr {
  const text = formatNumber(value, 6);
  const negative = value < 0;
  const latex = text.includes('e')
    ? text.replace(
        /e([+-]?)(\d+)/,
        (_, sign: string, digits: string) => `\\times 10^{${sign === '-' ? '-' : ''}${digits}}`,
      )
    : text;
  return { kind: 'num', value, text, latex, prec: negative ? 3 : 5, latexPrec: negative ? 3 : 5 };
}

/** A variable (a leaf's label). `w1` is written w_{1} in LaTeX. */
export function sym(name: string): Expr {
  return { kind: 'sym', name, text: name, latex: latexName(name), prec: 5, latexPrec: 5 };
}

function latexName(name: string): string {
  const m = /^([A-Za-z]+)_?(\d+)$/.exec(name);
  if (m !== null) return `${m[1]!.length > 1 ? `\\mathrm{${m[1]}}` : m[1]}_{${m[2]}}`;
  if (/^[A-Za-z]$/.test(name)) return name;
  if (/^[A-Za-z]+$/.test(name)) return `\\mathrm{${name}}`;
  return `\\mathrm{${name.replace(/([_{}#%&$])/g, '\\$1')}}`;
}

const isNum = (e: Expr): e is Extract<Expr, { kind: 'num' }> => e.kind === 'num';
/** Whether e is the number v. */
const is = (e: Expr, v: number): boolean => e.kind === 'num' && e.value === v;
const same = (a: Expr, b: Expr): boolean => a === b || a.text === b.text;

/** a + b */
export function add(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value + b.value);
  if (is(a, 0)) return b;
  if (is(b, 0)) return a;
  if (isNum(a)) return add(b, a); // the number last: p - 1, not -1 + p
  if (b.kind === 'neg') return sub(a, b.args[0]);
  if (isNum(b) && b.value < 0) return sub(a, num(-b.value));
  const [ca, ta] = term(a);
  const [cb, tb] = term(b);
  if (same(ta, tb)) return mul(num(ca + cb), ta); // like terms: 2·x² + x² = 3·x²
  const text = `${a.text} + ${b.text}`;
  check(text);
  return { kind: 'add', args: [a, b], text, latex: `${a.latex} + ${b.latex}`, prec: 1, latexPrec: 1 };
}

/** a - b */
export function sub(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value - b.value);
  if (is(b, 0)) return a;
  if (is(a, 0)) return neg(b);
  if (b.kind === 'neg') return add(a, b.args[0]);
  if (isNum(b) && b.value < 0) return add(a, num(-b.value));
  const [ca, ta] = term(a);
  const [cb, tb] = term(b);
  if (same(ta, tb)) return mul(num(ca - cb), ta); // like terms: 3·x - x = 2·x (x - x = 0)
  const text = `${a.text} - ${wrap(b, 2)}`;
  check(text);
  return { kind: 'sub', args: [a, b], text, latex: `${a.latex} - ${lwrap(b, 2)}`, prec: 1, latexPrec: 1 };
}

/** a · b (numbers move to the front: 2·x) */
export function mul(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value * b.value);
  if (is(a, 0) || is(b, 0)) return num(0);
  if (is(a, 1)) return b;
  if (is(b, 1)) return a;
  if (is(a, -1)) return neg(b);
  if (is(b, -1)) return neg(a);
  if (a.kind === 'neg') return neg(mul(a.args[0], b));
  if (b.kind === 'neg') return neg(mul(a, b.args[0]));
  if (isNum(a) && a.value < 0) return neg(mul(num(-a.value), b));
  if (isNum(b) && b.value < 0) return neg(mul(num(-b.value), a));
  if (isNum(b)) return mul(b, a);
  if (isNum(a) && b.kind === 'mul' && isNum(b.args[0])) return mul(num(a.value * b.args[0].value), b.args[1]);
  // quotients gather into one, where common factors can cancel: (S/e)·(e/S²) = 1/S
  if (a.kind === 'div' && b.kind === 'div') return div(mul(a.args[0], b.args[0]), mul(a.args[1], b.args[1]));
  if (a.kind === 'div') return div(mul(a.args[0], b), a.args[1]);
  if (b.kind === 'div') return div(mul(a, b.args[0]), b.args[1]);
  // a coefficient moves to the front: (2·x)·y = 2·(x·y), x·(2·y) = 2·(x·y)
  // a sum times a factor that cancels in one of its terms is multiplied out: (1/S - 1/e)·e = e/S - 1
  const spread = distribute(a, b) ?? distribute(b, a);
  if (spread !== null) return spread;
  if (a.kind === 'mul' && isNum(a.args[0])) return mul(a.args[0], mul(a.args[1], b));
  if (b.kind === 'mul' && isNum(b.args[0])) return mul(b.args[0], mul(a, b.args[1]));
  const [ba, ea] = power(a);
  const [bb, eb] = power(b);
  if (same(ba, bb)) return pow(ba, num(ea + eb)); // x·x = x², x²·x = x³
  const text = `${wrap(a, 2)}·${wrap(b, 2)}`;
  check(text);
  return { kind: 'mul', args: [a, b], text, latex: `${lwrap(a, 2)} \\cdot ${lwrap(b, 2)}`, prec: 2, latexPrec: 2 };
}

/** a / b */
export function div(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b) && b.value !== 0) return num(a.value / b.value);
  if (is(b, 1)) return a;
  if (is(b, -1)) return neg(a);
  if (is(a, 0)) return num(0);
  if (isNum(a) && a.value < 0) return neg(div(num(-a.value), b));
  if (a.kind === 'neg') return neg(div(a.args[0], b));
  const sigma = sigmoidDerivative(a, b);
  if (sigma !== null) return sigma;
  // (p/q)/(r/s) = (p·s)/(q·r); then factors common to both sides cancel: (S·e)/(S²·e) = 1/S
  if (a.kind === 'div' && b.kind === 'div') return div(mul(a.args[0], b.args[1]), mul(a.args[1], b.args[0]));
  if (a.kind === 'div') return div(a.args[0], mul(a.args[1], b));
  if (b.kind === 'div') return div(mul(a, b.args[1]), b.args[0]);
  const cancelled = cancel(a, b);
  if (cancelled !== null) return cancelled;
  if (b.kind === 'neg') return neg(div(a, b.args[0]));
  if (same(a, b)) return num(1);
  const text = `${wrap(a, 2)}/${wrap(b, 3)}`;
  check(text);
  return { kind: 'div', args: [a, b], text, latex: `\\frac{${a.latex}}{${b.latex}}`, prec: 2, latexPrec: 5 };
}

/** A term as coefficient · rest: 3·x² is [3, x²], x is [1, x]. */
function term(e: Expr): [number, Expr] {
  if (e.kind === 'mul' && isNum(e.args[0])) return [e.args[0].value, e.args[1]];
  return [1, e];
}

/** (u ± v)·w multiplied out, when u·w or v·w becomes a number; else null. */
function distribute(sum: Expr, w: Expr): Expr | null {
  if ((sum.kind !== 'add' && sum.kind !== 'sub') || isNum(w)) return null;
  const u = mul(sum.args[0], w);
  const v = mul(sum.args[1], w);
  if (!isNum(u) && !isNum(v)) return null;
  return sum.kind === 'add' ? add(u, v) : sub(u, v);
}

/** The factors of a product, as [base, whole exponent], and its numeric coefficient. */
function factors(e: Expr): { coefficient: number; list: [Expr, number][] } {
  const list: [Expr, number][] = [];
  let coefficient = 1;
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (f.kind === 'mul') stack.push(f.args[1], f.args[0]);
    else if (isNum(f)) coefficient *= f.value;
    else list.push(power(f));
  }
  return { coefficient, list };
}

/** a/b with the factors common to both cancelled (powers subtracted), or null when none are. */
function cancel(a: Expr, b: Expr): Expr | null {
  const top = factors(a);
  const bottom = factors(b);
  let changed = false;
  for (const t of top.list) {
    for (const d of bottom.list) {
      if (t[1] === 0 || d[1] === 0 || !same(t[0], d[0])) continue;
      const m = Math.min(t[1], d[1]);
      t[1] -= m;
      d[1] -= m;
      changed = true;
    }
  }
  if (!changed) return null;
  const product = (fs: { coefficient: number; list: [Expr, number][] }): Expr =>
    fs.list.reduce((p, [base, n]) => (n === 0 ? p : mul(p, pow(base, num(n)))), num(fs.coefficient) as Expr);
  return div(product(top), product(bottom));
}

/** A factor as base ^ whole exponent: x³ is [x, 3], x is [x, 1]. */
function power(e: Expr): [Expr, number] {
  if (e.kind === 'pow' && isNum(e.args[1]) && Number.isInteger(e.args[1].value)) return [e.args[0], e.args[1].value];
  return [e, 1];
}

/**
 * exp(-u) / (1 + exp(-u))², the derivative of 1/(1 + exp(-u)) as the chain rule writes it, is
 * the standard form σ(u)·(1 - σ(u)).
 */
function sigmoidDerivative(a: Expr, b: Expr): Expr | null {
  if (a.kind !== 'fn' || a.fn !== 'exp' || a.args[0].kind !== 'neg') return null;
  if (b.kind !== 'pow' || !is(b.args[1], 2)) return null;
  const inner = b.args[0];
  if (inner.kind !== 'add') return null;
  const [p, q] = inner.args;
  if (!((is(p, 1) && same(q, a)) || (is(q, 1) && same(p, a)))) return null; // 1 + exp(-u), either order
  const s = call('sigmoid', a.args[0].args[0]);
  return mul(s, sub(num(1), s));
}

const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** a ^ b (x² for small whole exponents) */
export function pow(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value ** b.value);
  if (is(b, 1)) return a;
  if (is(b, 0)) return num(1);
  const small = isNum(b) && Number.isInteger(b.value) && b.value >= 2 && b.value <= 9;
  const text = small ? `${wrap(a, 5)}${SUPERSCRIPTS[b.value]}` : `${wrap(a, 5)}^${wrap(b, 5)}`;
  check(text);
  const base = a.kind === 'fn' && a.latexPrec === 5 && !a.latex.startsWith('\\sqrt') ? a.latex : lwrap(a, 5);
  return { kind: 'pow', args: [a, b], text, latex: `${base}^{${b.latex}}`, prec: 4, latexPrec: 4 };
}

/** -a */
export function neg(a: Expr): Expr {
  if (isNum(a)) return num(-a.value);
  if (a.kind === 'neg') return a.args[0];
  const text = `-${wrap(a, 2)}`;
  check(text);
  return { kind: 'neg', args: [a], text, latex: `-${lwrap(a, 2)}`, prec: 3, latexPrec: 3 };
}

const TEXT_NAMES: Record<FunctionName, string> = {
  exp: 'exp',
  log: 'log',
  sqrt: '√',
  sin: 'sin',
  cos: 'cos',
  tanh: 'tanh',
  sigmoid: 'σ',
  erf: 'erf',
  abs: 'abs',
  sign: 'sign',
  relu: 'relu',
  step: 'step',
};
const LATEX_NAMES: Record<FunctionName, string> = {
  exp: '\\exp',
  log: '\\log',
  sqrt: '\\sqrt',
  sin: '\\sin',
  cos: '\\cos',
  tanh: '\\tanh',
  sigmoid: '\\sigma',
  erf: '\\operatorname{erf}',
  abs: '',
  sign: '\\operatorname{sign}',
  relu: '\\operatorname{relu}',
  step: '\\operatorname{step}',
};

/** The numeric value of a function (for folding and evaluation): the kernels' own scalar definitions. */
export function applyFunction(fn: FunctionName, x: number): number {
  return numberFunction(fn)(x);
}

/** fn(a); a function of a number is folded to a number. */
export function call(fn: FunctionName, a: Expr): Expr {
  if (isNum(a)) return num(applyFunction(fn, a.value));
  const text = fn === 'abs' ? `|${a.text}|` : fn === 'step' ? `[${a.text} > 0]` : `${TEXT_NAMES[fn]}(${a.text})`;
  check(text);
  let latex: string;
  if (fn === 'sqrt') latex = `\\sqrt{${a.latex}}`;
  else if (fn === 'exp') latex = `e^{${a.latex}}`;
  else if (fn === 'abs') latex = `\\left|${a.latex}\\right|`;
  else if (fn === 'step') latex = `[${a.latex} > 0]`;
  else latex = `${LATEX_NAMES[fn]}${lparen(a.latex)}`;
  return { kind: 'fn', fn, args: [a], text, latex, prec: 5, latexPrec: fn === 'exp' ? 4 : 5 };
}

/**
 * A call of any other named function of the formula language (`log1p(x)`, `clamp(x, -1, 1)`,
 * `atan2(a, b)`), kept as written. Two read as brackets: `inside(x, lo, hi)` is `[lo ≤ x ≤ hi]`
 * and `wins(a, b)` is `[a > b]` with ½ on a tie.
 */
export function apply(name: string, args: readonly Expr[]): Expr {
  let text: string, latex: string;
  if (name === 'inside' && args.length === 3) {
    text = `[${args[1]!.text} ≤ ${args[0]!.text} ≤ ${args[2]!.text}]`;
    latex = `[${args[1]!.latex} \\le ${args[0]!.latex} \\le ${args[2]!.latex}]`;
  } else if (name === 'wins' && args.length === 2) {
    text = `[${args[0]!.text} > ${args[1]!.text}] (½ on a tie)`;
    latex = `[${args[0]!.latex} > ${args[1]!.latex}]`;
  } else {
    text = `${name}(${args.map((a) => a.text).join(', ')})`;
    latex = `\\operatorname{${name}}${lparen(args.map((a) => a.latex).join(', '))}`;
  }
  check(text);
  return { kind: 'apply', name, args, text, latex, prec: 5, latexPrec: 5 };
}
