// Symbolic derivatives of scalar graphs: readable text and LaTeX, light simplification, and
// agreement with autograd at random points; iterative on deep graphs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AutogradError, type Tensor, customOp, linear, tensor } from '@chainrule/autograd';
import { evaluateExpression, named, symbolicGradient } from '@chainrule/teaching';
import { add, call, div, mul, neg, num, pow, sub, sym } from '../src/symbolic/expr.js';
import { neuronGraph, notesGraph } from '../../../examples/teaching/notes-graph.js';

const o = { requiresGrad: true, dtype: 'float64' } as const;

describe('symbolicGradient', () => {
  it('gives the notes’ derivatives of f = (x + y)·z', () => {
    const { x, y, z, q, f } = notesGraph();
    expect(symbolicGradient(f, x).equation).toBe('∂f/∂x = z');
    expect(symbolicGradient(f, y).text).toBe('z');
    expect(symbolicGradient(f, z).text).toBe('x + y');
    expect(symbolicGradient(f, q).text).toBe('z');
    expect(symbolicGradient(f, z).latexEquation).toBe('\\frac{\\partial f}{\\partial z} = x + y');
    const kept = symbolicGradient(f, z, { keepNames: true });
    expect(kept.text).toBe('q');
    expect(kept.definitions.map((d) => `${d.name} = ${d.expression.text}`)).toEqual(['q = x + y']);
  });

  it('writes a tanh neuron’s derivative with the chain rule visible', () => {
    const w = named(tensor(0.5, o), 'w'),
      b = named(tensor(-1, o), 'b');
    const x = named(tensor(2, { dtype: 'float64' }), 'x');
    const a = named(w.mul(x).add(b).tanh(), 'a');
    expect(symbolicGradient(a, w).text).toBe('(1 - tanh(w·x + b)²)·x');
    expect(symbolicGradient(a, b).text).toBe('1 - tanh(w·x + b)²');
    expect(symbolicGradient(a, w).latex).toBe('\\left(1 - \\tanh\\left(w \\cdot x + b\\right)^{2}\\right) \\cdot x');
  });

  it('writes a one-unit linear layer (what nn.Linear records) as x·w + b', () => {
    const x = named(tensor([0.7], { dtype: 'float64' }), 'x');
    const w = named(tensor([[-1.3]], o), 'w'),
      b = named(tensor([0.4], o), 'b');
    const a = named(linear(x, w, b).sigmoid(), 'a');
    const dw = symbolicGradient(a, w),
      db = symbolicGradient(a, b);
    expect(dw.text).toBe('σ(x·w + b)·(1 - σ(x·w + b))·x');
    expect(db.text).toBe('σ(x·w + b)·(1 - σ(x·w + b))');
    expect(symbolicGradient(linear(x, w), w).text).toBe('x');
    a.backward();
    expect(evaluateExpression(dw.expression, { x: 0.7, w: -1.3, b: 0.4 })).toBeCloseTo(w.grad!.item(), 12);
    expect(evaluateExpression(db.expression, { x: 0.7, w: -1.3, b: 0.4 })).toBeCloseTo(b.grad!.item(), 12);
  });

  it('shows BP1 and BP4 in one line for a sigmoid neuron with the quadratic cost', () => {
    const { w, C } = neuronGraph();
    expect(symbolicGradient(C, w).text).toBe('(σ(w·x + b) - t)·σ(w·x + b)·(1 - σ(w·x + b))·x');
    const kept = symbolicGradient(C, w, { keepNames: true });
    expect(kept.text).toBe('e·a·(1 - a)·x'); // (aᴸ - y) σ'(zᴸ) a_k: BP1 times BP4's a
    expect(kept.definitions.map((d) => `${d.name} = ${d.expression.text}`)).toEqual([
      'u = w·x',
      'z = u + b',
      'a = σ(z)',
      'e = a - t',
      's = e²',
    ]);
  });

  it('is 0 for an input the output does not depend on, and 1 for the output itself', () => {
    const { f } = notesGraph();
    const other = named(tensor(1, o), 'u');
    expect(symbolicGradient(f, other).text).toBe('0');
    expect(symbolicGradient(f, f).text).toBe('1');
  });

  it('agrees with autograd at random points for a graph of many ops', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 2, noNaN: true }),
        fc.double({ min: -1.5, max: 1.5, noNaN: true }),
        (u0, v0) => {
          const u = named(tensor(u0, o), 'u'),
            v = named(tensor(v0, o), 'v');
          const y = u
            .log()
            .mul(v.sin())
            .add(u.sqrt().div(v.square().add(1)))
            .sub(v.tanh().mul(u.exp()))
            .add(u.pow(v).reciprocal())
            .add(v.sigmoid().mul(u.cos()))
            .add(v.softplus())
            .add(u.log1p().mul(v.expm1()))
            .neg();
          y.backward(undefined, { retainGraph: true });
          for (const [t, name] of [
            [u, 'u'],
            [v, 'v'],
          ] as const) {
            const g = symbolicGradient(y, t);
            const value = evaluateExpression(g.expression, { u: u0, v: v0 });
            expect(value, `${name}: ${g.text}`).toBeCloseTo(t.grad!.item(), 9);
          }
        },
      ),
      { numRuns: 25, seed: 3 },
    );
  });

  it('walks a 20000-op chain without recursion', () => {
    const x = named(tensor(1.5, o), 'x');
    let y: Tensor = x;
    for (let i = 0; i < 20000; i++) y = y.add(0);
    expect(symbolicGradient(y, x).text).toBe('1');
  });

  it('refuses non-scalar graphs, ops without a symbolic rule, and runaway expressions', () => {
    const m = named(tensor([1, 2], o), 'm');
    expect(() => symbolicGradient(m.sum(), m)).toThrow(/scalar graphs/);
    const a = named(tensor(1, o), 'a'),
      b = named(tensor(2, o), 'b');
    const twice = customOp({ name: 'twice', forward: (x) => x.mul(2), backward: (g) => [g.mul(2)] });
    expect(() => symbolicGradient(twice(a), a)).toThrow(/no symbolic rule for op 'twice'/);
    expect(symbolicGradient(a.maximum(b), a).text).toBe('[a > b] (½ on a tie)');
    let y: Tensor = a;
    for (let i = 0; i < 30; i++) y = y.mul(y.add(1));
    expect(() => symbolicGradient(y, a)).toThrow(AutogradError);
    expect(() => symbolicGradient(y, a)).toThrow(/keepNames/);
  });
});

