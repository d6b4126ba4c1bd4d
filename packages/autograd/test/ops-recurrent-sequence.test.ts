// The whole-sequence layers (fusedLstmSequence, fusedGruSequence): gradcheck and gradgradcheck;
// the forward against the fused cells applied step by step (bit for bit); the fused rule against
// its composition of differentiable ops (a recorded backward) bit for bit, and against the step-by-
// step graph (bit for bit where the summation order is the same, within rounding for W_hh and b_hh,
// which one gemm sums over every step); float32 and float64, TypeScript and WebAssembly backends;
// errors; a long sequence.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, Rng } from '@chainrule/tensor';
import {
  OP_RECORDS,
  type OpRecord,
  Tensor,
  add,
  enableGrad,
  fusedGruCell,
  fusedGruSequence,
  fusedLstmCell,
  fusedLstmSequence,
  linear,
  mul,
  noGrad,
  select,
  stack,
  sum,
} from '../src/index.js';
import { BACKENDS, withBackend } from './helpers/backends.js';
import { runProperty } from './helpers/properties.js';
import { RECURRENT_SEQUENCE_PROPERTIES } from './properties/recurrent-sequence.js';
import { type FloatDType, randomArray, values } from './helpers/arrays.js';

type Kind = 'lstm' | 'gru';

/** A layer's operands: [xGates, W_hh, h0, (c0), (b_hh)], leaves that require grad. */
interface Layer {
  readonly kind: Kind;
  readonly xGates: Tensor;
  readonly weightHh: Tensor;
  readonly h0: Tensor;
  readonly c0: Tensor | null;
  readonly biasHh: Tensor | null;
}

function layer(kind: Kind, sizes: readonly [number, number, number], bias: boolean, dtype: FloatDType, seed: number) {
  const rng = new Rng(seed);
  const [steps, batch, hidden] = sizes;
  const k = kind === 'lstm' ? 4 : 3;
  const leafOf = (shape: number[], scale: number) =>
    new Tensor(randomArray(shape, dtype, rng, scale), { requiresGrad: true });
  return {
    kind,
    xGates: leafOf([steps, batch, k * hidden], 3),
    weightHh: leafOf([k * hidden, hidden], 1),
    h0: leafOf([batch, hidden], 1),
    c0: kind === 'lstm' ? leafOf([batch, hidden], 2) : null,
    biasHh: bias ? leafOf([k * hidden], 1) : null,
  } satisfies Layer;
}

const leaves = (l: Layer): Tensor[] =>
  [l.xGates, l.weightHh, l.h0, l.c0, l.biasHh].filter((t): t is Tensor => t !== null);

/** Every step's outputs [T, ...]: the LSTM's h and c stacked on axis 1, the GRU's h. */
function sequence(l: Layer): Tensor {
  if (l.kind === 'gru') return fusedGruSequence(l.xGates, l.weightHh, l.biasHh, l.h0);
  return stack(fusedLstmSequence(l.xGates, l.weightHh, l.biasHh, l.h0, l.c0!), 1);
}

/** The same, one fused cell per step: what nn's layers ran before the sequence ops. */
function stepByStep(l: Layer): Tensor {
  let h = l.h0;
  let c = l.c0;
  const outs: Tensor[] = [];
  for (let t = 0; t < l.xGates.shape[0]!; t++) {
    const hGates = linear(h, l.weightHh, l.biasHh);
    if (l.kind === 'lstm') {
      [h, c] = fusedLstmCell(add(select(l.xGates, 0, t), hGates), c!);
      outs.push(stack([h, c], 0));
    } else {
      h = fusedGruCell(select(l.xGates, 0, t), hGates, h);
      outs.push(h);
    }
  }
  return stack(outs, 0);
}

/** Gradients of Σ weights·f(layer) with respect to every leaf, the backward recorded or not. */
function gradients(l: Layer, f: (l: Layer) => Tensor, weights: Tensor, createGraph: boolean): Tensor[] {
  const xs = leaves(l);
  for (const x of xs) x.grad = null;
  sum(mul(f(l), weights)).backward(undefined, { createGraph });
  return xs.map((x) => {
    expect(x.grad).not.toBeNull();
    return x.grad!.detach();
  });
}

describe('sequence layers: gradcheck and gradgradcheck', () => {
  for (const p of RECURRENT_SEQUENCE_PROPERTIES) it(p.op, () => runProperty(p));
});

