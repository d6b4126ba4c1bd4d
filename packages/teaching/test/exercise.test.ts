// Exercise mode: the student enters local or upstream gradients node by node and each answer is
// graded; the terminal program is driven through a pipe, in-process and as a real process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AutogradError, tensor } from '@chainrule/autograd';
import { createExercise, named } from '@chainrule/teaching';
import { parseAnswer, runExercise } from '../../../examples/teaching/exercise.js';
import { neuronGraph, notesGraph } from '../../../examples/teaching/notes-graph.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A tsconfig that maps @chainrule/* to the TypeScript sources, so a spawned tsx needs no build. */
function sourcesTsconfig(): string {
  const tsconfig = join(mkdtempSync(join(tmpdir(), 'chainrule-tsx-')), 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        baseUrl: ROOT,
        paths: {
          '@chainrule/tensor': ['packages/tensor/src/index.ts'],
          '@chainrule/autograd': ['packages/autograd/src/index.ts'],
          '@chainrule/teaching': ['packages/teaching/src/index.ts'],
        },
      },
    }),
  );
  return tsconfig;
}

describe('createExercise', () => {
  it('upstream mode asks ∂f/∂q, ∂f/∂x, ∂f/∂y, ∂f/∂z and grades against the notes', () => {
    const ex = createExercise(notesGraph().f, { mode: 'upstream', retries: 0 });
    const asked: string[] = [];
    // ∂f/∂y is wrong on purpose
    const answers: Record<string, number> = { '∂f/∂q': -4, '∂f/∂x': -4, '∂f/∂y': 4, '∂f/∂z': 3 };
    const results = [];
    while (!ex.done) {
      const q = ex.current()!;
      asked.push(q.asked);
      results.push(ex.answer(answers[q.asked]!));
    }
    expect(asked).toEqual(['∂f/∂q', '∂f/∂x', '∂f/∂y', '∂f/∂z']);
    expect(results.map((r) => r.correct)).toEqual([true, true, false, true]);
    expect(results[2]!.expected).toEqual([-4]);
    expect(results[2]!.expectedText).toBe('-4');
    expect(ex.score).toEqual({ correct: 3, answered: 4, total: 4 });
    expect(ex.current()).toBeNull();
    expect(() => ex.answer(1)).toThrow(AutogradError);
  });

  it('local mode asks the local derivatives: ∂f/∂q = z, ∂f/∂z = q, ∂q/∂x = ∂q/∂y = 1', () => {
    const ex = createExercise(notesGraph().f, { mode: 'local', retries: 0 });
    const seen: [string, readonly number[]][] = [];
    while (!ex.done) {
      const q = ex.current()!;
      const r = ex.answer(0);
      seen.push([q.asked, r.expected]);
    }
    expect(seen).toEqual([
      ['∂f/∂q', [-4]],
      ['∂f/∂z', [3]],
      ['∂q/∂x', [1]],
      ['∂q/∂y', [1]],
    ]);
    expect(ex.score.correct).toBe(0);
    expect(createExercise(notesGraph().f, { mode: 'local' }).current()!.prompt).toBe(
      'f = q·z with q = 3, z = -4 (f = -12). Local derivative ∂f/∂q = ?',
    );
  });

  it('accepts three significant digits and rejects two', () => {
    // ∂a/∂z = σ(0.5)(1 - σ(0.5)) = 0.2350037...
    const s = 1 / (1 + Math.exp(-0.5));
    const local = (): ReturnType<typeof createExercise> => {
      const ex = createExercise(neuronGraph().C, { mode: 'local', retries: 0 });
      while (ex.current()!.asked !== '∂a/∂z') ex.answer(0);
      return ex;
    };
    expect(local().answer(0.235).correct).toBe(true);
    expect(local().answer(s * (1 - s)).correct).toBe(true);
    expect(local().answer(0.24).correct).toBe(false);
  });

  it('asks for the sum when a value is used twice', () => {
    const x = named(tensor(3, { requiresGrad: true, dtype: 'float64' }), 'x');
    const y = named(x.mul(x).add(x), 'y'); // ∂y/∂x = 2x + 1 = 7
    const ex = createExercise(y, { mode: 'upstream', retries: 0 });
    while (ex.current()!.asked !== '∂y/∂x') ex.answer(0);
    expect(ex.current()!.prompt).toContain('add the parts');
    expect(ex.answer(7).correct).toBe(true);
  });

  it('grades tensors element by element and checks the element count', () => {
    const W = named(tensor([1, -2], { requiresGrad: true, dtype: 'float64' }), 'W');
    const ex = createExercise(named(W.square().sum(), 'L'), { mode: 'upstream', retries: 0 });
    while (ex.current()!.asked !== '∂L/∂W') ex.answer([1, 1]);
    expect(ex.current()!.shape).toEqual([2]);
    expect(() => ex.answer(2)).toThrow(/2 elements/);
    expect(ex.answer([2, -4]).correct).toBe(true);
  });
});

