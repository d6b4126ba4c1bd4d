import type { NDArray } from '@chainrule/tensor';
import type { BackwardStep, FormulaContext, Node, Tensor } from '@chainrule/autograd';
import { type BackwardRecord, recordBackward } from './backward-record.js';
import { type GraphNode, type GraphView, collectGraph } from './graph.js';
import { type LocalDerivativeRule, localDerivative } from './local-derivatives.js';

/** One use's share of a gradient: what flowed back from the op `via`. */
export interface GradientPart {
  readonly via: GraphNode;
  readonly value: NDArray;
}

/** ∂root/∂t: the total, and its parts when t is used more than once (fan-out is a sum). */
export interface SummedGradient {
  readonly total: NDArray;
  /** One part per use (empty for the output, whose gradient is the seed). */
  readonly parts: readonly GradientPart[];
}

/** What one op sends back to one of its inputs. */
export interface InputTerm {
  readonly input: GraphNode;
  /** Which input of the op (0-based). */
  readonly slot: number;
  /**
   * factor: `formula` is ∂out/∂input and `local` its value; vjp: `formula` is the input's gradient
   * in terms of G.
   */
  readonly kind: 'factor' | 'vjp';
  readonly formula: string;
  readonly local: NDArray | null;
  /** ∂root/∂input through this op alone (the engine's value). */
  readonly gradient: NDArray;
}

/** One chain-rule step: an op, the gradient that arrived at its output, and what it sent back. */
export interface ChainRuleStep {
  /** 1-based, in the order the engine ran the steps (a reverse topological order). */
  readonly step: number;
  readonly node: GraphNode;
  /** The op written with labels, e.g. `q · z`. */
  readonly expression: string;
  readonly value: NDArray;
  /** G = ∂root/∂out. */
  readonly upstream: SummedGradient;
  /** The inputs that receive a gradient. */
  readonly inputs: readonly InputTerm[];
}

/** A parameter (a leaf that requires grad) and its gradient. */
export interface LeafGradient {
  readonly node: GraphNode;
  readonly value: NDArray;
  readonly gradient: SummedGradient;
}

/** A forward op, for the trace's forward listing. */
export interface ForwardLine {
  readonly node: GraphNode;
  readonly expression: string;
  readonly value: NDArray;
}

/** Everything `explain` prints, as data. */
export interface ChainRuleTrace {
  readonly graph: GraphView;
  readonly root: GraphNode;
  readonly forward: readonly ForwardLine[];
  readonly steps: readonly ChainRuleStep[];
  readonly leaves: readonly LeafGradient[];
}

/** Options of `traceChainRule` and `explain`. */
export interface TraceOptions {
  /** ∂root/∂root for a non-scalar output (default 1 for a scalar). */
  gradOutput?: Tensor;
}

/** The formula context of an op node, in the graph's labels. */
export function formulaContext(graph: GraphView, n: GraphNode): FormulaContext<unknown> {
  const node = n.node!;
  return {
    out: n.label,
    inputs: n.inputs.map((i) => graph.nodes[i]!.label),
    params: node.params,
    inputShapes: n.inputs.map((i) => graph.nodes[i]!.tensor.shape),
    outShape: n.tensor.shape,
  };
}

/** The local-derivative rule of an op node. */
export function ruleOf(n: GraphNode): LocalDerivativeRule {
  return localDerivative(n.node!.record);
}

/**
 * Runs the backward pass from `y` with the engine's `trace` and `retainGraph` (no `.grad` is
 * touched, and the graph stays usable) and returns every chain-rule step as data.
 * @example
 * ```ts
 * const trace = traceChainRule(f);
 * trace.steps[0].inputs[0].formula; // 'z' for f = q · z
 * ```
 */
export function traceChainRule(y: Tensor, options: TraceOptions = {}): ChainRuleTrace {
  return traceFor(y, 'explain', options);
}

/** traceChainRule, with errors naming `caller`. */
export function traceFor(y: Tensor, caller: string, options: TraceOptions = {}): ChainRuleTrace {
  const graph = collectGraph(y, caller);
  return buildTrace(graph, recordBackward(graph, caller, options.gradOutput));
}

/** Turns a recorded backward into trace data. */
export function buildTrace(graph: GraphView, record: BackwardRecord): ChainRuleTrace {
  const stepOf = new Map<Node, BackwardStep>();
  for (const s of record.steps) stepOf.set(s.node, s);
  const summed = (n: GraphNode): SummedGradient => summedGradient(graph, record, stepOf, n);

  const steps: ChainRuleStep[] = record.steps.map((s, k) => {
    const n = graph.byTensor.get(s.node.output!)!;
    const rule = ruleOf(n);
    const ctx = formulaContext(graph, n);
    const formulas = rule.kind === 'none' ? [] : rule.formulas(ctx);
    const locals =
      rule.kind === 'factor'
        ? rule.values(
            n.inputs.map((i) => graph.nodes[i]!.tensor.value),
            n.tensor.value,
            n.node!.params,
          )
        : [];
    const inputs: InputTerm[] = [];
    n.inputs.forEach((id, slot) => {
      const input = graph.nodes[id]!;
      const g = s.gradInputs[slot];
      const formula = formulas[slot];
      if (!input.tensor.requiresGrad || g === null || g === undefined || formula === null || formula === undefined)
        return;
      inputs.push({
        input,
        slot,
        kind: rule.kind === 'factor' ? 'factor' : 'vjp',
        formula,
        local: locals[slot] ?? null,
        gradient: g.value,
      });
    });
    return {
      step: k + 1,
      node: n,
      expression: rule.expression(ctx),
      value: n.tensor.value,
      upstream: { total: s.gradOutput.value, parts: summed(n).parts },
      inputs,
    };
  });

  const leaves: LeafGradient[] = graph.nodes
    .filter((n) => n.kind === 'parameter' && record.gradients.has(n.tensor))
    .map((n) => ({ node: n, value: n.tensor.value, gradient: summed(n) }));
  const forward: ForwardLine[] = graph.nodes
    .filter((n) => n.node !== null)
    .map((n) => ({ node: n, expression: ruleOf(n).expression(formulaContext(graph, n)), value: n.tensor.value }));
  return { graph, root: graph.root, forward, steps, leaves };
}

/** ∂root/∂t with one part per use of t (each consumer's share, in forward order). */
function summedGradient(
  graph: GraphView,
  record: BackwardRecord,
  stepOf: ReadonlyMap<Node, BackwardStep>,
  n: GraphNode,
): SummedGradient {
  const total = (record.gradients.get(n.tensor) ?? record.seed).value;
  if (n.isOutput) return { total: record.seed.value, parts: [] };
  const parts: GradientPart[] = [];
  const seen = new Set<number>();
  for (const c of graph.consumers[n.id]!) {
    if (seen.has(c)) continue;
    seen.add(c);
    const consumer = graph.nodes[c]!;
    const step = stepOf.get(consumer.node!);
    if (step === undefined) continue;
    consumer.inputs.forEach((id, slot) => {
      const g = step.gradInputs[slot];
      if (id === n.id && g !== null && g !== undefined) parts.push({ via: consumer, value: g.value });
    });
  }
  return { total, parts };
}
