/**
 * The teaching tools' tour: every feature TEACHING.md shows, each as a function that returns its
 * output, so the page's output blocks are real (examples/test/teaching-tour.test.ts compares them)
 * and its pictures are regenerated from here.
 *
 * Run: npx tsx examples/teaching/tour.ts [section]      (no section: all of them)
 *      npx tsx examples/teaching/tour.ts --pictures docs/teaching
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnomalyError, type Tensor, detectAnomaly, tensor } from '@chainrule/autograd';
import { Linear, Sequential, Sigmoid } from '@chainrule/nn';
import {
  checkBackprop,
  checkFormula,
  explain,
  formatCheck,
  graphFromExpression,
  named,
  symbolicGradient,
  toDot,
  toSvg,
  toSvgFrames,
  toTikz,
} from '@chainrule/teaching';
import { isMain } from '../lib/is-main.js';
import { bp1, forward, problem } from './backprop-equations.js';
import { neuronGraph, notesGraph } from './notes-graph.js';

const o = { requiresGrad: true, dtype: 'float64' } as const;

/** Each section's output, by the name TEACHING.md uses. */
export const SECTIONS: Readonly<Record<string, () => string>> = {
  /** f.backward() first, then explain(f): micrograd's order works. */
  'backward-then-explain': () => {
    const { f } = notesGraph();
    f.backward();
    return explain(f).split('\n').slice(0, 5).join('\n');
  },
  /** Parameters by module path, results by op and count, without naming anything. */
  names: () => {
    const model = new Sequential(new Linear(2, 1, { dtype: 'float64' }), new Sigmoid());
    model.parameters(); // listing them (as an optimizer does) names them by path
    const y = model.forward(tensor([[1, 2]], { dtype: 'float64' })).sum();
    return explain(y)
      .split('\n')
      .slice(3, 6)
      .join('\n')
      .replace(/-?\d+\.\d+/g, '…');
  },
  'picture-styles': () =>
    [
      toDot(notesGraph().f, { style: 'circuit' })
        .split('\n')
        .filter((l) => l.includes('->'))
        .join('\n'),
      toDot(notesGraph().f, { style: 'micrograd' })
        .split('\n')
        .filter((l) => l.includes('| data'))
        .map((l) => l.replace(/, fillcolor.*$/, ''))
        .join('\n'),
    ].join('\n'),
  'matrix-forms': () => {
    const W = named(
      tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        o,
      ),
      'W',
    );
    const x = named(
      tensor(
        [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
        { dtype: 'float64' },
      ),
      'x',
    );
    return explain(named(W.matmul(x).sum(), 'L'))
      .split('\n')
      .filter((l) => l.includes('∂L/∂W ='))
      .join('\n');
  },
  symbolic: () => {
    const x = named(tensor(2, o), 'x');
    const z = named(tensor(0.5, o), 'z');
    const one = tensor(1, { dtype: 'float64' });
    const a = named(tensor(0.5, o), 'a');
    const b = named(tensor(-0.3, o), 'b');
    const c = named(tensor(3, { dtype: 'float64' }), 'c');
    return [
      symbolicGradient(named(x.mul(x).mul(x), 'y'), x).equation,
      symbolicGradient(named(one.div(one.add(z.neg().exp())), 's'), z).equation,
      symbolicGradient(named(a.exp().div(a.exp().add(b.exp())).log().neg(), 'L'), a).equation,
      symbolicGradient(named(x.mul(c), 'q'), c).equation,
    ].join('\n');
  },
  'check-formula-hint': () => {
    const f = (zz: Tensor) => zz.sigmoid().sub(0.5).square().mul(0.5).sum();
    const noSigmaPrime = (zz: Tensor) => zz.sigmoid().sub(0.5); // BP1 without σ′(z)
    const report = checkFormula(f, noSigmaPrime, [tensor([0.001, -0.002, 0.003], { dtype: 'float64' })]);
    return formatCheck(report).split('\n').slice(0, 4).join('\n');
  },
  'check-backprop': () => {
    const { X, Y, params } = problem(7);
    const [W1, b1, W2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
    const d2 = bp1(forward(X, Y, W1, b1, W2, b2).Z2, Y);
    return checkBackprop(
      { x: X, y: Y, weights: [W1, W2], biases: [b1, b2] },
      { deltas: [d2.matmul(W2), d2] },
    ).text.trimEnd();
  },
  'teacher-graph': () =>
    explain(graphFromExpression('(x+y)*z', { x: -2, y: 5, z: -4 }).output)
      .split('\n')
      .slice(2, 5)
      .join('\n'),
  anomaly: () => {
    try {
      detectAnomaly(() =>
        tensor(
          [
            [1, 2],
            [-0.25, 4],
          ],
          { dtype: 'float64' },
        ).log(),
      );
    } catch (e) {
      if (e instanceof AnomalyError) return e.message.split('\n')[0]!;
      throw e;
    }
    return 'no anomaly';
  },
  tikz: () => toTikz(notesGraph().f).split('\n').slice(0, 3).join('\n'),
};

/** Writes the pictures TEACHING.md shows into `folder`; returns the files. */
export function writePictures(folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  const files: [string, string][] = [
    ['compact.svg', toSvg(notesGraph().f)],
    ['micrograd.svg', toSvg(neuronGraph().C, { style: 'micrograd' })],
    ['circuit.svg', toSvg(notesGraph().f, { style: 'circuit' })],
    ...toSvgFrames(notesGraph().f).map((svg, k): [string, string] => [`frame-${k}.svg`, svg]),
  ];
  return files.map(([name, svg]) => {
    writeFileSync(join(folder, name), svg);
    return join(folder, name);
  });
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf('--pictures');
  if (at >= 0) console.log(writePictures(process.argv[at + 1] ?? 'docs/teaching').join('\n'));
  else {
    const only = process.argv[2];
    for (const [name, run] of Object.entries(SECTIONS))
      if (only === undefined || only === name) console.log(`== ${name}\n${run()}\n`);
  }
}
