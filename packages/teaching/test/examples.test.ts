// The runnable teaching scripts in examples/teaching produce what they promise.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fanOutTrace, notesTrace } from '../../../examples/teaching/chain-rule-trace.js';
import { writePictures } from '../../../examples/teaching/graph-pictures.js';
import { symbolicExamples } from '../../../examples/teaching/symbolic.js';

describe('examples/teaching', () => {
  it('chain-rule-trace: the notes’ derivation and a trace with fan-out and a broadcast', () => {
    const { text, markdown } = notesTrace();
    expect(text).toContain('x: local ∂q/∂x = 1   ∂f/∂x = ∂f/∂q · ∂q/∂x = (-4) · 1 = -4');
    expect(markdown).toContain('| 1 | f = q·z | mul | q | ∂f/∂q = z | -4 | 1 | 1 · (-4) = -4 |');
    const fanOut = fanOutTrace();
    expect(fanOut).toContain('b: ∂L/∂b = Σ of G over the broadcast axes [0]');
    expect(fanOut).toContain('(sum over the 2 uses of W, by add1, mul1)');
  });

  it('graph-pictures: writes DOT, Mermaid, SVG and HTML for both graphs', () => {
    const folder = mkdtempSync(join(tmpdir(), 'chainrule-pictures-'));
    const files = writePictures(folder);
    expect(files.map((f) => basename(f))).toEqual([
      'notes.dot',
      'notes.mmd',
      'notes.svg',
      'notes.html',
      'layer.dot',
      'layer.mmd',
      'layer.svg',
      'layer.html',
    ]);
    expect(readFileSync(join(folder, 'notes.dot'), 'utf8')).toMatch(/^digraph chainrule \{/);
    expect(readFileSync(join(folder, 'layer.mmd'), 'utf8')).toContain('flowchart LR');
    expect(readFileSync(join(folder, 'layer.svg'), 'utf8')).toMatch(/^<svg xmlns/);
    expect(readFileSync(join(folder, 'notes.html'), 'utf8')).toContain(
      '<h1>f = (x + y)·z at x = -2, y = 5, z = -4</h1>',
    );
  });

  it('symbolic: the derivatives of the notes’ graph and of a sigmoid neuron', () => {
    const eqs = symbolicExamples().map((e) => e.equation);
    expect(eqs).toContain('∂f/∂z = x + y');
    expect(eqs).toContain('∂f/∂z = q   where q = x + y');
    expect(eqs).toContain('∂a/∂w = (1 - tanh(w·x + b)²)·x');
    expect(eqs).toContain('∂C/∂w = e·a·(1 - a)·x   where u = w·x, z = u + b, a = σ(z), e = a - t, s = e²');
  });
});
