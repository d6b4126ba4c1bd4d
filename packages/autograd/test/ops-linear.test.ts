// The fused linear op, y = x·Wᵀ + b: gradients of first and second order, agreement with the
// composed graph x.matmul(W.mT).add(b) it replaces, its graph, and its errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';
import { OP_RECORDS, type RuleContext, type Tensor, tensor } from '@chainrule/autograd';
import { DTypeError, Rng, ShapeError } from '@chainrule/tensor';
import { leaf } from './helpers/arbitraries.js';
import { opsInGraph, runProperty } from './helpers/properties.js';
import { LINEAR_PROPERTIES, type LinearCase, linearCases, linearInputs } from './properties/linear.js';

const SEED = 20261122;

/** The graph linear replaces: permute, matmul, (expand,) add. */
function composed(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = x.matmul(w.mT);
  return b === null ? y : y.add(b);
}

/** Row-major values as plain numbers. */
const valuesOf = (t: Tensor): number[] =>
  Array.from(t.value.contiguous().data as ArrayLike<number>).slice(
    t.value.contiguous().offset,
    t.value.contiguous().offset + t.numel(),
  );

/** Same shape, dtype and bits (Object.is: -0 and NaN are told apart). */
function expectSameBits(a: Tensor, b: Tensor, what: string): void {
  expect(a.shape, what).toEqual(b.shape);
  expect(a.dtype, what).toBe(b.dtype);
  const va = valuesOf(a),
    vb = valuesOf(b);
  const differ = va.findIndex((v, i) => !Object.is(v, vb[i]));
  expect(differ, `${what}: first differing element ${differ}: ${va[differ]} vs ${vb[differ]}`).toBe(-1);
}

/** Uniform(-1, 1) values of a shape from a seeded generator. */
function uniform(shape: number[], dtype: 'float32' | 'float64', rng: Rng, requiresGrad = true): Tensor {
  const v = A.rand(shape, { rng, dtype }).mul(2).sub(1);
  return tensor(v.value, { requiresGrad });
}

/** [output, ∂x, ∂W, ∂b] of f with the upstream gradient u (null where the input needs none). */
function forwardAndGrads(
  f: (x: Tensor, w: Tensor, b: Tensor | null) => Tensor,
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  u: Tensor,
): (Tensor | null)[] {
  const leaves = [x, w, b].map((t) => (t === null ? null : tensor(t.value, { requiresGrad: t.requiresGrad })));
  const y = f(leaves[0]!, leaves[1]!, leaves[2] ?? null);
  y.backward(u);
  return [y, ...leaves.map((t) => t?.grad ?? null)];
}

describe('linear: gradcheck and gradgradcheck (1-D, 2-D, 3-D inputs, with and without bias)', () => {
  for (const p of LINEAR_PROPERTIES) it(p.op, () => runProperty(p));
});

