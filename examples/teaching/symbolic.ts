/**
 * Symbolic derivatives of scalar graphs, as text and as LaTeX: the notes' f = (x + y)·z, a tanh
 * neuron, and a sigmoid neuron with the quadratic cost (its ∂C/∂w is BP1 and BP4 in one line).
 *
 * Run: npx tsx examples/teaching/symbolic.ts
 */
import { type Tensor, tensor } from '@chainrule/autograd';
import { named, symbolicGradient } from '@chainrule/teaching';
import { isMain } from '../lib/is-main.js';
import { neuronGraph, notesGraph } from './notes-graph.js';

/** The derivatives shown by this example: [equation, LaTeX] pairs. */
export function symbolicExamples(): { equation: string; latex: string }[] {
  const out: { equation: string; latex: string }[] = [];
  const add = (y: Tensor, x: Tensor, keepNames = false): void => {
    const g = symbolicGradient(y, x, { keepNames });
    out.push({
      equation:
        g.equation +
        (g.definitions.length > 0
          ? `   where ${g.definitions.map((d) => `${d.name} = ${d.expression.text}`).join(', ')}`
          : ''),
      latex: g.latexEquation,
    });
  };
  const { x, y, z, q, f } = notesGraph();
  for (const v of [x, y, z, q]) add(f, v);
  add(f, z, true);

  const o = { requiresGrad: true, dtype: 'float64' } as const;
  const w = named(tensor(0.5, o), 'w'),
    b = named(tensor(-1, o), 'b');
  const input = named(tensor(2, { dtype: 'float64' }), 'x');
  const a = named(w.mul(input).add(b).tanh(), 'a');
  add(a, w);
  add(a, b);

  const neuron = neuronGraph();
  add(neuron.C, neuron.w);
  add(neuron.C, neuron.w, true);
  return out;
}

if (isMain(import.meta.url)) {
  for (const { equation, latex } of symbolicExamples()) console.log(`${equation}\n  LaTeX: ${latex}\n`);
}
