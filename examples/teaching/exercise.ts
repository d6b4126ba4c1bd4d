/**
 * An interactive chain-rule exercise in the terminal: chainrule shows a graph, you enter the
 * local derivatives (--mode local) or the upstream gradients ∂f/∂node (--mode upstream) node by
 * node, and each answer is graded. After a wrong one it shows the rule and names the likely
 * mistake (half or double, the sign, σ instead of σ′) and lets you try again once; then it shows
 * the right value. A teacher can give any graph: --expr "(x+y)*z" --at x=-2,y=5,z=-4.
 *
 * Run: npx tsx examples/teaching/exercise.ts --help
 * It also reads answers from a pipe: printf '%s\n' -4 3 -4 -4 3 | npx tsx examples/teaching/exercise.ts
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Tensor } from '@chainrule/autograd';
import { type ExerciseMode, createExercise, graphFromExpression, parseValues } from '@chainrule/teaching';
import { isMain } from '../lib/is-main.js';
import { neuronGraph, notesGraph } from './notes-graph.js';

export type GraphName = 'notes' | 'neuron';

export interface ExerciseRun {
  readonly input: Readable;
  readonly output: Writable;
  readonly mode: ExerciseMode;
  readonly graph: GraphName;
  /** A teacher's graph instead of `graph`: an expression and the values of its variables. */
  readonly expression?: { readonly text: string; readonly at: Readonly<Record<string, number>> };
  /** Wrong answers allowed per question before the right value is shown (default 1). */
  readonly retries?: number;
  /** Write each answer after its prompt (default: when the input is not a terminal, e.g. a pipe). */
  readonly echo?: boolean;
}

/** How a run ended. */
export interface ExerciseOutcome {
  readonly correct: number;
  readonly answered: number;
  readonly total: number;
  /** False when the input ended (or the student quit) before the last question. */
  readonly finished: boolean;
}

const GRAPHS: Record<GraphName, { title: string; build: () => Tensor }> = {
  notes: { title: 'f(x, y, z) = (x + y)·z at x = -2, y = 5, z = -4', build: () => notesGraph().f },
  neuron: { title: 'C = ½(σ(w·x + b) − t)² at w = 0.5, x = 1.5, b = -0.25, t = 1', build: () => neuronGraph().C },
};

/** Numbers separated by spaces or commas; `a/b` fractions are allowed. Null if any token is not a number. */
export function parseAnswer(text: string): number[] | null {
  const tokens = text.split(/[\s,]+/).filter((t) => t.length > 0);
  if (tokens.length === 0) return null;
  const values = tokens.map((t) => {
    const fraction = /^(.+)\/(.+)$/.exec(t);
    return fraction === null ? Number(t) : Number(fraction[1]) / Number(fraction[2]);
  });
  return values.every(Number.isFinite) ? values : null;
}

/** Runs the exercise over any pair of streams (the terminal, or a pipe in tests). */
export async function runExercise(run: ExerciseRun): Promise<ExerciseOutcome> {
  const { input, output, mode } = run;
  const echo = run.echo ?? !(input as Readable & { isTTY?: boolean }).isTTY;
  const expression = run.expression;
  const graph =
    expression === undefined
      ? GRAPHS[run.graph]
      : {
          title: `${expression.text} at ${Object.entries(expression.at)
            .map(([k, v]) => `${k} = ${v}`)
            .join(', ')}`,
          build: () => graphFromExpression(expression.text, expression.at).output,
        };
  const exercise = createExercise(graph.build(), { mode, retries: run.retries ?? 1 });
  const say = (s: string): void => {
    output.write(s);
  };
  say(`Chain-rule exercise: ${graph.title}\n`);
  say(
    mode === 'local'
      ? 'Enter the local derivative of each op with respect to each input, from the output back.\n'
      : 'Enter the gradient of the output with respect to each node (the upstream gradient), from the output back.\n',
  );
  say(
    'Answers are numbers (several for a tensor, separated by spaces); ' +
      'three significant digits are enough. "q" quits.\n\n',
  );
  say(`${exercise.graphText}\n\n`);

  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  let finished = true;
  try {
    while (!exercise.done) {
      const q = exercise.current()!;
      const size = q.shape.reduce((a, b) => a * b, 1);
      say(`[${q.number}/${q.total}] ${q.prompt} `);
      const next = await lines.next();
      if (next.done === true) {
        say('\n(the input ended)\n');
        finished = false;
        break;
      }
      const text = String(next.value).trim();
      if (echo) say(`${text}\n`);
      if (text === 'q' || text === 'quit') {
        finished = false;
        break;
      }
      const values = parseAnswer(text);
      if (values === null || values.length !== size) {
        say(`  please enter ${size === 1 ? 'one number' : `${size} numbers`}\n`);
        continue;
      }
      const r = exercise.answer(values);
      if (r.correct) say(`  ✓ right: ${q.asked} = ${r.expectedText}\n`);
      else {
        const why = [r.hint, r.rule === null ? null : `the rule: ${r.rule}`].filter((x) => x !== null).join('; ');
        say(
          r.retry
            ? `  ✗ not yet${why === '' ? '' : ` (${why})`}: try again\n`
            : `  ✗ not quite: ${q.asked} = ${r.expectedText} (you entered ${values.join(', ')})` +
                `${why === '' ? '' : `\n    ${why}`}\n`,
        );
      }
    }
  } finally {
    rl.close();
  }
  const score = exercise.score;
  say(
    `\nScore: ${score.correct} of ${score.answered} ` +
      `right${score.answered < score.total ? ` (${score.total - score.answered} not answered)` : ''}.\n`,
  );
  return { ...score, finished };
}

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

export const USAGE = `Usage: exercise.ts [--mode local|upstream] [--graph notes|neuron] [--expr EXPR --at VALUES]
                   [--retries N]

A chain-rule exercise: chainrule shows a graph and asks for the local derivatives (--mode local)
or the upstream gradients df/dnode (--mode upstream, the default), one node at a time, from the
output back. Answers are numbers; "q" quits. After a wrong answer it shows the rule and the likely
mistake, and asks again (--retries, default 1), then shows the right value.

  --graph notes    f = (x + y)·z at x = -2, y = 5, z = -4 (the default)
  --graph neuron   C = ½(σ(w·x + b) − t)² at w = 0.5, x = 1.5, b = -0.25, t = 1
  --expr EXPR      your own graph: + - * / ^, exp log sigmoid tanh relu, variables
  --at VALUES      the variables' values, e.g. --at x=-2,y=5,z=-4

Example: exercise.ts --expr "(x+y)*z" --at x=-2,y=5,z=-4 --mode local
`;

if (isMain(import.meta.url)) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const mode = argument('mode', 'upstream');
  const graph = argument('graph', 'notes');
  const expr = argument('expr', '');
  const retries = Number(argument('retries', '1'));
  if (
    (mode !== 'local' && mode !== 'upstream') ||
    (graph !== 'notes' && graph !== 'neuron') ||
    !Number.isInteger(retries) ||
    retries < 0
  ) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  try {
    const expression = expr === '' ? undefined : { text: expr, at: parseValues(argument('at', '')) };
    await runExercise({ input: process.stdin, output: process.stdout, mode, graph, expression, retries });
  } catch (e) {
    process.stderr.write(`exercise: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
