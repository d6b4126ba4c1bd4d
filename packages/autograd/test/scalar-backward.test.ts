// The engine's scalar path (0-d float operands: gradients as plain numbers, results as elements of
// shared storage) gives exactly what the tensor path gives: each op's scalar rules against its
// tensor rule, whole random graphs against the same backward run on tensors (a `trace` listener
// keeps the engine on its tensor path), and hooks, retainGrad, in-place checks, anomaly mode
// and gradients of gradients where scalars meet them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AnomalyError,
  AutogradError,
  NDArray,
  OP_RECORDS,
  type OpName,
  type OpRecord,
  Tensor,
  detectAnomaly,
  noGrad,
  runBackward,
  tensor,
} from '@chainrule/autograd';
import * as A from '@chainrule/autograd';

type Dtype = 'float32' | 'float64';
const recordOf = (op: OpName) => OP_RECORDS[op] as OpRecord<unknown>;
const WITH_SCALAR = (Object.keys(OP_RECORDS) as OpName[]).filter((op) => recordOf(op).scalar !== undefined);

const special = fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, 2, 1e-310, 3.4e38, 1e300, -3.25);
const value = fc.oneof(fc.double(), special);

function array(v: number, dtype: Dtype, shape: number[]): NDArray {
  return new NDArray(dtype === 'float32' ? Float32Array.of(v) : Float64Array.of(v), shape);
}

/** Each gradient of `op` from its tensor rule (on arrays of `shape`) and from its scalar rules. */
function bothRules(
  op: OpName,
  values: number[],
  g: number,
  dtype: Dtype,
  shape: number[],
): { tensor: number[]; scalar: number[] } {
  const def = recordOf(op);
  const arrays = values.map((v) => array(v, dtype, shape));
  const inputs = arrays.map((x) => new Tensor(x, { requiresGrad: true }));
  const output = new Tensor(def.forward(arrays, {}));
  const gt = new Tensor(array(g, dtype, shape));
  const tensorGrads = noGrad(() => def.vjp!(gt, { inputs, output, params: {} }));
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const [a, b] = inputs.map((t) => t.value.item());
  const gs = gt.item(),
    out = output.item();
  return {
    tensor: tensorGrads.map((t) => t!.value.item()),
    scalar: def.scalar!.grads.map((rule) => rule(gs, a!, b ?? NaN, out, round)),
  };
}

describe('scalar rules equal the tensor rules bit for bit', () => {
  it('covers the elementwise ops of the scalar path', () => {
    expect(WITH_SCALAR).toEqual(
      expect.arrayContaining([
        'add',
        'sub',
        'mul',
        'div',
        'neg',
        'exp',
        'log',
        'sqrt',
        'square',
        'reciprocal',
        'sin',
        'cos',
        'tanh',
        'sigmoid',
        'relu',
      ]),
    );
  });
  for (const dtype of ['float32', 'float64'] as const) {
    for (const op of WITH_SCALAR) {
      it(`${op}, ${dtype}`, () => {
        const arity = recordOf(op).scalar!.grads.length;
        fc.assert(
          fc.property(fc.array(value, { minLength: arity, maxLength: arity }), value, (values, g) => {
            for (const shape of [[], [1]]) {
              const { tensor: t, scalar: s } = bothRules(op, values, g, dtype, shape);
              for (let i = 0; i < arity; i++) {
                expect(
                  Object.is(t[i], s[i]),
                  `${op}(${values.join(', ')}), g ${g}, ${dtype}, input ${i}, shape [${shape}]: ${t[i]} vs ${s[i]}`,
                ).toBe(true);
              }
            }
          }),
          { seed: 7, numRuns: 150 },
        );
      });
    }
  }
});

/**
 * A random graph of scalar ops over three leaves: each step applies an op to earlier values (so
 * values are shared), or to an earlier value and a plain number on either side.
 */
type Step = {
  op: 'add' | 'sub' | 'mul' | 'div' | 'tanh' | 'sigmoid' | 'sin' | 'square' | 'neg' | 'exp';
  a: number;
  b: number;
  number: 'none' | 'left' | 'right';
};
const step = fc.record({
  op: fc.constantFrom<Step['op']>('add', 'sub', 'mul', 'div', 'tanh', 'sigmoid', 'sin', 'square', 'neg', 'exp'),
  a: fc.nat(),
  b: fc.nat(),
  number: fc.constantFrom<Step['number']>('none', 'none', 'left', 'right'),
});

