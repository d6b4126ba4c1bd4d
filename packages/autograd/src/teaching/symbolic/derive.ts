import { AutogradError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { type GraphNode, collectGraph } from '../graph.js';
import { type Expr, add, call, div, mul, neg, num, pow, sub, sym } from './expr.js';

/** Options of `symbolicGradient`. */
export interface SymbolicOptions {
  /** Write named intermediate tensors by their names (with their definitions) instead of expanding them. */
  keepNames?: boolean;
}

/** A named intermediate, when `keepNames` is on. */
export interface Definition {
  readonly name: string;
  readonly expression: Expr;
}

/** ∂y/∂x as an expression. */
export interface SymbolicGradient {
  readonly expression: Expr;
  /** `(1 - tanh(w·x + b)²)·x` */
  readonly text: string;
  readonly latex: string;
  /** `∂y/∂w = (1 - tanh(w·x + b)²)·x` */
  readonly equation: string;
  /** `\frac{\partial y}{\partial w} = …` */
  readonly latexEquation: string;
  /** The named intermediates used (keepNames), in forward order. */
  readonly definitions: readonly Definition[];
  /** The forward expression of y. */
  readonly output: Expr;
}

/**
 * ∂y/∂x of a scalar graph as a readable expression (text and LaTeX), lightly simplified.
 * Leaves become symbols (their names), constants numbers. Built by walking the graph in
 * topological order with an explicit stack, then accumulating adjoints in reverse.
 * @example
 * ```ts
 * const o = { requiresGrad: true, dtype: 'float64' } as const;
 * const w = named(tensor(0.5, o), 'w'), x = named(tensor(2, o), 'x'), b = named(tensor(-1, o), 'b');
 * const y = named(w.mul(x).add(b).tanh(), 'y');
 * symbolicGradient(y, w).equation; // '∂y/∂w = (1 - tanh(w·x + b)²)·x'
 * symbolicGradient(y, w).latex;    // '\\left(1 - \\tanh\\left(w \\cdot x + b\\right)^{2}\\right) \\cdot x'
 * ```
 * @throws AutogradError for a tensor with more than one element, or an op with no symbolic rule.
 */
export function symbolicGradient(y: Tensor, x: Tensor, options: SymbolicOptions = {}): SymbolicGradient {
  const graph = collectGraph(y, 'symbolicGradient');
  const target = graph.byTensor.get(x);
  const forward = new Map<number, Expr>();
  const definitions: Definition[] = [];
  for (const n of graph.nodes) {
    if (n.tensor.size !== 1) {
      throw new AutogradError('symbolicGradient', `works on scalar graphs; ${n.label}${n.node === null ? '' : ` (${n.op})`} has shape [${n.tensor.shape.join(',')}]`);
    }
    const expanded = n.node === null ? leafExpr(n) : forwardExpr(n, n.inputs.map((i) => forward.get(i)!));
    const keep = options.keepNames === true && n.node !== null && n.tensor.name !== undefined && !n.isOutput;
    if (keep) definitions.push({ name: n.label, expression: expanded });
    forward.set(n.id, keep ? sym(n.label) : expanded);
  }

  // adjoints: ∂y/∂n, from the output back (the nodes are in forward topological order)
  const adjoint = new Map<number, Expr>([[graph.root.id, num(1)]]);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k]!;
    const a = adjoint.get(n.id);
    if (a === undefined || n.node === null) continue;
    const args = n.inputs.map((i) => forward.get(i)!);
    const locals = localExprs(n, args, forward.get(n.id)!);
    n.inputs.forEach((i, slot) => {
      const input = graph.nodes[i]!;
      if (!input.tensor.requiresGrad || locals[slot] === null) return;
      const term = mul(a, locals[slot]!);
      const before = adjoint.get(i);
      adjoint.set(i, before === undefined ? term : add(before, term));
    });
  }
  const expression = target === undefined ? num(0) : adjoint.get(target.id) ?? num(0);
  const yName = graph.root.label, xName = target?.label ?? x.name ?? 'x';
  return {
    expression,
    text: expression.text,
    latex: expression.latex,
    equation: `∂${yName}/∂${xName} = ${expression.text}`,
    latexEquation: `\\frac{\\partial ${sym(yName).latex}}{\\partial ${sym(xName).latex}} = ${expression.latex}`,
    definitions,
    output: forward.get(graph.root.id)!,
  };
}

