/**
 * An interactive chain-rule exercise in the terminal: chainrule shows a graph, you enter the
 * local derivatives (--mode local) or the upstream gradients ∂f/∂node (--mode upstream) node by
 * node, and each answer is graded; after a wrong one the right value is shown.
 *
 * Run: npx tsx examples/teaching/exercise.ts [--mode local|upstream] [--graph notes|neuron]
 * It also reads answers from a pipe: printf '%s\n' -4 3 -4 -4 3 | npx tsx examples/teaching/exercise.ts
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Tensor } from '@chainrule/autograd';
import { type ExerciseMode, createExercise } from '@chainrule/teaching';
import { isMain } from '../lib/is-main.js';
import { neuronGraph, notesGraph } from './notes-graph.js';

export type GraphName = 'notes' | 'neuron';

export interface ExerciseRun {
  readonly input: Readable;
  readonly output: Writable;
  readonly mode: ExerciseMode;
  readonly graph: GraphName;
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
  const graph = GRAPHS[run.graph];
  const exercise = createExercise(graph.build(), { mode });
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
      say(
        r.correct
          ? `  ✓ right: ${q.asked} = ${r.expectedText}\n`
          : `  ✗ not quite: ${q.asked} = ${r.expectedText} (you entered ${values.join(', ')})\n`,
      );
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

if (isMain(import.meta.url)) {
  const mode = argument('mode', 'upstream');
  const graph = argument('graph', 'notes');
  if ((mode !== 'local' && mode !== 'upstream') || (graph !== 'notes' && graph !== 'neuron')) {
    console.error('usage: exercise.ts [--mode local|upstream] [--graph notes|neuron]');
    process.exit(2);
  }
  await runExercise({ input: process.stdin, output: process.stdout, mode, graph });
}
