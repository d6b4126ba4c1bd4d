import type { NDArray } from '@chainrule/tensor';
import { AutogradError, type Tensor } from '@chainrule/autograd';
import { type ChainRuleTrace, type GradientPart, traceFor } from './chain-rule-trace.js';
import { type ValueFormat, elementsOf, formatShape, formatValue } from './format.js';
import type { GraphNode } from './graph.js';

/** What the student enters: the local derivatives, or the upstream gradients ∂y/∂node. */
export type ExerciseMode = 'local' | 'upstream';

/** Options of `createExercise`. */
export interface ExerciseOptions extends ValueFormat {
  mode: ExerciseMode;
  /**
   * An answer is right when |given − expected| ≤ atol + rtol·|expected|
   * (defaults 5e-4 and 5e-3: three significant digits).
   */
  atol?: number;
  rtol?: number;
}

/** One question. */
export interface ExerciseQuestion {
  /** 1-based. */
  readonly number: number;
  readonly total: number;
  /** What is asked, as a symbol: `∂f/∂q` (upstream) or `∂q/∂x` (local). */
  readonly asked: string;
  /** The question in words, with the values the student needs. */
  readonly prompt: string;
  /** The shape of the expected answer (its elements are entered in row-major order). */
  readonly shape: readonly number[];
}

/** The grade of one answer. */
export interface ExerciseResult {
  readonly correct: boolean;
  /** The right value, row-major. */
  readonly expected: readonly number[];
  readonly expectedText: string;
  readonly given: readonly number[];
  readonly question: ExerciseQuestion;
}

/** A chain-rule exercise, answered step by step. */
export interface Exercise {
  readonly mode: ExerciseMode;
  /** The forward pass, as the student sees it. */
  readonly graphText: string;
  /** The question to answer now (null when done). */
  current(): ExerciseQuestion | null;
  /** Grades an answer to the current question and moves on (a wrong answer shows the right value). */
  answer(value: number | readonly number[]): ExerciseResult;
  readonly done: boolean;
  readonly score: { readonly correct: number; readonly answered: number; readonly total: number };
}

interface Item {
  readonly question: ExerciseQuestion;
  readonly expected: NDArray;
}

/**
 * An exercise on the graph that made `y`. In `local` mode the student enters, node by node from
 * the output back, the local derivative of each elementwise op with respect to each input
 * (∂f/∂q for f = q·z is z = -4). In `upstream` mode the student enters ∂y/∂node for every node
 * and parameter, in the order backprop finds them (using the fan-out sums where needed).
 * @example
 * ```ts
 * const ex = createExercise(f, { mode: 'upstream' });
 * ex.current()!.asked; // '∂f/∂q'
 * ex.answer(-4);       // { correct: true, expected: [-4], ... }
 * ```
 */
export function createExercise(y: Tensor, options: ExerciseOptions): Exercise {
  const trace = traceFor(y, 'createExercise');
  const fmt: ValueFormat = { digits: options.digits ?? 4, maxElements: options.maxElements ?? 8 };
  const atol = options.atol ?? 5e-4,
    rtol = options.rtol ?? 5e-3;
  const drafts = options.mode === 'local' ? localItems(trace, fmt) : upstreamItems(trace, fmt);
  if (drafts.length === 0)
    throw new AutogradError(
      'createExercise',
      `the graph of ${trace.root.label} has nothing to ask in ${options.mode} mode`,
    );
  const items: Item[] = drafts.map((d, i) => ({
    expected: d.expected,
    question: { number: i + 1, total: drafts.length, asked: d.asked, prompt: d.prompt, shape: d.expected.shape },
  }));
  let at = 0,
    correct = 0;
  const graphText = trace.forward
    .map((l) => `${l.node.label} = ${l.expression} = ${formatValue(l.value, fmt)}`)
    .join('\n');
  const leavesText = trace.graph.nodes
    .filter((n) => n.node === null && !isConstant(n))
    .map((n) => `${n.label} = ${formatValue(n.tensor.value, fmt)}`)
    .join(', ');
  return {
    mode: options.mode,
    graphText: `inputs: ${leavesText}\n${graphText}`,
    current: () => items[at]?.question ?? null,
    answer(value) {
      const item = items[at];
      if (item === undefined)
        throw new AutogradError('exercise', 'the exercise is done: there is no question to answer');
      const given = typeof value === 'number' ? [value] : [...value];
      const expected = elementsOf(item.expected);
      if (given.length !== expected.length) {
        throw new AutogradError(
          'exercise',
          `${item.question.asked} has ${expected.length} element${expected.length === 1 ? '' : 's'} ` +
            `(shape ${formatShape(item.expected.shape)}); got ${given.length}`,
        );
      }
      const ok = given.every((g, i) => Math.abs(g - expected[i]!) <= atol + rtol * Math.abs(expected[i]!));
      if (ok) correct++;
      at++;
      return { correct: ok, expected, expectedText: formatValue(item.expected, fmt), given, question: item.question };
    },
    get done() {
      return at >= items.length;
    },
    get score() {
      return { correct, answered: at, total: items.length };
    },
  };
}