/** A leaf: a symbol when named or when it requires grad, else its number. */
function leafExpr(n: GraphNode): Expr {
  if (n.tensor.name !== undefined || n.tensor.requiresGrad) return sym(n.label);
  return num(n.tensor.item());
}

const UNSUPPORTED = (n: GraphNode): AutogradError => new AutogradError('symbolicGradient', `no symbolic rule for op '${n.op}' (at ${n.label})`);

/** The op applied to its inputs' expressions. */
function forwardExpr(n: GraphNode, [a, b, c]: readonly Expr[]): Expr {
  switch (n.node!.op) {
    // linear(x, W, b) = x·Wᵀ + b, on one element x·W + b
    case 'linear': return c === undefined ? mul(a!, b!) : add(mul(a!, b!), c);
    case 'add': return add(a!, b!);
    case 'sub': return sub(a!, b!);
    case 'mul': case 'matmul': return mul(a!, b!);
    case 'div': return div(a!, b!);
    case 'pow': return pow(a!, b!);
    case 'neg': return neg(a!);
    case 'exp': return call('exp', a!);
    case 'log': return call('log', a!);
    case 'log1p': return call('log', add(num(1), a!));
    case 'expm1': return sub(call('exp', a!), num(1));
    case 'sqrt': return call('sqrt', a!);
    case 'square': return pow(a!, num(2));
    case 'reciprocal': return div(num(1), a!);
    case 'sin': return call('sin', a!);
    case 'cos': return call('cos', a!);
    case 'tanh': return call('tanh', a!);
    case 'sigmoid': return call('sigmoid', a!);
    case 'softplus': return call('log', add(num(1), call('exp', a!)));
    case 'erf': return call('erf', a!);
    case 'abs': return call('abs', a!);
    case 'relu': return call('relu', a!);
    // on one element these only move or relabel the value
    case 'cast': case 'reshape': case 'permute': case 'expand': case 'sum': case 'prod': case 'max': case 'min': case 'slice': case 'concat':
      if (n.inputs.length === 1) return a!;
      throw UNSUPPORTED(n);
    default: throw UNSUPPORTED(n);
  }
}

/** ∂out/∂input for each input, as expressions (null: no gradient); `out` is the op's own expression (or name). */
function localExprs(n: GraphNode, [a, b, c]: readonly Expr[], out: Expr): readonly (Expr | null)[] {
  switch (n.node!.op) {
    case 'linear': return c === undefined ? [b!, a!] : [b!, a!, num(1)];
    case 'add': return [num(1), num(1)];
    case 'sub': return [num(1), num(-1)];
    case 'mul': case 'matmul': return [b!, a!];
    case 'div': return [div(num(1), b!), neg(div(a!, pow(b!, num(2))))];
    case 'pow': return [mul(b!, pow(a!, sub(b!, num(1)))), mul(pow(a!, b!), call('log', a!))];
    case 'neg': return [num(-1)];
    case 'exp': return [out];
    case 'log': return [div(num(1), a!)];
    case 'log1p': return [div(num(1), add(num(1), a!))];
    case 'expm1': return [call('exp', a!)];
    case 'sqrt': return [div(num(1), mul(num(2), out))];
    case 'square': return [mul(num(2), a!)];
    case 'reciprocal': return [neg(div(num(1), pow(a!, num(2))))];
    case 'sin': return [call('cos', a!)];
    case 'cos': return [neg(call('sin', a!))];
    case 'tanh': return [sub(num(1), pow(out, num(2)))];
    case 'sigmoid': return [mul(out, sub(num(1), out))];
    case 'softplus': return [call('sigmoid', a!)];
    case 'erf': return [mul(div(num(2), call('sqrt', sym('π'))), call('exp', neg(pow(a!, num(2)))))];
    case 'abs': return [call('sign', a!)];
    case 'relu': return [call('step', a!)];
    case 'cast': case 'reshape': case 'permute': case 'expand': case 'sum': case 'prod': case 'max': case 'min': case 'slice': case 'concat':
      return [num(1)];
    default: throw UNSUPPORTED(n);
  }
}
