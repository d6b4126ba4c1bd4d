// gradcheck itself: it passes correct derivatives, and a wrong one is named precisely.
import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  GradcheckError,
  type Tensor,
  assertGradcheck,
  customOp,
  gradcheck,
  gradgradcheck,
  randn,
  Rng,
  tensor,
} from '@chainrule/autograd';

const rng = new Rng(3);
const leaf = (shape: number[], dtype: 'float32' | 'float64' = 'float64'): Tensor =>
  randn(shape, { dtype, rng, requiresGrad: true });

/** x² with a derivative that is wrong (2x + 1 instead of 2x) at one flat position of the input. */
function squareWrongAt(position: number) {
  return customOp({
    name: 'squareWrongAt',
    forward: (x) => x!.mul(x!),
    backward: (g, [x]) => {
      const bump = new Float64Array(x!.numel());
      bump[position] = 1;
      return [g.mul(x!.mul(2).add(tensor(bump).reshape(x!.shape)))];
    },
  });
}

describe('gradcheck', () => {
  it('passes correct derivatives of several inputs, reporting each', () => {
    const a = leaf([2, 3]),
      b = leaf([3]);
    const r = gradcheck((x, y) => x.mul(y).tanh().sum(0), [a, b]);
    expect(r.ok).toBe(true);
    expect(r.inputs.map((c) => c.index)).toEqual([0, 1]);
    expect(r.inputs.every((c) => c.maxAbsError < 1e-8)).toBe(true);
    expect(r.report).toMatch(/^gradcheck passed/);
  });

  it('names the input, the worst element, and both values when a rule is wrong', () => {
    const x = leaf([2, 3]);
    const c = tensor([1, 2], { dtype: 'float64' }); // a constant input: not checked
    const wrong = squareWrongAt(5); // element [1, 2]
    const r = gradcheck((k, t) => wrong(t).sum(1).mul(k), [c, x]);
    expect(r.ok).toBe(false);
    expect(r.inputs).toHaveLength(1);
    const [check] = r.inputs;
    expect(check!.index).toBe(1);
    expect(check!.worstIndex).toEqual([1, 2]);
    expect(check!.worstOutputIndex).toEqual([1]); // row 1 of the sum, times c[1] = 2
    const xv = (x.toArray() as number[][])[1]![2]!;
    expect(check!.numeric).toBeCloseTo(2 * 2 * xv, 6);
    expect(check!.analytic).toBeCloseTo(2 * (2 * xv + 1), 12);
    expect(check!.maxAbsError).toBeCloseTo(2, 6);
    expect(check!.failures).toBe(1);
    expect(r.report).toMatch(/input 1 \(shape \[2,3\]\): FAILED; worst at input 1 index \[1,2\], output index \[1\]/);
    expect(r.report).toContain('1 of 12 entries outside tolerance');
  });

  it('throws a GradcheckError with the report on request', () => {
    const x = leaf([3]);
    const wrong = squareWrongAt(0);
    expect(() => gradcheck((t) => wrong(t), [x], { raise: true })).toThrow(GradcheckError);
    try {
      assertGradcheck((t) => wrong(t), [x]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GradcheckError);
      expect((e as GradcheckError).result.ok).toBe(false);
      expect((e as GradcheckError).message).toContain('worst at input 0 index [0]');
    }
    expect(assertGradcheck((t) => t.square(), [x]).ok).toBe(true);
  });

  it(
    'checks float32 inputs in float64 (where central differences are accurate), ' + 'leaving the inputs as they were',
    () => {
      const x = leaf([4], 'float32');
      const before = Array.from(x.value.data);
      expect(gradcheck((t) => t.tanh(), [x]).ok).toBe(true);
      expect(Array.from(x.value.data)).toEqual(before);
      // the same central differences taken in float32 are far off (why gradcheck casts)
      const h = 1e-6;
      const f32 = (u: number) => Math.fround(Math.tanh(Math.fround(u)));
      const errors = [0.1, 0.5, 0.9, 1.3].map((v) =>
        Math.abs((f32(v + h) - f32(v - h)) / (2 * h) - (1 - Math.tanh(v) ** 2)),
      );
      expect(Math.max(...errors)).toBeGreaterThan(1e-3);
    },
  );

  it('flags a gradient that never arrives (a detached input)', () => {
    const x = leaf([2]);
    const r = gradcheck((t) => t.detach().mul(t.detach()).add(t.mul(0)), [x]);
    expect(r.ok).toBe(false);
    expect(r.report).toContain('the analytic gradient is 0 everywhere');
  });

  it('fast mode: one random direction per input, passes right and fails wrong', () => {
    const x = leaf([3, 2]);
    expect(gradcheck((t) => t.sigmoid().matmul(t.mT), [x], { fast: true }).ok).toBe(true);
    const r = gradcheck((t) => squareWrongAt(2)(t), [x], { fast: true });
    expect(r.ok).toBe(false);
    expect(r.inputs[0]!.worstIndex).toEqual([]);
    expect(r.report).toContain('uᵀJv along a random direction');
  });

  it('refuses a call where no input requires grad, and bad tolerances', () => {
    const c = tensor([1], { dtype: 'float64' });
    expect(() => gradcheck((t) => t, [c])).toThrow(AutogradError);
    expect(() => gradcheck((t) => t, [leaf([1])], { eps: 0 })).toThrow(/eps must be > 0/);
  });
});

describe('gradgradcheck', () => {
  it('passes a twice-differentiable function', () => {
    const r = gradgradcheck((x, y) => x.mul(y.sin()).exp(), [leaf([2]), leaf([2])]);
    expect(r.ok).toBe(true);
    expect(r.inputs.map((c) => c.name)).toEqual(['input 0', 'input 1', 'gradOutput']);
  });

  it('catches a custom backward that is right once but not differentiable (computed on raw values)', () => {
    const cube = customOp({
      name: 'cube',
      forward: (x) => x!.mul(x!).mul(x!),
      // 3x² from the raw array: correct first derivative, but a constant to the graph
      backward: (g, [x]) => [g.mul(tensor(x!.value.mul(x!.value).mul(3)))],
    });
    const x = leaf([3]);
    expect(gradcheck((t) => cube(t), [x]).ok).toBe(true);
    const r = gradgradcheck((t) => cube(t), [x]);
    expect(r.ok).toBe(false);
    expect(r.inputs[0]!.ok).toBe(false); // d(3x²·v)/dx = 6x·v is missing
    expect(r.inputs[1]!.ok).toBe(true); // linear in v: right
  });
});