describe('sequence layers against the fused cells step by step, and the fused rule against the composed one', () => {
  for (const [name, backend] of BACKENDS) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const kind of ['lstm', 'gru'] as const) {
        it(`${name} ${dtype} ${kind}`, () => {
          fc.assert(
            fc.property(
              fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 })),
              fc.boolean(),
              fc.integer({ min: 0, max: 2 ** 31 - 1 }),
              (sizes, bias, seed) =>
                withBackend(backend, () => {
                  const l = layer(kind, sizes, bias, dtype, seed);
                  const out = sequence(l);
                  expect(values(out)).toEqual(values(stepByStep(l)));
                  const w = new Tensor(randomArray(out.shape, dtype, new Rng(seed + 1), 2));
                  const fused = gradients(l, sequence, w, false);
                  const composed = gradients(l, sequence, w, true);
                  expect(fused.map(values)).toEqual(composed.map(values));
                  const steps = gradients(l, stepByStep, w, false);
                  // xGates, h0 and c0 sum their terms in the same order; W_hh and b_hh sum over steps in one gemm
                  const exact = l.kind === 'lstm' ? [0, 2, 3] : [0, 2];
                  for (const i of exact) expect(values(fused[i]!)).toEqual(values(steps[i]!));
                  const tol = dtype === 'float32' ? 2e-5 : 1e-12;
                  for (const i of [1, ...(bias ? [fused.length - 1] : [])]) {
                    const [a, b] = [values(fused[i]!), values(steps[i]!)];
                    const scale = Math.max(1, ...b.map(Math.abs));
                    for (let j = 0; j < a.length; j++) expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(tol * scale);
                  }
                }),
            ),
            { numRuns: 12 },
          );
        });
      }
    }
  }

  it('equal the cells step by step at the sizes the wasm kernels take, batch-first inputs included', () => {
    // batch 16, hidden 32: past the wasm cell kernels' 512 elements; 1 and 3 steps; xGates stored
    // batch-first (a permuted view, not contiguous at 3 steps: the layer copies it once); h0 held
    // constant; b_hh at 3 steps
    for (const [, backend] of BACKENDS) {
      for (const dtype of ['float32', 'float64'] as const) {
        for (const kind of ['lstm', 'gru'] as const) {
          for (const steps of [1, 3]) {
            withBackend(backend, () => {
              const l = layer(kind, [steps, 16, 32], steps === 3, dtype, steps);
              const k = kind === 'lstm' ? 4 : 3;
              const batchFirst = randomArray([16, steps, k * 32], dtype, new Rng(7), 3).permute([1, 0, 2]);
              const v = { ...l, xGates: new Tensor(batchFirst, { requiresGrad: true }), h0: l.h0.detach() };
              expect(values(sequence(v))).toEqual(values(stepByStep(v)));
              const grads = (f: (l: Layer) => Tensor): Tensor[] => {
                const xs = leaves(v).filter((x) => x.requiresGrad);
                for (const x of xs) x.grad = null;
                sum(f(v)).backward();
                return xs.map((x) => x.grad!.detach());
              };
              const [fused, steps1] = [grads(sequence), grads(stepByStep)];
              // [xGates, W_hh, (c0), (b_hh)]: xGates and c0 bit for bit; W_hh and b_hh within
              // rounding (one gemm and one reduction over every step)
              expect(values(fused[0]!)).toEqual(values(steps1[0]!));
              if (kind === 'lstm') expect(values(fused[2]!)).toEqual(values(steps1[2]!));
              const tol = dtype === 'float32' ? 2e-5 : 1e-12;
              const rounded = [1, ...(v.biasHh !== null ? [fused.length - 1] : [])];
              for (const i of rounded) {
                const [a, b] = [values(fused[i]!), values(steps1[i]!)];
                const scale = Math.max(1, ...b.map(Math.abs));
                for (let j = 0; j < a.length; j++) expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(tol * scale);
              }
            });
          }
        }
      }
    }
  });

  it('leaves out the gradients of inputs that do not require grad, in both paths', () => {
    for (const kind of ['lstm', 'gru'] as const) {
      const l = layer(kind, [3, 2, 2], true, 'float64', 5);
      // the op's node: the GRU's result's, or the one the LSTM's h is a view of (up its first inputs)
      let node =
        kind === 'gru'
          ? fusedGruSequence(l.xGates, l.weightHh, l.biasHh, l.h0).node!
          : fusedLstmSequence(l.xGates, l.weightHh, l.biasHh, l.h0, l.c0!)[0].node!;
      while (node.op !== 'fusedLstmSequence' && node.op !== 'fusedGruSequence') node = node.inputs[0]!.node!;
      expect(node.op).toBe(kind === 'lstm' ? 'fusedLstmSequence' : 'fusedGruSequence');
      // W_hh and h0 held constant: the rule gives null for them, fused or recorded
      const inputs = node.inputs.map((x, i) => (i === 1 || i === 2 ? x.detach() : x));
      const record = OP_RECORDS[node.op as 'fusedLstmSequence'] as OpRecord<unknown>;
      const g = new Tensor(randomArray(node.output!.shape, 'float64', new Rng(2), 1));
      for (const recorded of [false, true]) {
        const run = () => record.vjp!(g, { inputs, output: node.output!, params: {} });
        const grads = recorded ? enableGrad(run) : noGrad(run);
        expect(grads.map((d) => d === null)).toEqual(inputs.map((x) => !x.requiresGrad));
      }
    }
  });

  it('takes an incoming gradient that is a view (a broadcast) as its contiguous copy', () => {
    for (const [, backend] of BACKENDS) {
      withBackend(backend, () => {
        const l = layer('lstm', [3, 16, 32], true, 'float32', 8);
        let node = fusedLstmSequence(l.xGates, l.weightHh, l.biasHh, l.h0, l.c0!)[0].node!;
        while (node.op !== 'fusedLstmSequence') node = node.inputs[0]!.node!;
        const record = OP_RECORDS.fusedLstmSequence as OpRecord<unknown>;
        const shape = node.output!.shape;
        const broadcast = randomArray([1, ...shape.slice(1)], 'float32', new Rng(3), 1).expand(shape);
        const vjp = (g: NDArray) =>
          noGrad(() => record.vjp!(new Tensor(g), { inputs: node.inputs, output: node.output!, params: {} }));
        const [viewed, copied] = [vjp(broadcast), vjp(broadcast.contiguous())];
        expect(viewed.map((d) => values(d!))).toEqual(copied.map((d) => values(d!)));
      });
    }
  });

  it('gives copies, not views of the workspace, where no graph is recorded', () => {
    const l = layer('lstm', [4, 2, 3], true, 'float32', 6);
    const [h, c] = noGrad(() => fusedLstmSequence(l.xGates, l.weightHh, l.biasHh, l.h0, l.c0!));
    const [hg] = fusedLstmSequence(l.xGates, l.weightHh, l.biasHh, l.h0, l.c0!);
    for (const t of [h, c]) expect(t.value.data.length).toBe(4 * 2 * 3);
    expect(hg.value.data.length).toBe(4 * 7 * 2 * 3); // (the backward reads the workspace)
    expect(values(h)).toEqual(values(hg));
    const g = noGrad(() => fusedGruSequence(l.xGates.slice(-1, 0, 9), l.weightHh.slice(0, 0, 9), null, l.h0));
    expect(g.value.data.length).toBe(4 * 2 * 3);
  });

  it('backs up a sequence of 2,000 steps', () => {
    const l = layer('gru', [2000, 1, 2], true, 'float64', 9);
    sum(sequence(l)).backward();
    expect(l.h0.grad!.shape).toEqual([1, 2]);
    expect(values(l.weightHh.grad!).every(Number.isFinite)).toBe(true);
  });
});