describe('expression simplification', () => {
  const x = sym('x'),
    y = sym('y');
  it('folds constants and drops neutral elements', () => {
    expect(add(num(2), num(3)).text).toBe('5');
    expect(mul(x, num(1)).text).toBe('x');
    expect(mul(num(1), x).text).toBe('x');
    expect(add(x, num(0)).text).toBe('x');
    expect(sub(x, num(0)).text).toBe('x');
    expect(mul(x, num(0)).text).toBe('0');
    expect(div(x, num(1)).text).toBe('x');
    expect(pow(x, num(1)).text).toBe('x');
    expect(call('exp', num(0)).text).toBe('1');
    expect(mul(num(2), mul(num(3), x)).text).toBe('6·x');
  });
  it('removes double negation and moves signs out', () => {
    expect(neg(neg(x)).text).toBe('x');
    expect(mul(neg(x), y).text).toBe('-x·y');
    expect(add(x, neg(y)).text).toBe('x - y');
    expect(sub(x, neg(y)).text).toBe('x + y');
    expect(mul(num(-1), x).text).toBe('-x');
  });
  it('parenthesizes by precedence, in text and LaTeX', () => {
    expect(mul(add(x, y), x).text).toBe('(x + y)·x');
    expect(sub(x, add(x, y)).text).toBe('x - (x + y)');
    expect(pow(add(x, y), num(2)).text).toBe('(x + y)²');
    expect(neg(add(x, y)).text).toBe('-(x + y)');
    expect(div(x, mul(sym('z'), y)).text).toBe('x/(z·y)');
    expect(div(x, mul(x, y)).text).toBe('1/y'); // a common factor cancels
    expect(div(add(x, num(1)), y).latex).toBe('\\frac{x + 1}{y}');
    expect(pow(call('sigmoid', x), num(2)).latex).toBe('\\sigma\\left(x\\right)^{2}');
    expect(sym('w1').latex).toBe('w_{1}');
  });
  it('evaluates deep trees iteratively', () => {
    let e = x;
    for (let i = 0; i < 4000; i++) e = add(e, y); // x + y + y + ... , 4000 deep
    expect(evaluateExpression(e, { x: 1, y: 0.5 })).toBe(2001);
    expect(() => evaluateExpression(e, { y: 1 })).toThrow(/no value for the symbol 'x'/);
  });
});

describe('symbolic forms a student recognises', () => {
  it('collects like terms and powers: x·x·x gives 3·x²', () => {
    const x = named(tensor(2, o), 'x');
    expect(symbolicGradient(named(x.mul(x).mul(x), 'y'), x).equation).toBe('∂y/∂x = 3·x²');
    expect(symbolicGradient(named(x.mul(3).add(x), 'y'), x).equation).toBe('∂y/∂x = 4');
  });

  it('writes the derivative of a sigmoid built from exp as σ(z)·(1 - σ(z))', () => {
    const z = named(tensor(0.5, o), 'z');
    const one = tensor(1, { dtype: 'float64' });
    const s = named(one.div(one.add(z.neg().exp())), 's');
    expect(symbolicGradient(s, z).equation).toBe('∂s/∂z = σ(z)·(1 - σ(z))');
  });

  it('gives softmax cross-entropy built from scalars as p - y, not a four-deep fraction', () => {
    const a = named(tensor(0.5, o), 'a');
    const b = named(tensor(-0.3, o), 'b');
    const L = named(a.exp().div(a.exp().add(b.exp())).log().neg(), 'L');
    const g = symbolicGradient(L, a);
    expect(g.text).toBe('exp(a)/(exp(a) + exp(b)) - 1');
    const p = Math.exp(0.5) / (Math.exp(0.5) + Math.exp(-0.3));
    L.backward();
    expect(a.grad!.item()).toBeCloseTo(p - 1, 14);
  });

  it('never prints a silent 0: an input without grad, or one not in the graph, is flagged', () => {
    const x = named(tensor(2, o), 'x');
    const c = named(tensor(3, { dtype: 'float64' }), 'c');
    const q = named(x.mul(c), 'q');
    const held = symbolicGradient(q, c);
    expect(held.text).toBe('x');
    expect(held.note).toMatch(/c does not require grad: autograd gives it no gradient/);
    expect(held.equation).toContain('(note: c does not require grad');
    const far = symbolicGradient(q, named(tensor(1, o), 'w'));
    expect(far.text).toBe('0');
    expect(far.note).toMatch(/w is not in the graph of q/);
    expect(symbolicGradient(q, x).note).toBeNull();
  });
});
