// The shape of an op's property test, and the runner: first-order gradcheck on every case, second
// order (gradgradcheck) where the op's backward is itself differentiable there, and a check that
// the function really records the op it is meant to test.
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  type CheckedFunction,
  type GradcheckOptions,
  type Node,
  type OpName,
  type Tensor,
  gradcheck,
  gradgradcheck,
} from '@chainrule/autograd';

/** One op's property test. */
export interface OpProperty<D = unknown> {
  /** The rule-table entry it exercises. */
  readonly op: OpName;
  /** Random cases as plain data. */
  readonly cases: fc.Arbitrary<D>;
  /** The inputs (float64; the ones to check require grad) and the function under test. */
  readonly build: (d: D) => { inputs: Tensor[]; f: CheckedFunction };
  /** Whether to check second derivatives too. */
  readonly secondOrder: boolean;
  readonly options?: GradcheckOptions;
  readonly numRuns?: number;
}

/** A non-differentiable op's test: its results never require grad, and gradients treat it as a constant. */
export interface NonDifferentiableProperty<D = unknown> {
  readonly op: OpName;
  readonly cases: fc.Arbitrary<D>;
  /** `direct` applies the op alone; `f` uses it inside a differentiable function (checked by gradcheck). */
  readonly build: (d: D) => { inputs: Tensor[]; direct: (...xs: Tensor[]) => Tensor; f: CheckedFunction };
}

export const property = <D>(p: OpProperty<D>): OpProperty => p as OpProperty;
export const nonDifferentiable = <D>(p: NonDifferentiableProperty<D>): NonDifferentiableProperty =>
  p as NonDifferentiableProperty;

/** The ops recorded in the graph of `t` (iterative walk). */
export function opsInGraph(t: Tensor): Set<string> {
  const ops = new Set<string>();
  if (t.node === null) return ops;
  const seen = new Set<Node>([t.node]);
  const stack: Node[] = [t.node];
  while (stack.length > 0) {
    const node = stack.pop()!;
    ops.add(node.op);
    for (const input of node.inputs) {
      if (input.node !== null && !seen.has(input.node)) {
        seen.add(input.node);
        stack.push(input.node);
      }
    }
  }
  return ops;
}

const SEED = Number(process.env.CHAINRULE_PROPERTY_SEED ?? 20261121);
/** Multiplies every property's run count (e.g. CHAINRULE_PROPERTY_RUNS=10 for a thorough local run). */
const RUNS = Number(process.env.CHAINRULE_PROPERTY_RUNS ?? 1);

/** Every node in the graph of `t`: its record's shape and dtype inference agrees with what its kernel made. */
export function expectInferAgrees(t: Tensor): void {
  if (t.node === null) return;
  const seen = new Set<Node>([t.node]);
  const stack: Node[] = [t.node];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const meta = node.record.infer(
      node.inputs.map((x) => ({ shape: x.shape, dtype: x.dtype })),
      node.params,
    );
    const made = node.output!;
    expect({ shape: [...meta.shape], dtype: meta.dtype }, `${node.op}'s infer`).toEqual({
      shape: [...made.shape],
      dtype: made.dtype,
    });
    for (const input of node.inputs) {
      if (input.node !== null && !seen.has(input.node)) {
        seen.add(input.node);
        stack.push(input.node);
      }
    }
  }
}

export function runProperty(p: OpProperty): void {
  fc.assert(
    fc.property(p.cases, (d) => {
      const { inputs, f } = p.build(d);
      const out = f(...inputs);
      expect(opsInGraph(out).has(p.op), `the function records '${p.op}'`).toBe(true);
      expectInferAgrees(out);
      const first = gradcheck(f, inputs, p.options);
      if (!first.ok) throw new Error(`first order, ${JSON.stringify(d)}\n${first.report}`);
      if (p.secondOrder) {
        const second = gradgradcheck(f, inputs, p.options);
        if (!second.ok) throw new Error(`second order, ${JSON.stringify(d)}\n${second.report}`);
      }
    }),
    { numRuns: Math.round((p.numRuns ?? 20) * RUNS), seed: SEED },
  );
}

export function runNonDifferentiable(p: NonDifferentiableProperty): void {
  fc.assert(
    fc.property(p.cases, (d) => {
      const { inputs, direct, f } = p.build(d);
      expect(inputs.some((x) => x.requiresGrad)).toBe(true);
      const out = direct(...inputs);
      expect(out.node?.op ?? null).toBe(null);
      expect(out.requiresGrad).toBe(false);
      expect(opsInGraph(f(...inputs)).has(p.op)).toBe(false); // not recorded: a constant to the graph
      const r = gradcheck(f, inputs);
      if (!r.ok) throw new Error(`${JSON.stringify(d)}\n${r.report}`);
    }),
    { numRuns: Math.round(15 * RUNS), seed: SEED },
  );
}