describe('sequence layers: errors', () => {
  const l = layer('lstm', [3, 2, 2], true, 'float32', 1);
  it('names the shapes expected and given', () => {
    expect(() => fusedLstmSequence(l.xGates, l.weightHh, l.biasHh, l.h0, select(l.c0!, 0, 0))).toThrow(
      'fusedLstmSequence: expected xGates [T ≥ 1, N, 4·H], weightHh [4·H, H], h0, c0 [N, H] and biasHh [4·H], ' +
        'got xGates [3,2,8], weightHh [8,2], h0 [2,2], c0 [2], biasHh [8]',
    );
    expect(() => fusedGruSequence(l.xGates, l.weightHh, null, l.h0)).toThrow(
      'fusedGruSequence: expected xGates [T ≥ 1, N, 3·H], weightHh [3·H, H], h0 [N, H] and biasHh [3·H], ' +
        'got xGates [3,2,8], weightHh [8,2], h0 [2,2]',
    );
    const empty = new Tensor(new NDArray(new Float32Array(0), [0, 2, 8]));
    expect(() => fusedLstmSequence(empty, l.weightHh, null, l.h0, l.c0!)).toThrow(/got xGates \[0,2,8\]/);
  });
  it('names the dtypes', () => {
    const h64 = new Tensor(randomArray([2, 2], 'float64', new Rng(1), 1));
    expect(() => fusedLstmSequence(l.xGates, l.weightHh, null, h64, l.c0!)).toThrow(
      'fusedLstmSequence: expected operands of one float dtype (float32 or float64), got xGates float32, ' +
        'weightHh float32, h0 float64, c0 float32',
    );
  });
  it('refuses what is not a Tensor', () => {
    expect(() => fusedGruSequence(l.xGates, l.weightHh, null, l.h0.value as unknown as Tensor)).toThrow(
      /fusedGruSequence: expected a Tensor as h0, got NDArray/,
    );
  });
});