describe('linear agrees with x.matmul(W.mT).add(b)', () => {
  it('forward bit for bit, gradients to rounding (float64, random shapes and leaves)', () => {
    fc.assert(
      fc.property(linearCases, fc.integer({ min: 1, max: 1000 }), (c: LinearCase, s) => {
        const { x, w, b } = linearInputs(c);
        const fused = A.linear(x, w, b),
          reference = composed(x, w, b);
        expectSameBits(fused, reference, 'forward');
        const u = uniform([...fused.shape], 'float64', new Rng(s), false);
        const got = forwardAndGrads(A.linear, x, w, b, u),
          want = forwardAndGrads(composed, x, w, b, u);
        for (let i = 1; i < 4; i++) {
          expect(got[i] === null, `gradient ${i} present`).toBe(want[i] === null);
          if (got[i] === null) continue;
          expect(got[i]!.shape).toEqual(want[i]!.shape);
          const a = valuesOf(got[i]!),
            r = valuesOf(want[i]!);
          a.forEach((v, k) => {
            expect(Math.abs(v - r[k]!)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(r[k]!)));
          });
        }
      }),
      { numRuns: 60, seed: SEED },
    );
  });

  // nn's MLP layers: the same kernels run in the same order, so training gives the same weights
  for (const [batch, nIn, nOut] of [
    [10, 784, 30],
    [10, 30, 10],
    [128, 784, 30],
    [128, 256, 256],
    [3, 5, 1],
    [4, 1, 6],
  ] as const) {
    it(`float32 x [${batch},${nIn}], W [${nOut},${nIn}]: output and all three gradients bit for bit`, () => {
      const rng = new Rng(batch * 1000 + nIn + nOut);
      const x = uniform([batch, nIn], 'float32', rng),
        w = uniform([nOut, nIn], 'float32', rng),
        b = uniform([nOut], 'float32', rng);
      const u = uniform([batch, nOut], 'float32', rng, false);
      const got = forwardAndGrads(A.linear, x, w, b, u),
        want = forwardAndGrads(composed, x, w, b, u);
      ['output', '∂x', '∂W', '∂b'].forEach((what, i) => {
        expectSameBits(got[i]!, want[i]!, what);
      });
    });
  }

  it('3-D float32 input (leading axes flattened into one product): the same bits as the batched product', () => {
    const rng = new Rng(3);
    const x = uniform([4, 8, 64], 'float32', rng),
      w = uniform([48, 64], 'float32', rng),
      b = uniform([48], 'float32', rng);
    expectSameBits(A.linear(x, w, b), composed(x, w, b), 'forward');
  });

  it('a strided input view (transposed x) gives the same values as its contiguous copy', () => {
    const rng = new Rng(4);
    const stored = uniform([5, 3, 4], 'float64', rng),
      w = uniform([2, 5], 'float64', rng),
      b = uniform([2], 'float64', rng);
    const view = stored.permute([2, 1, 0]); // [4, 3, 5], not contiguous
    const copy = tensor(view.value.contiguous(), { requiresGrad: true });
    expectSameBits(A.linear(view, w, b), A.linear(copy, w, b), 'forward');
    const u = uniform([4, 3, 2], 'float64', rng, false);
    A.linear(view, w, b).backward(u);
    A.linear(copy, w, b).backward(u);
    expectSameBits(stored.grad!.permute([2, 1, 0]), copy.grad!, '∂x through the view');
  });

  it('float32 and float64 operands promote to float64 (a cast node, as matmul and add do)', () => {
    const rng = new Rng(5);
    const x = uniform([3, 4], 'float32', rng),
      w = uniform([2, 4], 'float64', rng),
      b = uniform([2], 'float32', rng);
    const y = A.linear(x, w, b);
    expect(y.dtype).toBe('float64');
    expect([...opsInGraph(y)].sort()).toEqual(['cast', 'linear']);
    expectSameBits(y, composed(x, w, b), 'forward');
    y.sum().backward();
    expect([x.grad!.dtype, w.grad!.dtype, b.grad!.dtype]).toEqual(['float32', 'float64', 'float32']);
  });

  it('empty leading dimension: y is [0, out], ∂W and ∂b are zeros', () => {
    const w = leaf({ shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }),
      b = leaf({ shape: [2], values: [1, -1] });
    const x = tensor(A.zeros([0, 3], { dtype: 'float64' }).value, { requiresGrad: true });
    const y = A.linear(x, w, b);
    expect(y.shape).toEqual([0, 2]);
    y.sum().backward();
    expect(w.grad!.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(b.grad!.toArray()).toEqual([0, 0]);
    expect(x.grad!.shape).toEqual([0, 3]);
  });
});

