/**
 * Exercise mode: the student types the local derivatives (or the upstream gradients) node by
 * node, graded by `createExercise` exactly as in the terminal program (a retry after a wrong
 * answer, then the rule and the typical mistake it looks like).
 */
import type { Tensor } from '@chainrule/autograd';
import { type Exercise, type ExerciseMode, createExercise } from '@chainrule/teaching';
import { el } from './dom.js';

/** The numbers of an answer: `-4`, or `1, 2` for a tensor (null when one is not a number). */
export function parseAnswer(text: string): number[] | null {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const values = parts.map(Number);
  return values.length === 0 || values.some((v) => !Number.isFinite(v)) ? null : values;
}

/**
 * Builds the exercise panel into `container`; `output()` gives the graph to ask about (null
 * while the expression does not parse).
 * @example mountExercise(document.getElementById('exercise')!, () => model?.output ?? null);
 */
export function mountExercise(container: HTMLElement, output: () => Tensor | null): { restart(focus?: boolean): void } {
  const mode = el('select', { 'data-testid': 'exercise-mode' }, [
    el('option', { value: 'local' }, ['local derivatives (∂q/∂x)']),
    el('option', { value: 'upstream' }, ['upstream gradients (∂f/∂q)']),
  ]) as HTMLSelectElement;
  const start = el('button', { type: 'button', 'data-testid': 'exercise-start' }, ['Start exercise']);
  const graphText = el('pre', { class: 'exercise-graph' });
  const prompt = el('p', { 'data-testid': 'exercise-prompt', class: 'prompt' });
  const answer = el('input', {
    'data-testid': 'exercise-answer',
    type: 'text',
    placeholder: 'your answer, e.g. -4',
    'aria-label': 'answer',
  }) as HTMLInputElement;
  const check = el('button', { type: 'submit', 'data-testid': 'exercise-check' }, ['Check']);
  const feedback = el('p', { 'data-testid': 'exercise-feedback', class: 'feedback', 'aria-live': 'polite' });
  const score = el('p', { 'data-testid': 'exercise-score', class: 'score' });
  const form = el('form', { class: 'answer-row' }, [answer, check]);
  container.replaceChildren(
    el('h2', {}, ['Exercise']),
    el('div', { class: 'row' }, [mode, start]),
    graphText,
    prompt,
    form,
    feedback,
    score,
  );
  let exercise: Exercise | null = null;

  const showQuestion = (focus: boolean): void => {
    const q = exercise?.current() ?? null;
    const s = exercise?.score;
    score.textContent = s === undefined ? '' : `Score: ${s.correct} of ${s.answered} right (${s.total} questions)`;
    form.hidden = q === null;
    prompt.textContent = q === null ? (exercise === null ? '' : 'Done.') : `${q.number}/${q.total}: ${q.prompt}`;
    if (q !== null && focus) answer.focus(); // only after the student's own click: never while typing elsewhere
  };
  const restart = (focus = false): void => {
    feedback.textContent = '';
    const y = output();
    exercise = null;
    graphText.textContent = '';
    if (y === null) {
      prompt.textContent = 'Type an expression that parses first.';
      form.hidden = true;
      return;
    }
    try {
      exercise = createExercise(y, { mode: mode.value as ExerciseMode });
      graphText.textContent = exercise.graphText;
    } catch (e) {
      prompt.textContent = e instanceof Error ? e.message : String(e);
    }
    showQuestion(focus);
  };
  start.addEventListener('click', () => restart(true));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = exercise?.current() ?? null;
    if (exercise === null || q === null) return;
    const size = q.shape.reduce((a, b) => a * b, 1);
    const values = parseAnswer(answer.value);
    if (values === null || values.length !== size) {
      feedback.textContent = `Please enter ${size === 1 ? 'one number' : `${size} numbers`}.`;
      return;
    }
    const r = exercise.answer(values);
    const why = [r.hint, r.rule === null ? null : `the rule: ${r.rule}`].filter((x) => x !== null).join('; ');
    feedback.className = `feedback ${r.correct ? 'right' : 'wrong'}`;
    feedback.textContent = r.correct
      ? `✓ right: ${q.asked} = ${r.expectedText}`
      : r.retry
        ? `✗ not yet${why === '' ? '' : ` (${why})`}: try again`
        : `✗ not quite: ${q.asked} = ${r.expectedText} (you entered ${values.join(', ')})` +
          `${why === '' ? '' : `. ${why}`}`;
    answer.value = '';
    showQuestion(true);
  });
  form.hidden = true;
  return { restart };
}
