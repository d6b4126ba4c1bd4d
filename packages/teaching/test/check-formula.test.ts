// checkFormula: a hand-derived gradient against autograd and central differences in float64,
// at one point and over fast-check sweeps; the notes' BP1–BP4 and equation (1) verified, and a
// deliberately wrong formula pinpointed.
import { describe, expect, it } from 'vitest';
import { AutogradError, DTypeError, ShapeError, type Tensor, tensor } from '@chainrule/autograd';
import { checkBackprop, checkFormula, formatCheck } from '@chainrule/teaching';
import { backpropChecks, bp1, bp2, bp3, bp4, forward, problem } from '../../../examples/teaching/backprop-equations.js';
import { crossEntropyChecks, crossEntropyProblem, objective } from '../../../examples/teaching/cross-entropy-l2.js';
import { wrongL2Check } from '../../../examples/teaching/wrong-formula.js';

// f(x) = Σ x·sin(x): ∂f/∂xᵢ = sin(xᵢ) + xᵢ·cos(xᵢ)
const f = (x: Tensor): Tensor => x.mul(x.sin()).sum();
const right = (x: Tensor): Tensor => x.sin().add(x.mul(x.cos()));
const forgotProductRule = (x: Tensor): Tensor => x.mul(x.cos());
const POINT = [0.5, -1, 2, 0.3, 1.2, -0.7];

describe('checkFormula at one point', () => {
  it('passes a right formula: hand = autograd to rounding, and both match finite differences', () => {
    const r = checkFormula(f, right, [POINT]);
    expect(r.ok).toBe(true);
    expect(r.truthAgrees).toBe(true);
    expect(r.value).toBeCloseTo(
      POINT.reduce((s, v) => s + v * Math.sin(v), 0),
      14,
    );
    const input = r.inputs[0]!;
    expect(input.maxAbsError).toBeLessThan(1e-14);
    expect(input.autogradVsFiniteDiff).toBeLessThan(1e-7);
    input.elements.forEach((e, i) => {
      expect(e.autograd).toBeCloseTo(Math.sin(POINT[i]!) + POINT[i]! * Math.cos(POINT[i]!), 14);
    });
  });

  it('pinpoints a wrong formula: the worst index is where the forgotten term sin(xᵢ) is largest', () => {
    const r = checkFormula(f, forgotProductRule, [POINT]);
    expect(r.ok).toBe(false);
    expect(r.truthAgrees).toBe(true);
    const input = r.inputs[0]!;
    const missing = POINT.map((v) => Math.abs(Math.sin(v)));
    const worst = missing.indexOf(Math.max(...missing));
    expect(input.worstIndex).toEqual([worst]);
    expect(input.maxAbsError).toBeCloseTo(missing[worst]!, 12);
    expect(input.worst!.hand - input.worst!.autograd).toBeCloseTo(-Math.sin(POINT[worst]!), 12);
    input.elements.forEach((e, i) => {
      expect(e.absError).toBeCloseTo(missing[i]!, 12);
    });
    const text = formatCheck(r);
    expect(text).toContain('checkFormula FAIL');
    expect(text).toContain(`worst: x0 at [${worst}]`);
  });

  it('reports element positions in multi-dimensional inputs, and every input separately', () => {
    const g = (a: Tensor, b: Tensor): Tensor => a.matmul(b).square().sum();
    // ∂/∂A Σ(AB)² = 2(AB)Bᵀ, ∂/∂B = 2Aᵀ(AB); the hand version scales B's gradient by 1.5 at [1,0] only
    const A = [
        [1, 2],
        [0.5, -1],
        [2, 0],
      ],
      B = [
        [0.3, -0.2],
        [1, 0.4],
      ];
    const hand = (a: Tensor, b: Tensor): Tensor[] => {
      const ab = a.matmul(b);
      const gb = a.mT.matmul(ab).mul(2);
      const bump = tensor(
        [
          [1, 1],
          [1.5, 1],
        ],
        { dtype: 'float64' },
      );
      return [ab.matmul(b.mT).mul(2), gb.mul(bump)];
    };
    const r = checkFormula(g, hand, [A, B], { names: ['A', 'B'] });
    expect(r.inputs.map((c) => [c.name, c.ok])).toEqual([
      ['A', true],
      ['B', false],
    ]);
    expect(r.worstInput).toBe(1);
    expect(r.inputs[1]!.worstIndex).toEqual([1, 0]);
    expect(r.inputs[1]!.elements.filter((e) => !e.ok).map((e) => e.index)).toEqual([[1, 0]]);
    // at [1,0] the hand value is 1.5× the true one
    const w = r.inputs[1]!.worst!;
    expect(w.hand).toBeCloseTo(1.5 * w.autograd, 12);
    expect(w.relError).toBeCloseTo(0.5, 12);
  });

  it('gives a readable table and Markdown', () => {
    const text = formatCheck(checkFormula(f, right, [POINT]));
    expect(text).toMatch(/^checkFormula OK/);
    expect(text).toContain('x0 [6]: ok');
    expect(text).toMatch(/index +hand +autograd +finite diff +\|hand − autograd\| +rel/);
    const md = formatCheck(checkFormula(f, forgotProductRule, [POINT]), { format: 'markdown' });
    expect(md).toContain('| index | hand | autograd | finite diff | \\|hand − autograd\\| | rel |  |');
  });

  it('refuses bad input with typed errors', () => {
    expect(() => checkFormula(f, (x) => x.sum(), [POINT])).toThrow(ShapeError);
    expect(() => checkFormula(f, (x) => [x, x], [POINT])).toThrow(AutogradError);
    expect(() =>
      checkFormula(
        (x) => x.mul(2),
        (x) => x,
        [POINT],
      ),
    ).toThrow(/scalar/);
    expect(() =>
      checkFormula(
        (x) => x.cast('float32').sum(),
        (x) => x,
        [POINT],
      ),
    ).toThrow(DTypeError);
    expect(() => checkFormula(f, (x) => x.cast('float32'), [POINT])).toThrow(DTypeError);
  });

  it('compares with zeros where f does not use an input', () => {
    const r = checkFormula(
      (a: Tensor) => a.sum(),
      (a: Tensor, b: Tensor) => [a.mul(0).add(1), b.mul(0)],
      [[1, 2], [3]],
    );
    expect(r.ok).toBe(true);
    expect(r.inputs[1]!.elements[0]!.autograd).toBe(0);
    expect(r.inputs[1]!.elements[0]!.relError).toBe(0);
  });
});

