// vmap(f)(xs) equals stacking f over the slices of xs, for every op that has a property test:
// each property's cases are sampled, grouped by their inputs' shapes, and a group of examples of one
// shape is stacked into a batch (the function is the first example's, so its parameters are shared).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH_RULES, OP_RECORDS, type Tensor, grad, hessian, noGrad, stack, vmap } from '@chainrule/autograd';
import type { NonDifferentiableProperty, OpProperty } from '../helpers/properties.js';
import { BINARY_PROPERTIES } from '../properties/binary.js';
import { CONV_PROPERTIES } from '../properties/conv.js';
import { CUSTOM_PROPERTIES } from '../properties/custom.js';
import { DECOMP_PROPERTIES } from '../properties/decomp.js';
import { INDEXING_PROPERTIES } from '../properties/indexing.js';
import { LINEAR_PROPERTIES } from '../properties/linear.js';
import { NON_DIFFERENTIABLE_PROPERTIES } from '../properties/non-differentiable.js';
import { REARRANGEMENT_NON_DIFFERENTIABLE, REARRANGEMENT_PROPERTIES } from '../properties/rearrangement.js';
import { RECURRENT_PROPERTIES } from '../properties/recurrent.js';
import { RECURRENT_SEQUENCE_PROPERTIES } from '../properties/recurrent-sequence.js';
import { REDUCTION_PROPERTIES } from '../properties/reductions.js';
import { STRUCTURE_PROPERTIES } from '../properties/structure.js';
import { UNARY_PROPERTIES } from '../properties/unary.js';

type Built = { inputs: Tensor[]; f: (...xs: Tensor[]) => Tensor };
interface Entry {
  op: string;
  cases: fc.Arbitrary<unknown>;
  build: (d: unknown) => Built;
  /** Whether per-example gradients are compared too (the differentiable ops). */
  differentiable: boolean;
}

/** The ops whose property test checks second derivatives (their backward is differentiable). */
const secondOrder = new Set<string>();
/** The ops whose per-example Hessians were compared (filled as the tests run). */
const hessianOps: string[] = [];

const differentiable = (ps: readonly OpProperty[]): Entry[] =>
  ps.map((p) => {
    if (p.secondOrder) secondOrder.add(p.op);
    return { ...p, build: (d) => p.build(d), differentiable: true };
  });
const direct = (ps: readonly NonDifferentiableProperty[]): Entry[] =>
  ps.map((p) => ({
    op: p.op,
    differentiable: false,
    cases: p.cases,
    build: (d) => {
      const b = p.build(d);
      return { inputs: b.inputs, f: b.direct };
    },
  }));

const ENTRIES: Entry[] = [
  ...differentiable(UNARY_PROPERTIES),
  ...differentiable(BINARY_PROPERTIES),
  ...differentiable(REDUCTION_PROPERTIES),
  ...differentiable(REARRANGEMENT_PROPERTIES),
  ...differentiable(STRUCTURE_PROPERTIES),
  ...differentiable(LINEAR_PROPERTIES),
  ...differentiable(CONV_PROPERTIES),
  ...differentiable(CUSTOM_PROPERTIES),
  ...differentiable(DECOMP_PROPERTIES),
  ...differentiable(INDEXING_PROPERTIES),
  ...differentiable(RECURRENT_PROPERTIES),
  ...differentiable(RECURRENT_SEQUENCE_PROPERTIES),
  ...direct(NON_DIFFERENTIABLE_PROPERTIES),
  ...direct(REARRANGEMENT_NON_DIFFERENTIABLE),
];

const signature = (xs: readonly Tensor[]): string => xs.map((x) => `${x.dtype}[${x.shape.join(',')}]`).join(' ');

/** Up to 3 examples of one input signature (at least 2), or undefined when the samples never repeat one. */
function batchOf(entry: Entry, seed: number): Built[] | undefined {
  const groups = new Map<string, Built[]>();
  for (const d of fc.sample(entry.cases, { numRuns: 80, seed })) {
    const b = entry.build(d);
    const key = signature(b.inputs);
    const list = groups.get(key) ?? [];
    list.push(b);
    groups.set(key, list);
    if (list.length === 3) return list;
  }
  return [...groups.values()].find((g) => g.length >= 2);
}

/**
 * Both arrays equal within 1e-12 of the largest magnitude (NaN where the other has NaN): a batched
 * kernel may sum in another order (a cumsum crossing zero keeps the rounding of its large terms).
 */
