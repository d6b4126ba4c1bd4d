import { AutogradError, type ElementwiseFormula, type Tensor } from '@chainrule/autograd';
import { type GraphNode, collectGraph } from '../graph.js';
import { type Expr, add, mul, num, sym } from './expr.js';
import { parseFormula } from './parse.js';

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
  /**
   * Set when autograd would not give this derivative (never a silent 0): x does not require grad
   * (the expression is then the mathematical derivative, which autograd skips), or x is not in the
   * graph of y (the derivative is 0 because y does not depend on x). Null otherwise.
   */
  readonly note: string | null;
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
  // a target autograd skips is still differentiated, as a symbol, and the result is flagged
  const skipped = target !== undefined && !target.tensor.requiresGrad;
  const forward = new Map<number, Expr>();
  const definitions: Definition[] = [];
  for (const n of graph.nodes) {
    if (n.tensor.numel() !== 1) {
      throw new AutogradError(
        'symbolicGradient',
        `works on scalar graphs; ` +
          `${n.label}${n.node === null ? '' : ` (${n.op})`} has shape [${n.tensor.shape.join(',')}]`,
      );
    }
    const expanded =
      n.node === null
        ? n === target
          ? sym(n.label)
          : leafExpr(n)
        : forwardExpr(
            n,
            n.inputs.map((i) => forward.get(i)!),
          );
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
      if ((!input.tensor.requiresGrad && !skipped) || locals[slot] === null) return;
      const term = mul(a, locals[slot]!);
      const before = adjoint.get(i);
      adjoint.set(i, before === undefined ? term : add(before, term));
    });
  }
  const expression = target === undefined ? num(0) : (adjoint.get(target.id) ?? num(0));
  const yName = graph.root.label,
    xName = target?.label ?? x.name ?? 'x';
  const note =
    target === undefined
      ? `${xName} is not in the graph of ${yName}: the derivative is 0 because ${yName} does not depend on it`
      : skipped
        ? `${xName} does not require grad: autograd gives it no gradient (${xName}.grad stays null); ` +
          'this is the mathematical derivative'
        : null;
  return {
    expression,
    text: expression.text,
    latex: expression.latex,
    equation: `∂${yName}/∂${xName} = ${expression.text}${note === null ? '' : `   (note: ${note})`}`,
    latexEquation: `\\frac{\\partial ${sym(yName).latex}}{\\partial ${sym(xName).latex}} = ${expression.latex}`,
    definitions,
    output: forward.get(graph.root.id)!,
    note,
  };
}

/** A leaf: a symbol when named or when it requires grad, else its number. */
function leafExpr(n: GraphNode): Expr {
  if (n.tensor.name !== undefined || n.tensor.requiresGrad) return sym(n.label);
  return num(n.tensor.item());
}

const UNSUPPORTED = (n: GraphNode): AutogradError =>
  new AutogradError('symbolicGradient', `no symbolic rule for op '${n.op}' (at ${n.label})`);

/** The one-element reading of a node's op (its record's elementwise formula, or the scalar form of another op). */
function scalarForm(n: GraphNode): Omit<ElementwiseFormula, 'kind' | 'show'> {
  const f = n.node!.record.formula;
  if (f.kind === 'elementwise') return f;
  if (f.kind === 'vjp' && f.scalar !== undefined) return f.scalar;
  throw UNSUPPORTED(n);
}

/** The formula's names bound to the inputs' expressions (a missing optional input, like linear's bias, is 0). */
function bind(n: GraphNode, args: readonly Expr[]): Record<string, Expr> {
  const names: Record<string, Expr> = {};
  scalarForm(n).args.forEach((a, i) => {
    names[a] = args[i] ?? num(0);
  });
  return names;
}

/** The op applied to its inputs' expressions. */
function forwardExpr(n: GraphNode, args: readonly Expr[]): Expr {
  return parseFormula(scalarForm(n).out, { names: bind(n, args), params: n.node!.params, strict: true });
}

/** ∂out/∂input for each input, as expressions (null: no gradient); `out` is the op's own expression (or name). */
function localExprs(n: GraphNode, args: readonly Expr[], out: Expr): readonly (Expr | null)[] {
  const names = { ...bind(n, args), out };
  return scalarForm(n)
    .d.slice(0, args.length)
    .map((d) => (d === null ? null : parseFormula(d, { names, params: n.node!.params, strict: true })));
}