describe('checkFormula sweeps (fast-check)', () => {
  it('passes a right formula on 20 random points, the same points for the same seed', () => {
    const a = checkFormula(f, right, { shapes: [[3, 4]], runs: 20, seed: 5 });
    const b = checkFormula(f, right, { shapes: [[3, 4]], runs: 20, seed: 5 });
    expect(a.ok).toBe(true);
    expect(a.runs).toBe(20);
    expect(a.failure).toBeNull();
    expect(a.worst.point).toEqual(b.worst.point);
    expect(a.worst.point[0]!.every((v) => v >= -2 && v <= 2)).toBe(true);
    expect(checkFormula(f, right, { shapes: [[3, 4]], runs: 20, seed: 6 }).worst.point).not.toEqual(a.worst.point);
  });

  it('finds a wrong formula at the first point and shrinks it to a smaller failing one', () => {
    const r = checkFormula(f, forgotProductRule, { shapes: [[5]], runs: 20, seed: 1, min: -1, max: 1 });
    expect(r.ok).toBe(false);
    expect(r.runs).toBe(1);
    expect(r.failure!.first.ok).toBe(false);
    expect(r.failure!.shrunk.ok).toBe(false);
    const norm = (p: readonly (readonly number[])[]): number => p[0]!.reduce((s, v) => s + Math.abs(v), 0);
    expect(norm(r.failure!.shrunk.point)).toBeLessThanOrEqual(norm(r.failure!.first.point));
    expect(r.failure!.first.point[0]!.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(formatCheck(r)).toContain('checkFormula sweep FAIL');
  });

  it('rethrows a user error raised inside the sweep', () => {
    expect(() => checkFormula(f, (x) => x.sum(), { shapes: [[3]], runs: 5 })).toThrow(ShapeError);
  });
});

describe('the notes’ formulas, verified', () => {
  const checks = backpropChecks();
  it("BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ) is ∂C/∂zᴸ", () => {
    expect(checks.bp1.ok).toBe(true);
    expect(checks.bp1.inputs[0]!.maxAbsError).toBeLessThan(1e-14);
    expect(checks.bp1.inputs[0]!.autogradVsFiniteDiff).toBeLessThan(1e-8);
  });
  it("BP2: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ) is ∂C/∂zˡ", () => {
    expect(checks.bp2.ok).toBe(true);
    expect(checks.bp2.inputs[0]!.maxAbsError).toBeLessThan(1e-14);
  });
  it('BP3 and BP4 give ∂C/∂b and ∂C/∂w for both layers, at one point and on 20 random ones', () => {
    expect(checks.bp34.inputs.map((c) => [c.name, c.ok])).toEqual([
      ['W1', true],
      ['b1', true],
      ['W2', true],
      ['b2', true],
    ]);
    for (const c of checks.bp34.inputs) expect(c.maxAbsError).toBeLessThan(1e-14);
    expect(checks.sweep.ok).toBe(true);
    expect(checks.sweep.runs).toBe(20);
  });

  it('equation (1): the cross-entropy objective with the L2 term, and its gradient', () => {
    const { point, sweep } = crossEntropyChecks();
    expect(point.ok).toBe(true);
    expect(point.truthAgrees).toBe(true);
    for (const c of point.inputs) expect(c.maxAbsError).toBeLessThan(1e-13);
    expect(sweep.ok).toBe(true);
  });

  it('equation (1) is what the example computes (checked with plain loops)', () => {
    const p = crossEntropyProblem();
    const rows = (t: Tensor): number[][] => t.toArray() as number[][];
    const [W1, b1, W2, b2] = p.params.map((t) => t.toArray()) as [number[][], number[], number[][], number[]];
    const X = rows(p.X),
      Y = rows(p.Y),
      m = X.length;
    const sigma = (v: number): number => 1 / (1 + Math.exp(-v));
    const layer = (a: number[], W: number[][], b: number[]): number[] =>
      b.map((bj, j) => sigma(a.reduce((s, ai, i) => s + ai * W[i]![j]!, bj)));
    let E = 0;
    X.forEach((x, i) => {
      const out = layer(layer(x, W1, b1), W2, b2);
      out.forEach((s, k) => {
        E -= (Y[i]![k]! * Math.log(s) + (1 - Y[i]![k]!) * Math.log(1 - s)) / m;
      });
    });
    for (const W of [W1, W2]) for (const row of W) for (const w of row) E += (p.lambda / (2 * m)) * w * w;
    expect(objective(p)(...(p.params as [Tensor, Tensor, Tensor, Tensor])).item()).toBeCloseTo(E, 12);
  });

  it('a wrong L2 gradient (λ/(2m)·w instead of λ/m·w) is pinpointed at the largest weight', () => {
    const r = wrongL2Check();
    const p = crossEntropyProblem();
    expect(r.ok).toBe(false);
    expect(r.inputs.map((c) => [c.name, c.ok])).toEqual([
      ['W1', false],
      ['b1', true],
      ['W2', false],
      ['b2', true],
    ]);
    // the discrepancy at each weight is -λ/(2m)·w: largest where |w| is largest
    const m = p.X.shape[0]!;
    let best = { input: -1, index: [] as number[], w: 0 };
    [0, 2].forEach((k) => {
      (p.params[k]!.toArray() as number[][]).forEach((row, i) => {
        row.forEach((w, j) => {
          if (Math.abs(w) > Math.abs(best.w)) best = { input: k, index: [i, j], w };
        });
      });
    });
    expect(r.worstInput).toBe(best.input);
    const worst = r.inputs[best.input]!;
    expect(worst.worstIndex).toEqual(best.index);
    expect(worst.worst!.hand - worst.worst!.autograd).toBeCloseTo((-p.lambda / (2 * m)) * best.w, 12);
    expect(formatCheck(r)).toContain(`worst: ${worst.name} at [${best.index.join(',')}]`);
  });
});

describe('checkFormula hints: the pattern of a mistake', () => {
  const o = { dtype: 'float64' } as const;
  const sig = (z: Tensor) => z.sigmoid();
  it('BP1 without σ′(z): hand = 4 × autograd at z = 0, a missing factor ≤ ¼ elsewhere', () => {
    const f = (z: Tensor) => sig(z).sub(0.5).square().mul(0.5).sum(); // C = ½Σ(σ(z) − y)², y = ½
    const noSigmaPrime = (z: Tensor) => sig(z).sub(0.5); // ∇ₐC, σ′(z) forgotten
    // at z = 0 exactly σ(z) − y = 0 and both are 0; near it σ′(z) ≈ ¼ everywhere
    const r = checkFormula(f, noSigmaPrime, [tensor([0.001, -0.002, 0.003], o)]);
    expect(r.inputs[0]!.hint).toMatch(/^hand = 4 × autograd everywhere: a missing or extra factor, e\.g\. σ′\(z\)\?/);
    expect(formatCheck(r)).toContain('hint for x0: hand = 4 × autograd everywhere');
    const spread = checkFormula(f, noSigmaPrime, [tensor([0.5, -1, 1.5], o)]);
    expect(spread.inputs[0]!.hint).toMatch(
      /^hand = [\d.]+ to [\d.]+ × autograd: a missing factor of at most ¼, e\.g\. σ′\(z\)\?/,
    );
  });

  it('names a sign flip and a transposed gradient', () => {
    const f = (x: Tensor) => x.square().sum();
    expect(checkFormula(f, (x) => x.mul(-2), [tensor([1, 2, 3], o)]).inputs[0]!.hint).toMatch(/sign flip/);
    const A = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      o,
    );
    const g = (W: Tensor) => W.matmul(A).sum(); // ∂/∂W = 1·Aᵀ rows: [[3, 7], [3, 7]]
    const transposed = (W: Tensor) =>
      tensor(
        [
          [3, 3],
          [7, 7],
        ],
        o,
      ).add(W.mul(0));
    expect(
      checkFormula(g, transposed, [
        tensor(
          [
            [0.5, 1],
            [2, -1],
          ],
          o,
        ),
      ]).inputs[0]!.hint,
    ).toMatch(/transposed/);
  });

  it('says a bias gradient needs a sum over the batch axis', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      o,
    );
    const f = (b: Tensor) => x.add(b).square().sum();
    const unsummed = (b: Tensor) => x.add(b).mul(2); // [2, 3]: the batch axis not summed
    expect(() => checkFormula(f, unsummed, [tensor([0.1, 0.2, 0.3], o)])).toThrow(
      /has shape \[2,3\], expected the input's shape \[3\]: sum it over axis 0/,
    );
  });
});

