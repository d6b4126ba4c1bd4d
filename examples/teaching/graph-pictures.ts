/**
 * Graph pictures of f = (x + y)·z and of a small sigmoid layer: DOT, Mermaid, SVG and a
 * self-contained HTML page (no Graphviz needed), written to a folder.
 *
 * Run: npx tsx examples/teaching/graph-pictures.ts [output folder]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, tensor } from '@chainrule/autograd';
import { named, toDot, toHtml, toMermaid, toSvg } from '@chainrule/teaching';
import { isMain } from '../lib/is-main.js';
import { notesGraph } from './notes-graph.js';

/** C = ½ Σ (σ(W·x + b) - t)² for one input x: a matmul, a broadcast and a sum. */
export function layerGraph(): Tensor {
  const o = { requiresGrad: true, dtype: 'float64' } as const;
  const W = named(
    tensor(
      [
        [0.2, -0.4],
        [0.7, 0.1],
        [-0.3, 0.5],
      ],
      o,
    ),
    'W',
  );
  const b = named(tensor([0.1, -0.2, 0.05], o), 'b');
  const x = named(tensor([1, 2], { dtype: 'float64' }), 'x');
  const t = named(tensor([0, 1, 0], { dtype: 'float64' }), 't');
  const z = named(W.matmul(x).add(b), 'z');
  const a = named(z.sigmoid(), 'a');
  return named(a.sub(t).square().sum().mul(0.5), 'C');
}

/** Writes every picture of both graphs to `folder`; returns the files written. */
export function writePictures(folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  const graphs: [string, Tensor, string][] = [
    ['notes', notesGraph().f, 'f = (x + y)·z at x = -2, y = 5, z = -4'],
    ['layer', layerGraph(), 'C = ½ Σ (σ(W·x + b) - t)²'],
  ];
  const files: string[] = [];
  for (const [name, y, title] of graphs) {
    const outputs: [string, string][] = [
      [`${name}.dot`, toDot(y, { title })],
      [`${name}.mmd`, toMermaid(y, { title })],
      [`${name}.svg`, toSvg(y, { title })],
      [`${name}.html`, toHtml(y, { title })],
    ];
    for (const [file, text] of outputs) {
      const path = join(folder, file);
      writeFileSync(path, text);
      files.push(path);
    }
  }
  return files;
}

if (isMain(import.meta.url)) {
  const folder = process.argv[2] ?? join(tmpdir(), 'chainrule-teaching');
  for (const file of writePictures(folder)) console.log(file);
  console.log(`\nOpen ${join(folder, 'notes.html')} in a browser. The Mermaid source of f = (x + y)·z:\n`);
  console.log(toMermaid(notesGraph().f));
}