function expectSame(actual: unknown, expected: unknown, what: string): void {
  const a = [actual].flat(8) as number[];
  const e = [expected].flat(8) as number[];
  expect(a.length, what).toBe(e.length);
  const scale = Math.max(1, ...e.filter(Number.isFinite).map(Math.abs));
  a.forEach((v, i) => {
    const w = e[i]!;
    if (Number.isNaN(w)) expect(v, what).toBeNaN();
    else if (!Number.isFinite(w)) expect(v, what).toBe(w);
    else expect(Math.abs(v - w), `${what} [${i}]: ${v} vs ${w}`).toBeLessThanOrEqual(1e-12 * scale);
  });
}

describe('vmap over every op: one batched call equals stacking the op over the examples', () => {
  it('has a batching rule for exactly the recorded ops', () => {
    expect(Object.keys(BATCH_RULES).sort()).toEqual(Object.keys(OP_RECORDS).sort());
  });

  for (const entry of ENTRIES) {
    it(entry.op, () => {
      const batch = batchOf(entry, 14);
      expect(batch, `no two samples of ${entry.op} share a shape`).toBeDefined();
      const f = batch![0]!.f;
      noGrad(() => {
        const expected = stack(batch!.map((b) => f(...b.inputs)));
        const stacked = batch![0]!.inputs.map((_, k) => stack(batch!.map((b) => b.inputs[k]!)));
        const out = vmap(f)(...stacked);
        expect(out.shape, entry.op).toEqual(expected.shape);
        expect(out.dtype, entry.op).toBe(expected.dtype);
        expectSame(out.toArray(), expected.toArray(), entry.op);
        // the other arguments shared by every example (inAxes null), the first one batched
        if (stacked.length > 1) {
          const shared = batch![0]!.inputs.slice(1);
          const want = stack(batch!.map((b) => f(b.inputs[0]!, ...shared)));
          const got = vmap(f, { inAxes: [0, ...shared.map(() => null)] })(stacked[0]!, ...shared);
          expectSame(got.toArray(), want.toArray(), `${entry.op} with shared arguments`);
        }
        // the batch on the last axis in and out
        const last = stacked.map((x) => x.permute([...Array(x.ndim).keys()].slice(1).concat(0)));
        const moved = vmap(f, { inAxes: last.map((x) => x.ndim - 1), outAxes: -1 })(...last);
        expectSame(
          moved.permute([moved.ndim - 1, ...Array(moved.ndim - 1).keys()]).toArray(),
          expected.toArray(),
          `${entry.op} on the last axis`,
        );
      });
      if (!entry.differentiable) return;
      // per-example gradients: vmap(grad(Σf)) runs every op's backward rule on batched tensors
      const wrt = batch![0]!.inputs.flatMap((x, k) => (x.requiresGrad ? [k] : []));
      if (wrt.length === 0) return;
      const total = (...xs: Tensor[]) => f(...xs).sum();
      const g = grad(total, { argnums: wrt });
      const stacked = batch![0]!.inputs.map((_, k) => stack(batch!.map((b) => b.inputs[k]!.detach())));
      const got = vmap(g)(...stacked);
      const want = batch!.map((b) => g(...b.inputs.map((x) => x.detach())));
      wrt.forEach((_, j) => {
        expectSame(got[j]!.toArray(), stack(want.map((w) => w[j]!)).toArray(), `${entry.op} gradient ${j}`);
      });
      // second order: per-example Hessians of Σf in the first differentiated input (small inputs only)
      const first = wrt[0]!;
      if (secondOrder.has(entry.op) && batch![0]!.inputs[first]!.numel() <= 8) {
        const h = hessian(total, { argnums: first });
        const hv = vmap(h)(...stacked);
        const hl = stack(batch!.map((b) => h(...b.inputs.map((x) => x.detach()))));
        expectSame(hv.toArray(), hl.toArray(), `${entry.op} hessian`);
        hessianOps.push(entry.op);
      }
      // and through the batched computation from outside: grad of Σ vmap(f) is the stack of the gradients
      const outside = grad((...xs: Tensor[]) => vmap(f)(...xs).sum(), { argnums: wrt })(...stacked);
      wrt.forEach((_, j) => {
        expectSame(outside[j]!.toArray(), stack(want.map((w) => w[j]!)).toArray(), `${entry.op} grad of vmap ${j}`);
      });
    });
  }

  it('compared per-example Hessians for most twice-differentiable ops', () => {
    expect(hessianOps.length).toBeGreaterThanOrEqual(Math.floor(secondOrder.size / 2));
  });
});