describe('checkBackprop: δˡ for every layer, and the first equation that goes wrong', () => {
  const setup = () => {
    const { X, Y, params } = problem(7);
    const [W1, b1, W2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
    const { Z1, A1, Z2 } = forward(X, Y, W1, b1, W2, b2);
    const d2 = bp1(Z2, Y);
    const d1 = bp2(d2, W2, Z1);
    return { X, Y, W1, b1, W2, b2, Z1, A1, Z2, d1, d2 };
  };

  it("passes the notes' BP1–BP4", () => {
    const s = setup();
    const r = checkBackprop(
      { x: s.X, y: s.Y, weights: [s.W1, s.W2], biases: [s.b1, s.b2] },
      { deltas: [s.d1, s.d2], gradB: [bp3(s.d1), bp3(s.d2)], gradW: [bp4(s.d1, s.X), bp4(s.d2, s.A1)] },
    );
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => `${c.equation} ${c.quantity}`)).toEqual([
      'BP1 δ²',
      'BP2 δ¹',
      'BP3 ∂C/∂b¹',
      'BP3 ∂C/∂b²',
      'BP4 ∂C/∂W¹',
      'BP4 ∂C/∂W²',
    ]);
    expect(r.text).toContain('every equation checks out');
  });

  it('names BP2 when δ¹ forgets σ′(z¹), even though BP1 is right', () => {
    const s = setup();
    const noSigmaPrime = s.d2.matmul(s.W2);
    const r = checkBackprop(
      { x: s.X, y: s.Y, weights: [s.W1, s.W2], biases: [s.b1, s.b2] },
      { deltas: [noSigmaPrime, s.d2] },
    );
    expect(r.firstWrong).toMatchObject({ equation: 'BP2', layer: 1, quantity: 'δ¹' });
    expect(r.firstWrong!.hint).toMatch(/missing factor of at most ¼, e\.g\. σ′\(z\)\?/);
    expect(r.text).toContain('the first equation that goes wrong: BP2 at layer 1 (δ¹)');
  });

  it('names BP4 for a transposed weight gradient and BP1 for a sign flip', () => {
    const s = setup();
    const net = { x: s.X, y: s.Y, weights: [s.W1, s.W2], biases: [s.b1, s.b2] };
    const wrongW = checkBackprop(net, { deltas: [s.d1, s.d2], gradW: [bp4(s.d1, s.X), bp4(s.d2, s.A1).mul(2)] });
    expect(wrongW.firstWrong).toMatchObject({ equation: 'BP4', layer: 2 });
    expect(wrongW.firstWrong!.hint).toMatch(/hand = 2 × autograd everywhere/);
    const flipped = checkBackprop(net, { deltas: [s.d1, s.d2.neg()] });
    expect(flipped.firstWrong).toMatchObject({ equation: 'BP1', layer: 2 });
    expect(flipped.firstWrong!.hint).toMatch(/sign flip/);
  });
});
