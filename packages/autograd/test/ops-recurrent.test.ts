// The fused recurrent cells (fusedLstmCell, fusedGruCell): gradcheck and gradgradcheck; the rule's
// fused kernel (the usual backward) against its composition of differentiable ops (a recorded
// backward, or an output with no kernel planes behind it), bit for bit, float32 and float64,
// TypeScript and WebAssembly backends; the rule against central differences; vmap; errors.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Backend, Rng, jsBackend } from '@chainrule/tensor';
import { BACKENDS, withBackend } from './helpers/backends.js';
import * as T from '@chainrule/tensor';
import {
  OP_RECORDS,
  type OpRecord,
  Tensor,
  enableGrad,
  fusedGruCell,
  fusedLstmCell,
  noGrad,
  tensor,
  vmap,
} from '../src/index.js';
import { runProperty } from './helpers/properties.js';
import { RECURRENT_PROPERTIES } from './properties/recurrent.js';
import { type FloatDType, randomArray, values } from './helpers/arrays.js';

type CellOp = 'fusedLstmCell' | 'fusedGruCell';

/** The op's inputs (leaves that require grad) for states [...lead, H]: the gate parts, then the state. */
function cellInputs(op: CellOp, lead: number[], hidden: number, dtype: FloatDType, rng: Rng): Tensor[] {
  const gates = op === 'fusedLstmCell' ? [4] : [3, 3];
  return [
    ...gates.map((k) => new Tensor(randomArray([...lead, k * hidden], dtype, rng, 3), { requiresGrad: true })),
    new Tensor(randomArray([...lead, hidden], dtype, rng, 2), { requiresGrad: true }),
  ];
}

/**
 * The record's rule: fused (no graph recorded) or composed (recorded). `output` is what the forward
 * returned unless given (a copy of it has no kernel planes behind it: the rule then composes).
 */
function rule(op: CellOp, inputs: Tensor[], g: Tensor, recorded: boolean, output?: Tensor): readonly (Tensor | null)[] {
  const record = OP_RECORDS[op] as OpRecord<unknown>;
  const out =
    output ??
    new Tensor(
      record.forward(
        inputs.map((x) => x.value),
        {},
      ),
    );
  const run = () => record.vjp!(g, { inputs, output: out, params: {} });
  return recorded ? enableGrad(run) : noGrad(run);
}

/** The op's output shape for states [...lead, H]: [h', c'] stacked for the LSTM, h' for the GRU. */
const outShape = (op: CellOp, lead: number[], hidden: number): number[] =>
  op === 'fusedLstmCell' ? [2, ...lead, hidden] : [...lead, hidden];

/** `backend` with its fused backward kernels counted. */
function counting(backend: Backend): { backend: Backend; calls: { n: number } } {
  const calls = { n: 0 };
  return {
    calls,
    backend: {
      ...backend,
      fusedLstmCellBackward: (...a) => {
        calls.n++;
        return backend.fusedLstmCellBackward(...a);
      },
      fusedGruCellBackward: (...a) => {
        calls.n++;
        return backend.fusedGruCellBackward(...a);
      },
    },
  };
}

describe('fused recurrent cells: gradcheck and gradgradcheck', () => {
  for (const p of RECURRENT_PROPERTIES) it(p.op, () => runProperty(p));
});

describe('fused recurrent cells: the fused backward kernel equals the composed rule bit for bit', () => {
  for (const [name, backend] of BACKENDS) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const op of ['fusedLstmCell', 'fusedGruCell'] as const) {
        it(`${name} ${dtype} ${op}`, () => {
          fc.assert(
            fc.property(
              fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 2 }),
              fc.integer({ min: 1, max: 7 }),
              fc.integer({ min: 0, max: 2 ** 31 - 1 }),
              (lead, hidden, seed) => {
                const rng = new Rng(seed);
                const inputs = cellInputs(op, lead, hidden, dtype, rng);
                const g = new Tensor(randomArray(outShape(op, lead, hidden), dtype, rng, 2), { requiresGrad: true });
                const { backend: counted, calls } = counting(backend);
                withBackend(counted, () => {
                  const fused = rule(op, inputs, g, false);
                  expect(calls.n).toBe(1); // the kernel ran
                  const composed = rule(op, inputs, g, true);
                  expect(calls.n).toBe(1); // and a recorded backward composed
                  expect(composed.map((t) => t!.node)).not.toContain(null); // (recorded: g requires grad)
                  expect(fused.map((t) => values(t!))).toEqual(composed.map((t) => values(t!)));
                  // an output with no kernel planes behind it (a copy) composes too, with the same bits
                  const copied = new Tensor(
                    jsBackend.copy(
                      OP_RECORDS[op].forward(
                        inputs.map((x) => x.value),
                        {},
                      ),
                      dtype,
                    ),
                  );
                  const fromCopy = rule(op, inputs, g, false, copied);
                  expect(calls.n).toBe(1);
                  expect(fromCopy.map((t) => values(t!))).toEqual(composed.map((t) => values(t!)));
                });
              },
            ),
            { numRuns: 40 },
          );
        });
      }
    }
  }

  it('leaves out the gradients of inputs that do not require grad, in both paths', () => {
    const rng = new Rng(3);
    for (const op of ['fusedLstmCell', 'fusedGruCell'] as const) {
      const inputs = cellInputs(op, [2], 3, 'float64', rng).map((x, i) => (i === 0 ? x.detach() : x));
      const g = new Tensor(randomArray(outShape(op, [2], 3), 'float64', rng, 1));
      for (const recorded of [false, true]) {
        const grads = rule(op, inputs, g, recorded);
        expect(grads[0], `${op} recorded=${recorded}`).toBe(null);
        expect(grads.slice(1).every((t) => t !== null)).toBe(true);
      }
    }
  });
});