function build(steps: readonly Step[], leaves: readonly Tensor[]): Tensor[] {
  const values: Tensor[] = [...leaves];
  for (const s of steps) {
    const x = values[s.a % values.length]!,
      y = values[s.b % values.length]!;
    const f = A[s.op] as (p: Tensor | number, q: Tensor | number) => Tensor;
    const c = 0.75 + (s.b % 5) / 4; // a plain number in [0.75, 1.75]
    const binary = ['add', 'sub', 'mul', 'div'].includes(s.op);
    const out = binary && s.number === 'left' ? f(c, y) : binary && s.number === 'right' ? f(x, c) : f(x, y);
    values.push(out.tanh()); // tanh keeps every value in [-1, 1]: no overflow however deep
  }
  return values;
}

function leafGrads(dtype: Dtype, steps: readonly Step[], start: number[], tensorPath: boolean): (number | null)[] {
  const leaves = start.map((v) => tensor(v, { dtype, requiresGrad: true }));
  const values = build(steps, leaves);
  const root = values[values.length - 1]!;
  runBackward([root], [tensor(1, { dtype })], tensorPath ? { trace: () => {} } : {});
  return leaves.map((l) => (l.grad === null ? null : l.grad.item()));
}

describe('backward on the scalar path equals the tensor path bit for bit', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`random shared graphs of scalar ops, ${dtype}`, () => {
      const start = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 });
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), start, (steps, xs) => {
          expect(leafGrads(dtype, steps, xs, false)).toEqual(leafGrads(dtype, steps, xs, true));
        }),
        { seed: 3, numRuns: 120 },
      );
    });
  }

  it('rounds every partial sum of float32 gradients, at a node and at a leaf, as float32 storage does', () => {
    // u·ε + u·ε + u·ε + u·1 sends u the gradients 1, ε, ε, ε in that order (the engine runs the
    // last consumer first). With ε = 2⁻²⁴, 1 + ε rounds back to 1 in float32 (a tie, to even) each
    // time; a sum kept in float64 would be 1 + 3ε and round to 1 + 2⁻²² at the end.
    const eps = 2 ** -24;
    const sumOfUses = (u: Tensor) => u.mul(eps).add(u.mul(eps)).add(u.mul(eps)).add(u.mul(1));
    const run = (tensorPath: boolean, throughNode: boolean) => {
      const x = tensor(1, { requiresGrad: true });
      const y = sumOfUses(throughNode ? x.mul(1) : x);
      runBackward([y], [tensor(1)], tensorPath ? { trace: () => {} } : {});
      return x.grad!.item();
    };
    for (const throughNode of [true, false]) {
      expect(run(true, throughNode)).toBe(1);
      expect(run(false, throughNode)).toBe(1);
    }
  });

  it('a 0-d leaf that also reaches the output through a broadcast (tensor) path', () => {
    const run = (tensorPath: boolean) => {
      const w = tensor(0.3, { requiresGrad: true }),
        v = tensor([1, 2, 3], { requiresGrad: true });
      let x = w;
      for (let i = 0; i < 5; i++) x = x.mul(w).add(0.1).tanh();
      const y = v.mul(x).sum().mul(w).add(x.mul(w));
      runBackward([y], [tensor(1)], tensorPath ? { trace: () => {} } : {});
      return [w.grad!.item(), ...(v.grad!.toArray() as number[])];
    };
    const fast = run(false),
      slow = run(true);
    expect(fast.map((g, i) => Object.is(g, slow[i]))).toEqual([true, true, true, true]);
  });
});