describe('linear records one node', () => {
  it('inputs [x, W, b] (or [x, W]): no permute, expand or add nodes', () => {
    const rng = new Rng(6);
    const x = uniform([3, 4], 'float64', rng),
      w = uniform([2, 4], 'float64', rng),
      b = uniform([2], 'float64', rng);
    const y = A.linear(x, w, b);
    expect(y.node!.op).toBe('linear');
    expect(y.node!.inputs).toEqual([x, w, b]);
    expect([...opsInGraph(y)]).toEqual(['linear']);
    expect(A.linear(x, w).node!.inputs).toEqual([x, w]);
    expect([...opsInGraph(composed(x, w, b))].sort()).toEqual(['add', 'expand', 'matmul', 'permute']);
  });

  it('the bias is added into the result, never into an input', () => {
    const rng = new Rng(7);
    const x = uniform([3, 4], 'float64', rng),
      w = uniform([2, 4], 'float64', rng),
      b = uniform([2], 'float64', rng);
    const before = [x, w, b].map(valuesOf);
    const versions = [x, w, b].map((t) => t.version);
    A.linear(x, w, b);
    expect([x, w, b].map(valuesOf)).toEqual(before);
    expect([x, w, b].map((t) => t.version)).toEqual(versions);
  });

  it('the rule computes a gradient only for the inputs that require grad', () => {
    const rng = new Rng(8);
    const x = uniform([3, 4], 'float64', rng),
      w = uniform([2, 4], 'float64', rng, false),
      b = uniform([2], 'float64', rng, false);
    const rule = OP_RECORDS.linear;
    const g = uniform([3, 2], 'float64', rng, false);
    const ctx = (inputs: Tensor[]): RuleContext<Record<string, never>> => ({ inputs, output: g, params: {} });
    const onlyX = rule.vjp!(g, ctx([x, w, b]));
    expect(onlyX.map((t) => t === null)).toEqual([false, true, true]);
    const onlyB = rule.vjp!(g, ctx([tensor(x.value), w, tensor(b.value, { requiresGrad: true })]));
    expect(onlyB.map((t) => t === null)).toEqual([true, true, false]);
    expect(
      rule.vjp!(g, ctx([tensor(x.value), tensor(w.value, { requiresGrad: true })])).map((t) => t === null),
    ).toEqual([true, false]);
  });
});

describe('linear errors name the op and the shapes or dtypes', () => {
  const f64 = (shape: number[]): Tensor => A.zeros(shape, { dtype: 'float64', requiresGrad: true });
  const cases: [string, () => Tensor, RegExp][] = [
    [
      'inner sizes differ',
      () => A.linear(f64([2, 3]), f64([4, 5])),
      /^linear: input \[2,3\] and weight \[4,5\] do not match \(3 != 5\)$/,
    ],
    [
      'inner sizes differ, 1-D input',
      () => A.linear(f64([3]), f64([4, 5]), f64([4])),
      /^linear: input \[3\] and weight \[4,5\] do not match \(3 != 5\)$/,
    ],
    ['weight not 2-D', () => A.linear(f64([2, 3]), f64([3])), /^linear: weight must be 2-D \[out, in\], got \[3\]$/],
    [
      '0-d input',
      () => A.linear(f64([]), f64([2, 1])),
      /^linear: input must have at least 1 dimension \[\.\.\., in\], got \[\]$/,
    ],
    [
      'bias of the wrong size',
      () => A.linear(f64([2, 3]), f64([4, 3]), f64([3])),
      /^linear: bias must have shape \[4\] for weight \[4,3\], got \[3\]$/,
    ],
    [
      'bias of the wrong rank',
      () => A.linear(f64([2, 3]), f64([4, 3]), f64([1, 4])),
      /^linear: bias must have shape \[4\] for weight \[4,3\], got \[1,4\]$/,
    ],
  ];
  for (const [name, call, message] of cases) {
    it(`ShapeError: ${name}`, () => {
      expect(call).toThrow(ShapeError);
      expect(call).toThrow(message);
    });
  }

  it('DTypeError when an operand is not float (as matmul)', () => {
    const i32 = (shape: number[]): Tensor => A.zeros(shape, { dtype: 'int32' });
    expect(() => A.linear(i32([2, 3]), i32([4, 3]))).toThrow(DTypeError);
    expect(() => A.linear(i32([2, 3]), i32([4, 3]))).toThrow(
      /^linear: expected float32 or float64 operands, got int32 and int32$/,
    );
    expect(() => A.linear(i32([2, 3]), i32([4, 3]), i32([4]))).toThrow(
      /^linear: expected float32 or float64 operands, got int32, int32 and int32$/,
    );
    // one int operand among floats is refused too, not promoted (matmul refuses it)
    expect(() => A.linear(f64([2, 3]), i32([4, 3]))).toThrow(
      /^linear: expected float32 or float64 operands, got float64 and int32$/,
    );
    expect(() => A.linear(f64([2, 3]), f64([4, 3]), i32([4]))).toThrow(DTypeError);
  });

  it('a failed call records nothing and changes no input', () => {
    const x = f64([2, 3]),
      w = f64([4, 5]);
    const versions = [x.version, w.version];
    expect(() => A.linear(x, w)).toThrow(ShapeError);
    expect([x.version, w.version]).toEqual(versions);
  });
});
