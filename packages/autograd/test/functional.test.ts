// The functional transforms against Jacobians and Hessians derived by hand.
import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  type Tensor,
  grad,
  hessian,
  hvp,
  jacobian,
  jvp,
  noGrad,
  randn,
  Rng,
  tensor,
  valueAndGrad,
  vjp,
} from '@chainrule/autograd';

const f64 = (v: number | number[] | number[][], requiresGrad = false): Tensor =>
  tensor(v, { dtype: 'float64', requiresGrad });
const rng = new Rng(7);
const rand = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', rng });

/** Element-wise closeness of nested arrays. */
function expectClose(actual: unknown, expected: unknown, digits = 10): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((e, i) => {
      expectClose((actual as unknown[])[i], e, digits);
    });
  } else {
    expect(actual as number).toBeCloseTo(expected as number, digits);
  }
}

const values = (t: Tensor): number[] => t.toArray() as number[];

describe('grad', () => {
  it('of Σx³ is 3x², and its Hessian diag(6x)', () => {
    const x = f64([1, -2, 0.5]);
    const f = (t: Tensor) => t.pow(3).sum();
    expectClose(grad(f)(x).toArray(), [3, 12, 0.75]);
    expectClose(hessian(f)(x).toArray(), [
      [6, 0, 0],
      [0, -12, 0],
      [0, 0, 3],
    ]);
  });

  it('of x·y with argnums [0, 1] is [y, x]; the Hessian blocks are 0, I, I, 0', () => {
    const x = f64([1, 2, 3]),
      y = f64([-1, 0.5, 4]);
    const dot = (a: Tensor, b: Tensor) => a.mul(b).sum();
    const [gx, gy] = grad(dot, { argnums: [0, 1] })(x, y);
    expect(gx!.toArray()).toEqual(y.toArray());
    expect(gy!.toArray()).toEqual(x.toArray());
    const H = hessian(dot, { argnums: [0, 1] })(x, y);
    const I = [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      O = [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ];
    expectClose(H[0]![0]!.toArray(), O);
    expectClose(H[0]![1]!.toArray(), I);
    expectClose(H[1]![0]!.toArray(), I);
    expectClose(H[1]![1]!.toArray(), O);
  });

  it('of the quadratic form xᵀAx is (A + Aᵀ)x, and its Hessian A + Aᵀ', () => {
    const A = rand([3, 3]),
      x = rand([3]);
    const f = (t: Tensor) => t.matmul(A.matmul(t));
    const a = A.toArray() as number[][];
    const sym = a.map((row, i) => row.map((v, j) => v + a[j]![i]!));
    const xs = values(x);
    expectClose(
      grad(f)(x).toArray(),
      sym.map((row) => row.reduce((s, v, j) => s + v * xs[j]!, 0)),
    );
    expectClose(hessian(f)(x).toArray(), sym);
  });

  it('differentiates with respect to a later argument (argnums 1, and -1)', () => {
    const x = f64(2),
      y = f64(3);
    const f = (a: Tensor, b: Tensor) => a.mul(b.square()); // ∂f/∂b = 2ab
    expect(grad(f, { argnums: 1 })(x, y).item()).toBe(12);
    expect(grad(f, { argnums: -1 })(x, y).item()).toBe(12);
  });

  it('composes: grad(grad(sin)) = -sin', () => {
    const d2 = grad(grad((t: Tensor) => t.sin()));
    expect(d2(f64(0.7)).item()).toBeCloseTo(-Math.sin(0.7), 14);
  });

  it('differentiates through a closure over an outer argument (mixed partial)', () => {
    // ∂/∂w [∂/∂x (x²w³)] = ∂/∂w (2xw³) = 6xw²
    const f = (x: Tensor, w: Tensor) => x.square().mul(w.pow(3));
    const mixed = grad((w: Tensor) => grad((x: Tensor) => f(x, w))(f64(1.5)))(f64(2));
    expect(mixed.item()).toBeCloseTo(6 * 1.5 * 4, 12);
  });

  it('leaves every .grad alone and needs no requiresGrad on the arguments', () => {
    const x = f64([1, 2], true);
    x.square().sum().backward();
    const before = x.grad;
    const g = grad((t: Tensor) => t.pow(3).sum())(x);
    expect(values(g)).toEqual([3, 12]);
    expect(x.grad).toBe(before);
    expect(values(x.grad!)).toEqual([2, 4]);
  });

  it('does not free the outer graph an argument belongs to', () => {
    const w = f64([1, 2], true);
    const y = w.mul(3);
    const g = grad((t: Tensor) => t.square().sum())(y); // 2y
    expect(values(g)).toEqual([6, 12]);
    y.sum().backward(); // the graph of y is intact
    expect(values(w.grad!)).toEqual([3, 3]);
  });

  it('keeps the result differentiable with respect to an argument that requires grad', () => {
    const w = f64(2, true);
    const g = grad((t: Tensor) => t.pow(3))(w); // 3w² = 12
    expect(g.requiresGrad).toBe(true);
    g.backward();
    expect(w.grad!.item()).toBe(12); // 6w
  });

  it('works under noGrad (and gives a result without a graph)', () => {
    const w = f64(2, true);
    const g = noGrad(() => grad((t: Tensor) => t.pow(3))(w));
    expect(g.item()).toBe(12);
    expect(g.requiresGrad).toBe(false);
  });

  it('gives zeros for an argument the output does not depend on', () => {
    const g = grad((a: Tensor, _b: Tensor) => a.sum(), { argnums: 1 })(f64([1, 2]), f64([3, 4, 5]));
    expect(values(g)).toEqual([0, 0, 0]);
  });

  it('refuses a function whose output is not one number, bad argnums, and int arguments', () => {
    expect(() => grad((t: Tensor) => t.mul(2))(f64([1, 2]))).toThrow(
      /f must return a single number .* got shape \[2\]; use vjp or jacobian/,
    );
    expect(() => grad((t: Tensor) => t.sum(), { argnums: 2 })(f64([1]))).toThrow(
      /argnums 2 is out of range for a call with 1 argument/,
    );
    expect(() => grad((a: Tensor) => a.sum(), { argnums: [0, 0] })(f64([1]))).toThrow(AutogradError);
    expect(() => grad((t: Tensor) => t.sum())(tensor([1], { dtype: 'int32' }))).toThrow(/argument 0 is int32/);
  });
});

describe('valueAndGrad', () => {
  it('returns the value and the gradient of one evaluation', () => {
    let calls = 0;
    const f = (t: Tensor) => {
      calls++;
      return t.exp().sum();
    };
    const [v, g] = valueAndGrad(f)(f64([0, 1]));
    expect(calls).toBe(1);
    expect(v.item()).toBeCloseTo(1 + Math.E, 14);
    expectClose(g.toArray(), [1, Math.E], 14);
  });
});

describe('jacobian', () => {
  it('of softmax is diag(s) - s sᵀ', () => {
    const x = f64([0.5, -1, 2]);
    const s = values(x.softmax());
    const expected = s.map((si, i) => s.map((sj, j) => (i === j ? si : 0) - si * sj));
    expectClose(jacobian((t: Tensor) => t.softmax())(x).toArray(), expected, 12);
  });

  it('has shape [...output, ...input], for several arguments', () => {
    const a = rand([2, 3]),
      b = rand([3]);
    const [ja, jb] = jacobian((p: Tensor, q: Tensor) => p.matmul(q), { argnums: [0, 1] })(a, b);
    expect(ja!.shape).toEqual([2, 2, 3]);
    expect(jb!.shape).toEqual([2, 3]);
    // d(Ab)_i / dA_jk = δ_ij b_k;  d(Ab)_i / db_k = A_ik
    const bv = values(b);
    expectClose(
      ja!.toArray(),
      [0, 1].map((i) => [0, 1].map((j) => bv.map((bk) => (i === j ? bk : 0)))),
    );
    expectClose(jb!.toArray(), a.toArray());
  });
});

describe('vjp, jvp, hvp', () => {
  const f = (x: Tensor) => x.sin().mul(x.square()); // f_i = x_i² sin x_i, J = diag(2x sin x + x² cos x)
  const x = f64([0.3, -1.2, 2]);
  const diag = values(x).map((v) => 2 * v * Math.sin(v) + v * v * Math.cos(v));

  it('vjp: the pullback gives vᵀJ, and may be called again', () => {
    const [y, back] = vjp(f, [x]);
    expectClose(
      y.toArray(),
      values(x).map((v) => v * v * Math.sin(v)),
    );
    const v = f64([1, -2, 0.5]);
    expectClose(
      back(v)[0]!.toArray(),
      diag.map((d, i) => d * values(v)[i]!),
    );
    expectClose(back(f64([1, 1, 1]))[0]!.toArray(), diag);
  });

  it('jvp: J·v equals jacobian(f)·v, for a non-diagonal Jacobian too', () => {
    const v = f64([1, -2, 0.5]);
    expectClose(
      jvp(f, [x], [v])[1].toArray(),
      diag.map((d, i) => d * values(v)[i]!),
    );
    const A = rand([2, 3]);
    const g = (t: Tensor) => A.matmul(t.tanh());
    const J = jacobian(g)(x).toArray() as number[][];
    expectClose(
      jvp(g, [x], [v])[1].toArray(),
      J.map((row) => row.reduce((s, a, k) => s + a * values(v)[k]!, 0)),
    );
  });

  it('hvp: H·v equals hessian(f)·v', () => {
    const A = rand([3, 3]);
    const h = (t: Tensor) => t.matmul(A.matmul(t)).add(t.pow(3).sum()); // H = A + Aᵀ + diag(6x)
    const v = f64([0.5, 1, -1]);
    const H = hessian(h)(x).toArray() as number[][];
    const [value, [hv]] = hvp(h, [x], [v]);
    expect(value.item()).toBeCloseTo(h(x).item(), 12);
    expectClose(
      hv!.toArray(),
      H.map((row) => row.reduce((s, a, k) => s + a * values(v)[k]!, 0)),
    );
  });

  it('checks the tangents and the cotangent', () => {
    expect(() => jvp(f, [x], [f64([1, 2])])).toThrow(/tangent 0 has shape \[2\], expected its primal's shape \[3\]/);
    expect(() => vjp(f, [x])[1](f64([1]))).toThrow(/cotangent has shape \[1\], expected the output's shape \[3\]/);
  });
});