describe('the terminal program', () => {
  it('parses answers', () => {
    expect(parseAnswer('-4')).toEqual([-4]);
    expect(parseAnswer(' 1, 2  3 ')).toEqual([1, 2, 3]);
    expect(parseAnswer('1/4')).toEqual([0.25]);
    expect(parseAnswer('abc')).toBeNull();
    expect(parseAnswer('')).toBeNull();
  });

  it('runs over a pipe: grades, shows the right value after a wrong answer, re-asks after junk', async () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const outcome = await runExercise({
      input: Readable.from(['-4\n3\nnot a number\n-4\n-4\n']),
      output,
      mode: 'upstream',
      graph: 'notes',
      retries: 0,
    });
    expect(outcome).toEqual({ correct: 2, answered: 4, total: 4, finished: true });
    expect(text).toContain('[1/4] q = 3 is used by f = q·z (∂f/∂f = 1). ∂f/∂q = ? -4\n  ✓ right: ∂f/∂q = -4');
    expect(text).toContain('∂f/∂x = ? 3\n  ✗ not quite: ∂f/∂x = -4 (you entered 3)');
    expect(text).toContain('not a number\n  please enter one number');
    expect(text).toContain('∂f/∂z = ? -4\n  ✗ not quite: ∂f/∂z = 3');
    expect(text).toContain('Score: 2 of 4 right.');
  });

  it('stops cleanly when the input ends early', async () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const outcome = await runExercise({
      input: Readable.from(['0.5\n']),
      output,
      mode: 'local',
      graph: 'neuron',
      retries: 0,
    });
    expect(outcome.finished).toBe(false);
    expect(outcome.answered).toBe(1);
    expect(text).toContain('(the input ended)');
  });

  it('runs as a real process with answers piped to stdin', () => {
    const tsconfig = sourcesTsconfig();
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'examples/teaching/exercise.ts', '--mode', 'local'],
      {
        cwd: ROOT,
        input: '-4\n3\n1\n2\n2\n',
        encoding: 'utf8',
        env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
        timeout: 60_000,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Local derivative ∂f/∂q = ? -4\n  ✓ right: ∂f/∂q = -4');
    expect(run.stdout).toContain('Local derivative ∂q/∂y = ? 2\n  ✗ not yet (double the right value');
    expect(run.stdout).toContain('the rule: ∂q/∂y = 1): try again');
    expect(run.stdout).toContain('Local derivative ∂q/∂y = ? 2\n  ✗ not quite: ∂q/∂y = 1 (you entered 2)');
    expect(run.stdout).toContain('Score: 3 of 4 right.');
  }, 60_000);
});

