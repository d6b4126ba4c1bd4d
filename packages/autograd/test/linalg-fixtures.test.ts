// chainrule's linear algebra against PyTorch: solve, inv, det, slogdet, cholesky, solveTriangular,
// vectorNorm, matrixNorm, norm, einsum (repeated subscripts, ellipsis, broadcasting, implicit output)
// and outer, forward values and the gradients of Σ out·g for a random g, float64, to 1e-10.
// Regenerate the fixture: .venv/bin/python scripts/fixtures/linalg.py
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromTypedArray } from '@chainrule/tensor';
import * as A from '@chainrule/autograd';
import { type Tensor, tensor } from '@chainrule/autograd';

interface Data {
  readonly shape: number[];
  readonly values: number[];
}
type Options = Record<string, string | number | boolean | number[] | null>;
interface Case {
  readonly op: string;
  readonly name: string;
  readonly options: Options;
  readonly inputs: Data[];
  readonly outputs: Data[];
  readonly g: number[][];
  readonly grads: (number[] | null)[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/linalg.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: Case[];
};

const TOL = 1e-10;

/** A JSON number or 'Infinity' / '-Infinity'. */
const num = (v: unknown): number => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : (v as number));
const dimOf = (v: unknown): number | number[] | undefined => (v === null ? undefined : (v as number | number[]));

/** Runs the case's op on the leaves: its outputs, in PyTorch's order. */
function run(c: Case, xs: Tensor[]): Tensor[] {
  const o = c.options;
  switch (c.op) {
    case 'solve':
      return [A.solve(xs[0]!, xs[1]!)];
    case 'inv':
      return [A.inv(xs[0]!)];
    case 'det':
      return [A.det(xs[0]!)];
    case 'slogdet': {
      const { sign, logabsdet } = A.slogdet(xs[0]!);
      return [sign, logabsdet];
    }
    case 'cholesky':
      return [A.cholesky(xs[0]!, o.upper as boolean)];
    case 'solveTriangular':
      return [
        A.solveTriangular(xs[0]!, xs[1]!, {
          upper: o.upper as boolean,
          left: o.left as boolean,
          unitriangular: o.unitriangular as boolean,
        }),
      ];
    case 'vectorNorm':
      return [A.vectorNorm(xs[0]!, num(o.ord), dimOf(o.dim), o.keepDim as boolean)];
    case 'matrixNorm': {
      const ord = o.ord === 'fro' ? 'fro' : num(o.ord);
      return [A.matrixNorm(xs[0]!, ord, o.dim as unknown as [number, number], o.keepDim as boolean)];
    }
    case 'norm':
      return [A.norm(xs[0]!, o.p === 'fro' ? 'fro' : num(o.p), dimOf(o.dim))];
    case 'einsum':
      return [A.einsum(o.equation as string, ...xs)];
    case 'outer':
      return [A.outer(xs[0]!, xs[1]!)];
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

const f64 = (d: Data, requiresGrad = false): Tensor =>
  tensor(fromTypedArray(Float64Array.from(d.values), [...d.shape]), { requiresGrad });

/** Row-major values of a tensor. */
const valuesOf = (t: Tensor): number[] => Array.from(t.value.contiguous().data as Float64Array);

function expectClose(got: number[], want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  const worst = got.reduce(
    (w, v, i) => {
      const err = Math.abs(v - want[i]!) / Math.max(1, Math.abs(want[i]!));
      return Number.isNaN(err) || err > w.err ? { err: Number.isNaN(err) ? Infinity : err, i } : w;
    },
    { err: 0, i: -1 },
  );
  expect(worst.err, `${what}: element ${worst.i}: ${got[worst.i]} vs ${want[worst.i]}`).toBeLessThanOrEqual(TOL);
}

describe(`linear algebra against PyTorch ${fixture.torch} (float64, 1e-10)`, () => {
  it('has cases of every op', () => {
    const ops = new Set(fixture.cases.map((c) => c.op));
    const want = ['solve', 'inv', 'det', 'slogdet', 'cholesky', 'solveTriangular', 'vectorNorm', 'matrixNorm'];
    expect([...ops]).toEqual(expect.arrayContaining([...want, 'norm', 'einsum', 'outer']));
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const leaves = c.inputs.map((d) => f64(d, true));
      const outs = run(c, leaves);
      expect(outs.length).toBe(c.outputs.length);
      outs.forEach((o, i) => {
        expect(o.shape, `output ${i} shape`).toEqual(c.outputs[i]!.shape);
        expectClose(valuesOf(o), c.outputs[i]!.values, `output ${i}`);
      });
      // slogdet's sign is a constant here (PyTorch records it, with a zero gradient)
      let loss: Tensor | null = null;
      outs.forEach((o, i) => {
        if (!o.requiresGrad) return;
        const g = f64({ shape: c.outputs[i]!.shape, values: c.g[i]! });
        const term = o.mul(g).sum();
        loss = loss === null ? term : loss.add(term);
      });
      expect(loss).not.toBe(null);
      (loss as unknown as Tensor).backward();
      leaves.forEach((x, i) => {
        const want = c.grads[i] ?? new Array<number>(c.inputs[i]!.values.length).fill(0);
        expectClose(valuesOf(x.grad!), want, `gradient of input ${i}`);
      });
    });
  }
});
