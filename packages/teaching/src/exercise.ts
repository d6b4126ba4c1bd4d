import type { NDArray } from '@chainrule/tensor';
import { AutogradError, type Tensor } from '@chainrule/autograd';
import { type ChainRuleTrace, type GradientPart, traceFor } from './chain-rule-trace.js';
import { type ValueFormat, elementsOf, formatShape, formatValue } from './format.js';
import { type HintContext, mistakeHint } from './exercise-feedback.js';
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
  /** Wrong answers allowed per question before the right value is shown and it moves on (default 1). */
  retries?: number;
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
  /** After a wrong answer with a try left: the same question is asked again (expected stays hidden). */
  readonly retry: boolean;
  /** The rule that gives the answer, e.g. `∂q/∂x = 1` or `∂C/∂a = a - t` (after a wrong answer). */
  readonly rule: string | null;
  /** The typical mistake the answer looks like (half, double, the sign, σ instead of σ′...), or null. */
  readonly hint: string | null;
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
  readonly rule: string | null;
  readonly hint: HintContext;
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
  const retries = options.retries ?? 1;
  if (!Number.isInteger(retries) || retries < 0)
    throw new AutogradError('createExercise', `retries must be a non-negative integer, got ${retries}`);
  let tries = 0;
  const items: Item[] = drafts.map((d, i) => ({
    expected: d.expected,
    rule: d.rule,
    hint: d.hint,
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
      const retry = !ok && tries < retries;
      const hint = ok ? null : mistakeHint(given, expected, { ...item.hint, shape: item.expected.shape });
      if (retry) tries++;
      else {
        if (ok) correct++;
        at++;
        tries = 0;
      }
      return {
        correct: ok,
        retry,
        expected: retry ? [] : expected,
        expectedText: retry ? '' : formatValue(item.expected, fmt),
        given,
        question: item.question,
        rule: ok ? null : item.rule,
        hint,
      };
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
  readonly rule: string | null;
  readonly hint: HintContext;
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
    const uses = new Map<number, number>();
    for (const t of s.inputs) uses.set(t.input.id, (uses.get(t.input.id) ?? 0) + 1);
    for (const t of s.inputs) {
      if (t.kind !== 'factor' || t.local === null) continue;
      // an input in two slots (u = w·w): each slot is its own question, labelled, the other held fixed
      const twice = uses.get(t.input.id)! > 1;
      const slot = twice ? ` (as operand ${t.slot + 1})` : '';
      const asked = `∂${s.node.label}/∂${t.input.label}${slot}`;
      const note = twice
        ? ` ${t.input.label} is operand ${s.inputs
            .filter((o) => o.input.id === t.input.id)
            .map((o) => o.slot + 1)
            .join(' and ')}` +
          ` of ${s.node.op}: differentiate with respect to operand ${t.slot + 1}, holding the other fixed.`
        : '';
      const given = known.length === 0 ? '' : ` with ${[...new Set(known)].join(', ')}`;
      out.push({
        asked,
        prompt:
          `${s.node.label} = ${s.expression}${given} ` +
          `(${s.node.label} = ${v(s.value)}).${note} Local derivative ${asked} = ?`,
        expected: t.local,
        rule: `${asked} = ${t.formula}`,
        hint: { op: s.node.op, value: elementsOf(s.value), label: s.node.label },
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
      rule: chainRule(f, s.node.label, s.upstream.parts),
      hint: { value: elementsOf(s.value), label: s.node.label },
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
      rule: chainRule(f, l.node.label, l.gradient.parts),
      hint: { value: elementsOf(l.value), label: l.node.label },
    });
  }
  return out;
}

/** The chain rule for ∂f/∂x over x's uses: `∂f/∂x = ∂f/∂q · ∂q/∂x (+ ...)`. */
function chainRule(f: string, x: string, parts: readonly GradientPart[]): string {
  const users = [...new Set(parts.map((p) => p.via.label))];
  return `∂${f}/∂${x} = ${users.map((u) => `∂${f}/∂${u} · ∂${u}/∂${x}`).join(' + ')}`;
}