describe('feedback that teaches', () => {
  it('labels each slot of u = w·w, so the right local answer 3 is right twice', () => {
    const w = named(tensor(3, { requiresGrad: true, dtype: 'float64' }), 'w');
    const ex = createExercise(named(w.mul(w), 'u'), { mode: 'local' });
    const first = ex.current()!;
    expect(first.asked).toBe('∂u/∂w (as operand 1)');
    expect(first.prompt).toContain('w is operand 1 and 2 of mul: differentiate with respect to operand 1');
    expect(ex.answer(3).correct).toBe(true);
    expect(ex.current()!.asked).toBe('∂u/∂w (as operand 2)');
    expect(ex.answer(3).correct).toBe(true);
    expect(ex.score).toEqual({ correct: 2, answered: 2, total: 2 });
  });

  it('after a wrong answer: the rule, a hint, and one more try before the answer is shown', () => {
    const ex = createExercise(notesGraph().f, { mode: 'upstream' });
    const wrong = ex.answer(4); // ∂f/∂q = -4
    expect(wrong).toMatchObject({ correct: false, retry: true, expected: [], hint: expect.stringMatching(/sign/) });
    expect(wrong.rule).toBe('∂f/∂q = ∂f/∂f · ∂f/∂q');
    expect(ex.current()!.asked).toBe('∂f/∂q'); // asked again
    const again = ex.answer(-8);
    expect(again).toMatchObject({
      correct: false,
      retry: false,
      expected: [-4],
      hint: expect.stringMatching(/double/),
    });
    expect(ex.current()!.asked).toBe('∂f/∂x');
    expect(ex.answer(-4)).toMatchObject({ correct: true, retry: false, rule: null, hint: null });
  });

  it('recognises σ given instead of σ′, half the value, and a transposed answer', () => {
    const ex = createExercise(neuronGraph().C, { mode: 'local', retries: 0 });
    while (ex.current()!.asked !== '∂a/∂z') ex.answer(0);
    const s = 1 / (1 + Math.exp(-0.5));
    expect(ex.answer(s).hint).toMatch(/σ\(z\).*σ′\(z\) = σ\(z\)\(1 − σ\(z\)\)/);
    const sq = named(tensor(3, { requiresGrad: true, dtype: 'float64' }), 'e');
    const e2 = createExercise(named(sq.square(), 'L'), { mode: 'local' });
    expect(e2.answer(3).hint).toMatch(/half the right value/);
    const W = named(
      tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { requiresGrad: true, dtype: 'float64' },
      ),
      'W',
    );
    const e3 = createExercise(named(W.square().sum(), 'L'), { mode: 'upstream', retries: 0 });
    while (e3.current()!.asked !== '∂L/∂W') e3.answer([1, 1, 1, 1, 1, 1]);
    expect(e3.answer([2, 8, 4, 10, 6, 12]).hint).toMatch(/transpose/); // 2W is [[2,4,6],[8,10,12]]
  });

  it("builds a teacher's graph from an expression, as written", async () => {
    const { graphFromExpression, explain } = await import('@chainrule/teaching');
    const { output, inputs } = graphFromExpression('(x+y)*z', { x: -2, y: 5, z: -4 });
    expect(output.item()).toBe(-12);
    expect(Object.keys(inputs)).toEqual(['x', 'y', 'z']);
    const text = explain(output);
    expect(text).toContain('add1 = x + y = 3');
    expect(text).toContain('mul1 = add1·z = -12');
    expect(text).toMatch(/x = -2 +∂mul1\/∂x = -4/);
    expect(text).toMatch(/z = -4 +∂mul1\/∂z = 3/);
    const neuron = graphFromExpression('sigmoid(w*x + b) ^ 2 / 2 − 1', { w: 0.5, x: 1.5, b: -0.25 });
    expect(neuron.output.item()).toBeCloseTo((1 / (1 + Math.exp(-0.5))) ** 2 / 2 - 1, 14);
    expect(() => graphFromExpression('(x+y', { x: 1, y: 2 })).toThrow(/expected '\)' at the end/);
    expect(() => graphFromExpression('x+y', { x: 1 })).toThrow(/y has no value/);
    expect(() => graphFromExpression('foo(x)', { x: 1 })).toThrow(/unknown function foo/);
    expect(() => graphFromExpression('x', { x: 1, q: 2 })).toThrow(/given for q, which the expression does not use/);
    expect(() => graphFromExpression('x $ y', { x: 1, y: 2 })).toThrow(/unexpected '\$' at position 3/);
  });

  it("runs a teacher's expression in the terminal program, and --help prints help", () => {
    const tsx = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
    const help = spawnSync(process.execPath, [tsx, 'examples/teaching/exercise.ts', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TSX_TSCONFIG_PATH: sourcesTsconfig() },
      timeout: 60_000,
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: exercise.ts');
    expect(help.stdout).toContain('--expr EXPR');
    const run = spawnSync(
      process.execPath,
      [tsx, 'examples/teaching/exercise.ts', '--expr', 'x*x', '--at', 'x=3', '--mode', 'local'],
      {
        cwd: ROOT,
        input: '3\n3\n',
        encoding: 'utf8',
        env: { ...process.env, TSX_TSCONFIG_PATH: sourcesTsconfig() },
        timeout: 60_000,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Chain-rule exercise: x*x at x = 3');
    expect(run.stdout).toContain('Score: 2 of 2 right.');
  }, 60_000);
});
