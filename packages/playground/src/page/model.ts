/**
 * What the page shows, as data (no DOM): the graph of an expression, its chain-rule trace and
 * picture, and which values and gradients are known at each position of the step-through.
 * Positions: 0 shows the inputs only; 1..F compute the F ops forward, one at a time; F + 1 seeds
 * ∂f/∂f = 1; F + 1 + k runs the engine's k-th backward step (a tensor's gradient is known once
 * every op that uses it has sent its part back, as in `toSvgFrames`).
 */
import type { Tensor } from '@chainrule/autograd';
import {
  type ChainRuleTrace,
  type GraphNode,
  type Picture,
  type PictureStyle,
  buildPicture,
  formatTrace,
  formatValue,
  graphFromExpression,
  symbolicGradient,
  toSvg,
  traceChainRule,
} from '@chainrule/teaching';

/** The functions of the expression language (a name followed by `(` is a call). */
const FUNCTION_NAMES: ReadonlySet<string> = new Set(['exp', 'log', 'sigmoid', 'tanh', 'relu']);

/** ∂f/∂variable, for the KaTeX panel. */
export interface SymbolicLine {
  readonly variable: string;
  /** LaTeX of the equation, or null when no symbolic rule exists (see `error`). */
  readonly latex: string | null;
  readonly text: string;
  readonly error: string | null;
}

/** Everything the page needs for one expression at given values. */
export interface PlaygroundModel {
  readonly expression: string;
  readonly output: Tensor;
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly trace: ChainRuleTrace;
  readonly picture: Picture;
  /** The picture as SVG (element ids prefixed `pg-`). */
  readonly svg: string;
  readonly forwardSteps: number;
  readonly backwardSteps: number;
  /** The last position: F + 1 + B. */
  readonly length: number;
  readonly symbolic: readonly SymbolicLine[];
  valueKnown(node: GraphNode, position: number): boolean;
  gradKnown(node: GraphNode, position: number): boolean;
  /** ∂f/∂node summed over its uses, or null for a tensor that does not require grad. */
  gradOf(node: GraphNode): number | null;
  /** Whether the backward step of op `node` has run by `position` (its inputs' parts are sent). */
  stepRan(node: GraphNode, position: number): boolean;
  /** The node being computed at `position` (null at 0). */
  current(position: number): GraphNode | null;
  /** What happens at `position`, in words and in `explain`'s lines. */
  stepText(position: number): string;
}

/**
 * The variables of an expression, in order of first use (names not followed by `(`).
 * Named steps (`q = x + y; f = q * z`) are not variables.
 * @example expressionVariables('z = w*x + b; sigmoid(z) + tanh (c)'); // ['w', 'x', 'b', 'c']
 */