/** An unnamed constant, shown by its value (its label is that value). */
function isConstant(n: GraphNode): boolean {
  return n.node === null && !n.tensor.requiresGrad && n.tensor.name === undefined;
}

interface Draft {
  readonly asked: string;
  readonly prompt: string;
  readonly expected: NDArray;
}

/** One question per (elementwise op, input), from the output back. */
function localItems(trace: ChainRuleTrace, fmt: ValueFormat): Draft[] {
  const v = (x: NDArray): string => formatValue(x, fmt);
  const out: Draft[] = [];
  for (const s of trace.steps) {
    const known = s.node.inputs
      .map((i) => trace.graph.nodes[i]!)
      .filter((n) => !isConstant(n))
      .map((n) => `${n.label} = ${v(n.tensor.value)}`);
    for (const t of s.inputs) {
      if (t.kind !== 'factor' || t.local === null) continue;
      const asked = `∂${s.node.label}/∂${t.input.label}`;
      const given = known.length === 0 ? '' : ` with ${[...new Set(known)].join(', ')}`;
      out.push({
        asked,
        prompt:
          `${s.node.label} = ${s.expression}${given} ` +
          `(${s.node.label} = ${v(s.value)}). Local derivative ${asked} = ?`,
        expected: t.local,
      });
    }
  }
  return out;
}

/** ∂y/∂t for every op node (when its gradient is complete) and then every parameter. */
function upstreamItems(trace: ChainRuleTrace, fmt: ValueFormat): Draft[] {
  const v = (x: NDArray): string => formatValue(x, fmt);
  const f = trace.root.label;
  const out: Draft[] = [];
  const usesOf = (parts: readonly GradientPart[]): string => {
    const users = [...new Set(parts.map((p) => p.via.id))];
    const steps = users.map((id) => trace.steps.find((s) => s.node.id === id)).filter((s) => s !== undefined);
    return steps
      .map((s) => `${s.node.label} = ${s.expression} (∂${f}/∂${s.node.label} = ${v(s.upstream.total)})`)
      .join('; ');
  };
  for (const s of trace.steps) {
    if (s.node.isOutput) continue;
    const asked = `∂${f}/∂${s.node.label}`;
    const many =
      s.upstream.parts.length > 1 ? ` (${s.node.label} is used ${s.upstream.parts.length} times: add the parts)` : '';
    out.push({
      asked,
      prompt: `${s.node.label} = ${v(s.value)} is used by ${usesOf(s.upstream.parts)}.${many} ${asked} = ?`,
      expected: s.upstream.total,
    });
  }
  for (const l of trace.leaves) {
    const asked = `∂${f}/∂${l.node.label}`;
    const many =
      l.gradient.parts.length > 1 ? ` (${l.node.label} is used ${l.gradient.parts.length} times: add the parts)` : '';
    out.push({
      asked,
      prompt: `${l.node.label} = ${v(l.value)} is used by ${usesOf(l.gradient.parts)}.${many} ${asked} = ?`,
      expected: l.gradient.total,
    });
  }
  return out;
}
