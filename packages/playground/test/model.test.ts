// The playground's data model, without a browser: positions, known values and gradients, step texts.
import { describe, expect, it } from 'vitest';
import { graphFromExpression } from '@chainrule/teaching';
import { buildModel, expressionVariables } from '../src/page/model.js';
import { PRESETS } from '../src/page/presets.js';

const byLabel = (m: ReturnType<typeof buildModel>, label: string) => {
  const n = m.trace.graph.nodes.find((g) => g.label === label);
  if (n === undefined) throw new Error(`no node ${label}`);
  return n;
};

describe('the playground model', () => {
  it('steps (x+y)z forward then backward, as in the notes', () => {
    const m = buildModel('(x+y)*z', { x: -2, y: 5, z: -4 });
    expect([m.forwardSteps, m.backwardSteps, m.length]).toEqual([2, 2, 5]);
    const [x, y, z, q, f] = ['x', 'y', 'z', 'add1', 'f'].map((l) => byLabel(m, l));
    expect(m.valueKnown(q!, 0)).toBe(false);
    expect(m.valueKnown(x!, 0)).toBe(true);
    expect(m.current(1)).toBe(q);
    expect(m.valueKnown(q!, 1) && !m.valueKnown(f!, 1)).toBe(true);
    expect(m.current(3)).toBe(f);
    expect(m.gradKnown(f!, 2)).toBe(false);
    expect(m.gradKnown(f!, 3) && !m.gradKnown(q!, 3)).toBe(true);
    expect(m.gradKnown(z!, 4) && m.gradKnown(q!, 4) && !m.gradKnown(x!, 4)).toBe(true);
    expect(m.gradKnown(x!, 5) && m.gradKnown(y!, 5)).toBe(true);
    expect([x, y, z, q, f].map((n) => m.gradOf(n!))).toEqual([-4, -4, 3, -4, 1]);
    expect(f!.tensor.item()).toBe(-12);
    expect(m.stepText(1)).toContain('add1 = x + y = 3');
    expect(m.stepText(4)).toMatch(/\[1\] f = add1·z[\s\S]*local ∂f\/∂add1 = z = -4/);
    expect(m.stepText(5)).toContain('∂f/∂x = ∂f/∂add1 · ∂add1/∂x = (-4) · 1 = -4');
  });

  it('waits for every use before a fan-out gradient is known', () => {
    const m = buildModel('x*x + x', { x: 3 });
    const x = byLabel(m, 'x');
    expect(m.gradOf(x)).toBe(7);
    expect(m.gradKnown(x, m.length - 1)).toBe(false);
    expect(m.gradKnown(x, m.length)).toBe(true);
  });

  it('renders the symbolic derivatives as LaTeX', () => {
    const m = buildModel('(x+y)*z', { x: -2, y: 5, z: -4 });
    expect(m.symbolic.map((s) => s.text)).toEqual(['∂f/∂x = z', '∂f/∂y = z', '∂f/∂z = x + y']);
    expect(m.symbolic[0]!.latex).toContain('\\frac{\\partial f}{\\partial x}');
  });

  it('finds the variables of an expression, not its functions or exponents', () => {
    expect(expressionVariables('sigmoid(w*x + b) + exp(1e3*w) + tanh (c)')).toEqual(['w', 'x', 'b', 'c']);
    expect(expressionVariables('q = x + y; f = q * z')).toEqual(['x', 'y', 'z']);
  });

  it('names the steps as written (q = x + y; f = q * z) and refuses a step named twice or like a variable', () => {
    const m = buildModel('q = x + y; f = q * z', { x: -2, y: 5, z: -4 });
    expect(m.trace.graph.nodes.map((n) => n.label)).toEqual(['x', 'y', 'q', 'z', 'f']);
    expect(m.stepText(5)).toContain('∂f/∂x = ∂f/∂q · ∂q/∂x = (-4) · 1 = -4');
    expect(buildModel('q = x * x; q + 1', { x: 3 }).trace.graph.root.label).toBe('f');
    expect(() => buildModel('q = x; q = x * 2; q', { x: 1 })).toThrow(/q is named twice/);
    expect(() => buildModel('x = y * 2; x', { x: 1, y: 2 })).toThrow(/x is a variable/);
    expect(() => buildModel('q = x;; q', { x: 1 })).toThrow(/unexpected/);
  });

  it('builds every preset, and the worked 3-2-1 example gives the notes output 0.474', () => {
    for (const p of PRESETS) expect(() => buildModel(p.expression, p.values)).not.toThrow();
    const worked = PRESETS.find((p) => p.id === 'worked-321')!;
    const m = buildModel(worked.expression, worked.values);
    const sigmoids = m.trace.forward.filter((l) => l.node.op === 'sigmoid').map((l) => l.node.tensor.item());
    expect(sigmoids.map((v) => Math.round(v * 1000) / 1000)).toEqual([0.332, 0.525, 0.474]);
    expect(m.trace.forward.filter((l) => l.node.op === 'sigmoid').map((l) => l.node.label)).toEqual(['o4', 'o5', 'o6']);
    // the notes' errors, which they compute from values rounded to 3 digits: Err_k = −∂E/∂i_k
    const err = (label: string): number => -m.gradOf(m.trace.graph.nodes.find((n) => n.label === label)!)!;
    expect(err('i6')).toBeCloseTo(0.1311, 3);
    expect(err('i5')).toBeCloseTo(-0.0065, 3);
    expect(err('i4')).toBeCloseTo(-0.0087, 3);
    // E = ½(t − o6)² with t = 1
    const E = graphFromExpression(worked.expression, worked.values).output.item();
    expect(E).toBeCloseTo(0.5 * (1 - sigmoids[2]!) ** 2, 12);
  });
});