export function expressionVariables(text: string): string[] {
  const names: string[] = [];
  const steps = new Set([...text.matchAll(/(?:^|;)\s*([A-Za-z_][A-Za-z_0-9]*)\s*=/g)].map((m) => m[1]!));
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z_0-9]*)(\s*\()?/g)) {
    const name = m[1]!;
    if ((m[2] !== undefined && FUNCTION_NAMES.has(name)) || steps.has(name)) continue;
    if (/^\d/.test(text.slice(Math.max(0, m.index - 1), m.index)) && /^e\d*$/.test(name)) continue; // 1e5
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** The output's name when the expression gives none: f, unless a variable is called f. */
function outputName(inputs: Readonly<Record<string, Tensor>>): string {
  return ['f', 'L', 'out', 'result'].find((n) => inputs[n] === undefined) ?? 'output';
}

/**
 * Builds the graph of `expression` at `values` and everything the page shows about it.
 * @throws AutogradError (from `graphFromExpression`) for a syntax error or a missing value.
 * @example
 * ```ts
 * const m = buildModel('(x + y) * z', { x: -2, y: 5, z: -4 });
 * m.length; // 5: two ops forward, the seed, two backward steps
 * ```
 */
export function buildModel(
  expression: string,
  values: Readonly<Record<string, number>>,
  style: PictureStyle = 'auto',
): PlaygroundModel {
  const { output, inputs } = graphFromExpression(expression, values);
  if (output.node !== null && output.name === undefined) output.name = outputName(inputs);
  const trace = traceChainRule(output);
  const graph = trace.graph;
  const options = { style, idPrefix: 'pg' } as const;
  const picture = buildPicture(output, 'playground', options);
  const svg = toSvg(output, options);
  const forwardAt = new Map<Tensor, number>(trace.forward.map((l, i) => [l.node.tensor, i + 1] as const));
  const F = trace.forward.length;
  const B = trace.steps.length;
  const stepAt = new Map<Tensor, number>(trace.steps.map((s) => [s.node.tensor, s.step] as const));
  // ∂f/∂t is complete after the last step among t's consumers; the output's at the seed (0)
  const ready = new Map<Tensor, number>([[output, 0]]);
  const grads = new Map<Tensor, number>();
  for (const s of trace.steps) grads.set(s.node.tensor, s.upstream.total.item());
  for (const l of trace.leaves) grads.set(l.node.tensor, l.gradient.total.item());
  for (const n of graph.nodes) {
    const users = graph.consumers[n.id]!.map((c) => stepAt.get(graph.nodes[c]!.tensor) ?? Number.POSITIVE_INFINITY);
    if (users.length > 0) ready.set(n.tensor, Math.max(...users));
  }
  const blocks = explainBlocks(formatTrace(trace));
  const fmt = (t: Tensor): string => formatValue(t.value, { digits: 4 });
  const f = graph.root.label;
  return {
    expression,
    output,
    inputs,
    trace,
    picture,
    svg,
    forwardSteps: F,
    backwardSteps: B,
    length: F + 1 + B,
    symbolic: Object.keys(inputs).map((name) => symbolicLine(output, inputs[name]!, name)),
    valueKnown: (n, p) => n.node === null || (forwardAt.get(n.tensor) ?? 0) <= p,
    gradKnown: (n, p) => grads.has(n.tensor) && p > F && (ready.get(n.tensor) ?? Infinity) <= p - F - 1,
    gradOf: (n) => grads.get(n.tensor) ?? null,
    stepRan: (n, p) => (stepAt.get(n.tensor) ?? Infinity) <= p - F - 1,
    current(p) {
      if (p <= 0 || p > F + 1 + B) return null;
      if (p <= F) return trace.forward[p - 1]!.node;
      if (p === F + 1) return graph.root;
      return trace.steps[p - F - 2]!.node;
    },
    stepText(p) {
      if (p <= 0)
        return `Inputs: ${Object.entries(inputs)
          .map(([k, t]) => `${k} = ${fmt(t)}`)
          .join(', ')}. Step forward to compute the ops one by one.`;
      if (p <= F) {
        const l = trace.forward[p - 1]!;
        return `Forward ${p}/${F}: ${l.node.label} = ${l.expression} = ${formatValue(l.value, { digits: 4 })}`;
      }
      if (p === F + 1) return `Backward starts: the seed ∂${f}/∂${f} = 1`;
      const k = p - F - 1;
      return `Backward ${k}/${B}:\n${blocks[k - 1] ?? ''}`;
    },
  };
}

/** explain's text, one block per backward step (`[k] …` and its indented lines). */
function explainBlocks(text: string): string[] {
  const blocks: string[] = [];
  let open = false;
  for (const line of text.split('\n')) {
    if (/^\[\d+\] /.test(line)) {
      blocks.push(line);
      open = true;
    } else if (open && line.startsWith('    ')) blocks[blocks.length - 1] += `\n${line}`;
    else open = false;
  }
  return blocks;
}

function symbolicLine(output: Tensor, input: Tensor, variable: string): SymbolicLine {
  try {
    const g = symbolicGradient(output, input);
    return { variable, latex: g.latexEquation, text: g.equation, error: null };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return { variable, latex: null, text: `∂/∂${variable}: ${error}`, error };
  }
}
