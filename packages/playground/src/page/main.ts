/**
 * The playground page: type an expression (or pick one of the notes' examples) and values for its
 * variables, see the graph, step the forward and the backward pass one node at a time with the
 * chain-rule step written out as in `explain`, read ∂f/∂x symbolically (KaTeX, bundled), and
 * practise in exercise mode. Bundled by build.ts into main.js and main.css.
 */
import 'katex/dist/katex.min.css';
import './style.css';
import katex from 'katex';
import type { PictureStyle } from '@chainrule/teaching';
import { el } from './dom.js';
import { mountExercise } from './exercise-panel.js';
import { type GraphUpdate, mountGraph } from './graph-view.js';
import { type PlaygroundModel, buildModel, expressionVariables } from './model.js';
import { PRESETS } from './presets.js';

const button = (testid: string, label: string, title: string): HTMLButtonElement =>
  el('button', { type: 'button', 'data-testid': testid, title }, [label]);

const preset = el('select', { 'data-testid': 'preset', 'aria-label': 'example' }, [
  el('option', { value: '' }, ['Examples from the notes…']),
  ...PRESETS.map((p) => el('option', { value: p.id }, [p.title])),
]);
const exprInput = el('input', {
  'data-testid': 'expr-input',
  type: 'text',
  spellcheck: 'false',
  'aria-label': 'expression',
  placeholder: '(x + y) * z',
});
const style = el('select', { 'data-testid': 'picture-style', 'aria-label': 'picture style' }, [
  ...['compact', 'micrograd', 'circuit', 'full'].map((s) => el('option', { value: s }, [s])),
]);
const variables = el('div', { class: 'variables', 'data-testid': 'variables' });
const error = el('p', { class: 'error', 'data-testid': 'error', role: 'alert' });
const reset = button('reset', '⟲ Reset', 'back to the inputs');
const undo = button('step-undo', '◀ Undo', 'one step back');
const stepForward = button('step-forward', 'Forward ▶', 'compute the next op');
const stepBackward = button('step-backward', 'Backward ◀', 'run the next chain-rule step');
const runAll = button('run-all', 'Run all »', 'the whole forward and backward pass');
const where = el('span', { class: 'position', 'data-testid': 'position' });
const graph = el('div', { class: 'graph', 'data-testid': 'graph' });
const stepText = el('pre', { class: 'step', 'data-testid': 'step-text' });
const symbolic = el('div', { class: 'symbolic', 'data-testid': 'symbolic' });
const exerciseBox = el('section', { class: 'exercise' });

document
  .getElementById('app')!
  .replaceChildren(
    el('header', {}, [el('h1', {}, ['chainrule playground']), preset]),
    el('section', { class: 'inputs' }, [
      el('label', {}, ['f = ', exprInput]),
      el('label', {}, ['picture ', style]),
      variables,
      error,
    ]),
    el('section', { class: 'stepper' }, [reset, undo, stepForward, stepBackward, runAll, where]),
    el('main', {}, [graph, el('aside', {}, [el('h2', {}, ['This step']), stepText])]),
    el('section', {}, [el('h2', {}, ['Symbolic derivatives']), symbolic]),
    exerciseBox,
  );

const values = new Map<string, number>();
let names: string[] = [];
let model: PlaygroundModel | null = null;
let show: GraphUpdate | null = null;
let position = 0;
const exercise = mountExercise(exerciseBox, () => model?.output ?? null);

/** One number input per variable; kept (and so keeps focus) while the variables stay the same. */
function syncVariables(): void {
  const now = expressionVariables(exprInput.value);
  if (now.join(',') === names.join(',')) return;
  names = now;
  variables.replaceChildren(
    ...names.map((name) => {
      const input = el('input', {
        'data-testid': `var-${name}`,
        type: 'number',
        step: 'any',
        value: String(values.get(name) ?? 1),
        'aria-label': name,
      });
      input.addEventListener('input', () => {
        const v = input.valueAsNumber;
        if (Number.isFinite(v)) values.set(name, v);
        rebuild();
      });
      return el('label', {}, [`${name} = `, input]);
    }),
  );
}

