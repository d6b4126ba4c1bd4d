/**
 * A computational graph from an expression a teacher types: `(x+y)*z` with values for x, y and z
 * becomes chainrule ops on named float64 scalars, exactly as written (no simplification), so the
 * trace, the pictures and the exercises show the graph the teacher meant. The language: numbers,
 * variables, `+ - * / ^` (also `·` and `−`), unary minus, parentheses, and the functions `exp`,
 * `log`, `sigmoid`, `tanh`, `relu`. Named steps, as the notes write them, are separated by `;`:
 * `q = x + y; f = q * z` names the intermediate q and the output f; the last step is the output.
 */
import { AutogradError, type Tensor, exp, log, relu, sigmoid, tanh, tensor } from '@chainrule/autograd';

/** What `graphFromExpression` builds: the output, and each variable's leaf by name. */
export interface ExpressionGraph {
  readonly output: Tensor;
  readonly inputs: Readonly<Record<string, Tensor>>;
}

const FUNCTIONS: Readonly<Record<string, (x: Tensor) => Tensor>> = { exp, log, sigmoid, tanh, relu };

/** The longest expression accepted (the parser descends once per nesting level). */
export const MAX_EXPRESSION_CHARS = 2000;

type Token = { kind: 'num'; value: number } | { kind: 'id'; name: string } | { kind: 'op'; op: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+)|([A-Za-z_][A-Za-z_0-9]*)|([-+*/^()·−=;]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) {
      const rest = text.slice(at);
      const where = at + rest.length - rest.trimStart().length + 1; // 1-based, past the spaces
      throw bad(`unexpected '${rest.trimStart()[0]}' at position ${where}`);
    }
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', name: m[2] });
    else tokens.push({ kind: 'op', op: m[3] === '·' ? '*' : m[3] === '−' ? '-' : m[3]! });
    at = re.lastIndex;
  }
  return tokens;
}

function bad(detail: string): AutogradError {
  return new AutogradError('graphFromExpression', detail);
}

/**
 * Builds the graph of `text` at `values` (every variable needs one). Variables become float64
 * scalar leaves that require grad, named as in the expression; numbers become constants. Steps
 * `name = expression` separated by `;` name their results (a later step uses the name).
 * @throws AutogradError naming the problem: a syntax error with its position, an unknown
 * function, a variable without a value, a value for no variable, a step named twice or named
 * like a variable.
 * @example
 * ```ts
 * import { graphFromExpression, explain } from '@chainrule/teaching';
 * const { output } = graphFromExpression('(x+y)*z', { x: -2, y: 5, z: -4 });
 * console.log(output.item()); // -12
 * console.log(explain(output));
 * ```
 */
export function graphFromExpression(text: string, values: Readonly<Record<string, number>>): ExpressionGraph {
  if (typeof text !== 'string' || text.trim() === '') throw bad('the expression is empty');
  if (text.length > MAX_EXPRESSION_CHARS) throw bad(`the expression has over ${MAX_EXPRESSION_CHARS} characters`);
  const tokens = tokenize(text);
  const inputs: Record<string, Tensor> = {};
  /** The named steps (`q = x + y`) so far. */
  const steps: Record<string, Tensor> = {};
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isOp = (op: string): boolean => {
    const t = tokens[i];
    return t?.kind === 'op' && t.op === op;
  };
  const expect = (op: string): void => {
    if (!isOp(op)) throw bad(`expected '${op}' ${i < tokens.length ? `before token ${i + 1}` : 'at the end'}`);
    i++;
  };
  const variable = (name: string): Tensor => {
    if (Object.hasOwn(steps, name)) return steps[name]!;
    if (inputs[name] !== undefined) return inputs[name];
    const v = values[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`the variable ${name} has no value (give ${name}=...)`);
    const t = tensor(v, { dtype: 'float64', requiresGrad: true });
    t.name = name;
    inputs[name] = t;
    return t;
  };
  const sum = (): Tensor => {
    let left = product();
    while (isOp('+') || isOp('-')) {
      const plus = isOp('+');
      i++;
      const right = product();
      left = plus ? left.add(right) : left.sub(right);
    }
    return left;
  };
  const product = (): Tensor => {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const times = isOp('*');
      i++;
      const right = unary();
      left = times ? left.mul(right) : left.div(right);
    }
    return left;
  };
  const unary = (): Tensor => {
    if (isOp('-')) {
      i++;
      return unary().neg();
    }
    const base = atom();
    if (!isOp('^')) return base;
    i++;
    return base.pow(unary());
  };
  const atom = (): Tensor => {
    const t = peek();
    if (t === undefined) throw bad('the expression ends too early');
    i++;
    if (t.kind === 'num') return tensor(t.value, { dtype: 'float64' });
    if (t.kind === 'op') {
      if (t.op !== '(') throw bad(`unexpected '${t.op}' at token ${i}`);
      const inner = sum();
      expect(')');
      return inner;
    }
    if (!isOp('(')) return variable(t.name);
    const fn = FUNCTIONS[t.name];
    if (fn === undefined) throw bad(`unknown function ${t.name} (known: ${Object.keys(FUNCTIONS).join(', ')})`);
    i++;
    const arg = sum();
    expect(')');
    return fn(arg);
  };
  /** `name = expression` (a named step) or an expression. */
  const statement = (): Tensor => {
    const t = peek();
    const next = tokens[i + 1];
    if (t?.kind !== 'id' || next?.kind !== 'op' || next.op !== '=') return sum();
    const name = t.name;
    if (Object.hasOwn(steps, name)) throw bad(`${name} is named twice`);
    if (Object.hasOwn(values, name) || inputs[name] !== undefined)
      throw bad(`${name} is a variable; name the step differently`);
    i += 2;
    const result = sum();
    if (result.name === undefined) result.name = name; // a step that is just a variable keeps its name
    steps[name] = result;
    return result;
  };
  let output = statement();
  while (isOp(';')) {
    i++;
    if (i < tokens.length) output = statement();
  }
  if (i < tokens.length) throw bad(`unexpected token ${i + 1} after a complete expression`);
  const unused = Object.keys(values).filter((k) => inputs[k] === undefined);
  if (unused.length > 0) throw bad(`a value was given for ${unused.join(', ')}, which the expression does not use`);
  if (!output.requiresGrad) throw bad('the expression has no variable');
  return { output, inputs };
}

/** Values written as `x=-2,y=5,z=-4` (the terminal's `--at`). */
export function parseValues(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const m = /^([A-Za-z_][A-Za-z_0-9]*)\s*=\s*(.+)$/.exec(part);
    const v = m === null ? Number.NaN : Number(m[2]);
    if (m === null || !Number.isFinite(v)) throw bad(`cannot read '${part}' as name=number`);
    out[m[1]!] = v;
  }
  return out;
}