describe('fused recurrent cells: the rule against central differences', () => {
  // ⟨G, (F(x + εv) − F(x − εv)) / 2ε⟩ against ⟨rule(G), v⟩ for random G and v, both paths of the rule
  for (const op of ['fusedLstmCell', 'fusedGruCell'] as const) {
    it(`${op}: the vector-Jacobian product agrees with central differences`, () => {
      const rng = new Rng(11);
      for (let trial = 0; trial < 5; trial++) {
        const inputs = cellInputs(op, [3], 4, 'float64', rng);
        const g = new Tensor(randomArray(outShape(op, [3], 4), 'float64', rng, 1));
        const dirs = inputs.map((x) => randomArray(x.shape, 'float64', rng, 1));
        const eps = 1e-6;
        const forward = (s: number): number[] =>
          values(
            OP_RECORDS[op].forward(
              inputs.map((x, i) => T.add(x.value, T.mul(dirs[i]!, s * eps))),
              {},
            ),
          );
        const [up, down] = [forward(1), forward(-1)];
        const gv = values(g);
        const numeric = gv.reduce((acc, gi, k) => acc + (gi * (up[k]! - down[k]!)) / (2 * eps), 0);
        for (const recorded of [false, true]) {
          const grads = rule(op, inputs, g, recorded);
          const analytic = grads.reduce(
            (acc, gi, i) => acc + values(gi!).reduce((a, v, k) => a + v * dirs[i]!.data[k]!, 0),
            0,
          );
          expect(Math.abs(analytic - numeric)).toBeLessThan(1e-7 * Math.max(1, Math.abs(numeric)));
        }
      }
    });
  }
});

describe('fused recurrent cells: the public functions', () => {
  it('give h′ and c′ (LSTM) and h′ (GRU): the kernel’s first planes, recorded as one op', () => {
    const rng = new Rng(5);
    const [gates, c] = cellInputs('fusedLstmCell', [2], 3, 'float64', rng);
    const [h2, c2] = fusedLstmCell(gates!, c!);
    expect(h2.shape).toEqual([2, 3]);
    expect(c2.shape).toEqual([2, 3]);
    const planes = T.fusedLstmCell(gates!.value, c!.value);
    expect(values(h2)).toEqual(values(planes.select(0, 0)));
    expect(values(c2)).toEqual(values(planes.select(0, 1)));
    const [x, hg, h] = cellInputs('fusedGruCell', [], 2, 'float32', rng);
    expect(values(fusedGruCell(x!, hg!, h!))).toEqual(
      values(T.fusedGruCell(x!.value, hg!.value, h!.value).select(0, 0)),
    );
  });

  it('batch under vmap: one call on the whole batch equals a call per example', () => {
    const rng = new Rng(8);
    const [gates, c] = cellInputs('fusedLstmCell', [3, 2], 4, 'float64', rng);
    const f = (gt: Tensor, ct: Tensor): Tensor => fusedLstmCell(gt, ct)[1];
    const batched = vmap(f)(gates!, c!);
    const each = [0, 1, 2].map((b) => values(f(gates!.select(0, b), c!.select(0, b))));
    expect(values(batched)).toEqual(each.flat());
  });

  it('refuse operands that are not tensors, shapes that do not fit and mixed dtypes', () => {
    const f32 = (shape: number[]): Tensor => tensor(T.zeros(shape, 'float32'));
    expect(() => fusedLstmCell(T.zeros([2, 8]) as unknown as Tensor, f32([2, 2]))).toThrow(
      'fusedLstmCell: expected a Tensor as the gates, got NDArray (wrap an NDArray with tensor(...))',
    );
    expect(() => fusedLstmCell(f32([2, 6]), f32([2, 2]))).toThrow(
      'fusedLstmCell: gates must be [..., 4·H] = [2,8] for c [2,2], got [2,6]',
    );
    expect(() => fusedGruCell(f32([6]), f32([6]), tensor(T.zeros([2], 'float64')))).toThrow(T.DTypeError);
  });
});