function rebuild(): void {
  syncVariables();
  model = null;
  show = null;
  position = 0;
  const at: Record<string, number> = {};
  for (const name of names) at[name] = values.get(name) ?? 1;
  const blank = names.find(
    (n) => !Number.isFinite(variables.querySelector<HTMLInputElement>(`[data-testid="var-${n}"]`)?.valueAsNumber ?? 1),
  );
  try {
    if (blank !== undefined) throw new Error(`${blank} needs a number`);
    model = buildModel(exprInput.value, at, style.value as PictureStyle);
    show = mountGraph(graph, model);
    error.textContent = '';
  } catch (e) {
    error.textContent = e instanceof Error ? e.message : String(e);
    graph.replaceChildren();
  }
  symbolic.replaceChildren(
    ...(model?.symbolic ?? []).map((s) => {
      if (s.latex === null) return el('p', { class: 'note' }, [s.text]);
      const p = el('p', { 'data-testid': `symbolic-${s.variable}`, title: s.text });
      p.innerHTML = katex.renderToString(s.latex, { throwOnError: false, displayMode: true });
      return p;
    }),
  );
  exercise.restart();
  // the address holds the expression and its values, so a teacher can share a link
  const state = new URLSearchParams({ expr: exprInput.value });
  for (const name of names) state.set(name, String(at[name]));
  history.replaceState(null, '', `#${state.toString()}`);
  update();
}

function update(): void {
  const m = model;
  const F = m?.forwardSteps ?? 0;
  const last = m?.length ?? 0;
  show?.(position);
  stepText.textContent = m === null ? '' : m.stepText(position);
  where.textContent =
    m === null ? '' : position <= F ? `forward ${position}/${F}` : `backward ${position - F - 1}/${m.backwardSteps}`;
  reset.disabled = undo.disabled = m === null || position === 0;
  stepForward.disabled = m === null || position >= F;
  stepBackward.disabled = m === null || position < F || position >= last;
  stepBackward.title = position < F ? 'finish the forward pass first' : 'run the next chain-rule step';
  runAll.disabled = m === null || position >= last;
}

const go = (p: number): void => {
  position = Math.max(0, Math.min(p, model?.length ?? 0));
  update();
};
reset.addEventListener('click', () => go(0));
undo.addEventListener('click', () => go(position - 1));
stepForward.addEventListener('click', () => go(position + 1));
stepBackward.addEventListener('click', () => go(position + 1));
runAll.addEventListener('click', () => go(model?.length ?? 0));
exprInput.addEventListener('input', rebuild);
style.addEventListener('change', () => {
  const p = position;
  rebuild();
  go(p);
});
preset.addEventListener('change', () => {
  const p = PRESETS.find((q) => q.id === preset.value);
  if (p === undefined) return;
  for (const [k, v] of Object.entries(p.values)) values.set(k, v);
  names = [];
  exprInput.value = p.expression;
  rebuild();
});

// ← and → step back and on, unless the student is typing
document.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === 'ArrowRight') go(position + 1);
  else if (e.key === 'ArrowLeft') go(position - 1);
});

/** Starts from the address (`#expr=(x%2By)*z&x=-2&...`) when it names an expression, else the first preset. */
function start(): void {
  const state = new URLSearchParams(location.hash.slice(1));
  const expr = state.get('expr');
  if (expr === null || expr.trim() === '') {
    preset.value = PRESETS[0]!.id;
    preset.dispatchEvent(new Event('change'));
    return;
  }
  for (const [k, v] of state)
    if (k !== 'expr' && Number.isFinite(Number(v)) && v.trim() !== '') values.set(k, Number(v));
  exprInput.value = expr;
  rebuild();
}
start();
