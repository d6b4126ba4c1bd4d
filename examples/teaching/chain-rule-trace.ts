/**
 * explain(): the chain rule of f = (x + y)·z at (-2, 5, -4), step by step, as plain text and as
 * a Markdown table, then a small neuron where a value fans out and a broadcast is undone.
 *
 * Run: npx tsx examples/teaching/chain-rule-trace.ts
 */
import { tensor } from '@chainrule/autograd';
import { explain, named } from '@chainrule/teaching';
import { isMain } from '../lib/is-main.js';
import { notesGraph } from './notes-graph.js';

/** The trace of the notes' example, as text and as Markdown. */
export function notesTrace(): { text: string; markdown: string } {
  const { f } = notesGraph();
  return { text: explain(f), markdown: explain(f, { format: 'markdown' }) };
}

/** L = Σ (W + b)·W: b is broadcast over W's rows (an expand node) and W is used twice. */
export function fanOutTrace(): string {
  const o = { requiresGrad: true, dtype: 'float64' } as const;
  const W = named(
    tensor(
      [
        [1, 2],
        [3, 4],
      ],
      o,
    ),
    'W',
  );
  const b = named(tensor([0.5, -1], o), 'b');
  const L = named(W.add(b).mul(W).sum(), 'L');
  return explain(L);
}

if (isMain(import.meta.url)) {
  const { text, markdown } = notesTrace();
  console.log(text);
  console.log(markdown);
  console.log(fanOutTrace());
}