describe("the scalar path keeps the engine's behaviour", () => {
  it('accumulates into .grad over several backward passes', () => {
    const w = tensor(2, { dtype: 'float64', requiresGrad: true });
    w.mul(w).backward();
    w.mul(3).tanh().backward();
    expect(w.grad!.item()).toBe(4 + 3 * (1 - Math.tanh(6) ** 2));
  });

  it('runs a hook on an intermediate scalar and retains a scalar gradient', () => {
    const x = tensor(1.5, { dtype: 'float64', requiresGrad: true });
    const h = x.mul(x).retainGrad(); // h = x²
    const k = h.tanh();
    let seen = NaN;
    k.registerHook((g) => {
      seen = g.item();
      return g.mul(2);
    });
    k.mul(3).backward();
    expect(seen).toBe(3);
    expect(h.grad!.item()).toBe(6 * (1 - Math.tanh(2.25) ** 2));
    expect(x.grad!.item()).toBe(6 * (1 - Math.tanh(2.25) ** 2) * 3);
  });

  it('catches a scalar saved for backward that was written in place', () => {
    const a = tensor(2, { requiresGrad: true });
    const b = a.mul(3); // scalar-path result
    const c = b.mul(b);
    noGrad(() => b.addInPlace(1));
    expect(() => c.backward()).toThrow(AutogradError);
    expect(() => c.backward()).toThrow(/modified by an in-place operation/);
  });

  it('finds a NaN in a scalar chain in anomaly mode', () => {
    const x = tensor(-1, { requiresGrad: true });
    expect(() => detectAnomaly(() => x.mul(1).sqrt().mul(2).backward())).toThrow(/sqrt: forward produced NaN/);
    const y = tensor(0, { requiresGrad: true });
    expect(() => detectAnomaly(() => y.mul(1).sqrt().mul(2).backward())).toThrow(AnomalyError);
    expect(() => detectAnomaly(() => y.mul(1).sqrt().mul(2).backward())).toThrow(/sqrt: backward produced Infinity/);
  });

  it('differentiates a scalar chain twice (createGraph)', () => {
    const x = tensor(0.7, { dtype: 'float64', requiresGrad: true });
    const y = x.mul(x).tanh(); // y = tanh(x²)
    const [dy] = runBackward([y], [tensor(1, { dtype: 'float64' })], { targets: [x], createGraph: true });
    const t = Math.tanh(0.49);
    expect(dy!.item()).toBeCloseTo(2 * 0.7 * (1 - t * t), 14);
    dy!.backward();
    // d/dx [2x(1 - tanh²(x²))] = 2(1 - t²) - 8x² t (1 - t²)
    expect(x.grad!.item()).toBeCloseTo(2 * (1 - t * t) - 8 * 0.49 * t * (1 - t * t), 12);
  });

  it('marks the graph used after backward (small: kept for the teaching tools), and says so on a second one', () => {
    const w = tensor(1, { requiresGrad: true });
    const y = w.mul(2).tanh();
    y.backward();
    expect(y.node!.released).toBe(true);
    expect(y.node!.freed).toBe(false);
    expect(() => y.backward()).toThrow(/a second time/);
  });
});

describe('scalar results', () => {
  it('make their array on first use, a view whose in-place writes they see', () => {
    const a = tensor(2, { dtype: 'float64' }),
      b = tensor(3, { dtype: 'float64' });
    const c = a.mul(b);
    expect([c.shape, c.ndim, c.numel(), c.dtype, c.item()]).toEqual([[], 0, 1, 'float64', 6]);
    const v = c.value;
    expect(c.value).toBe(v);
    expect(v.item()).toBe(6);
    c.addInPlace(1);
    expect([c.item(), c.value.item(), c.toArray()]).toEqual([7, 7, 7]);
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`share storage with their neighbours, and every in-place op writes only its own element (${dtype})`, () => {
      const one = tensor(1, { dtype });
      const made = Array.from({ length: 20 }, (_, i) => one.mul(i)); // consecutive results: several per chunk
      const writes: [string, (t: Tensor) => void, number][] = [
        ['addInPlace', (t) => t.addInPlace(0.5), 0.5],
        ['mulInPlace', (t) => t.mulInPlace(3), 3],
        ['copyInPlace', (t) => t.copyInPlace(-4), NaN],
        ['addScaledInPlace', (t) => t.addScaledInPlace(tensor(2, { dtype }), 0.25), 0.5],
      ];
      for (const [name, write, delta] of writes) {
        for (const k of [0, 7, 8, 15, 16, 19]) {
          const before = made.map((t) => t.item());
          write(made[k]!);
          const expected =
            name === 'copyInPlace' ? -4 : name === 'mulInPlace' ? before[k]! * delta : before[k]! + delta;
          expect(made[k]!.item(), `${name} on result ${k}`).toBe(expected);
          made.forEach((t, i) => {
            if (i !== k) expect(t.item(), `${name} on result ${k} left result ${i} alone`).toBe(before[i]);
          });
          write(made[k]!); // a second write goes through the array made by the first
          expect(made[k]!.value.item()).toBe(made[k]!.item());
        }
      }
    });
  }

  it('are float32 when the operands are, rounded as float32 storage rounds', () => {
    const c = tensor(0.1).mul(tensor(3));
    expect(c.dtype).toBe('float32');
    expect(c.item()).toBe(Math.fround(Math.fround(0.1) * 3));
  });
});
