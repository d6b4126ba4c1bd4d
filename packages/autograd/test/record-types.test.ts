// An op record with a piece missing does not compile (the `@ts-expect-error` lines fail
// `npm run typecheck` if the record's type ever stops requiring them), and a record runs on
// arrays alone: its shape inference and its kernel, with no Tensor.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { type OpRecord, opRecord } from '@chainrule/autograd';

const complete: Omit<OpRecord<Record<string, never>>, 'name'> = {
  infer: (inputs) => inputs[0]!,
  forward: (inputs) => T.neg(inputs[0]!),
  uses: 'none',
  vjp: (g) => [g.neg()],
  formula: { kind: 'elementwise', args: ['x'], out: '-x', d: ['-1'] },
};

describe('the op record type', () => {
  it('requires every piece: shape inference, kernel, rule, saved values and formula', () => {
    const { formula: _f, ...noFormula } = complete;
    const { vjp: _v, ...noVjp } = complete;
    const { infer: _i, ...noInfer } = complete;
    const { uses: _u, ...noUses } = complete;
    // @ts-expect-error a record without its teaching formula
    const a: Omit<OpRecord<Record<string, never>>, 'name'> = noFormula;
    // @ts-expect-error a record without its derivative rule (null, for an op that has none, must be said)
    const b: Omit<OpRecord<Record<string, never>>, 'name'> = noVjp;
    // @ts-expect-error a record without shape inference
    const c: Omit<OpRecord<Record<string, never>>, 'name'> = noInfer;
    // @ts-expect-error a record that does not say which saved values its rule reads
    const d: Omit<OpRecord<Record<string, never>>, 'name'> = noUses;
    // @ts-expect-error an elementwise formula needs one derivative per argument slot (a string or null)
    const e: OpRecord<Record<string, never>>['formula'] = { kind: 'elementwise', args: ['x'], out: '-x', d: [-1] };
    expect([a, b, c, d, e].every((x) => x !== undefined)).toBe(true);
  });
});

describe('a record on arrays alone', () => {
  it('infers the shape and dtype its kernel makes, with no Tensor', () => {
    const x = T.array(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'float64',
    );
    const w = T.array([[1], [0], [-1]], 'float64');
    const cases: [OpRecord<unknown>, T.NDArray[], unknown][] = [
      [opRecord('exp') as OpRecord<unknown>, [T.array([1, 2], 'int32')], {}],
      [opRecord('add') as OpRecord<unknown>, [x, x], {}],
      [opRecord('matmul') as OpRecord<unknown>, [x, w], {}],
      [opRecord('sum') as OpRecord<unknown>, [x], { axes: [1], keepDims: true }],
      [opRecord('reshape') as OpRecord<unknown>, [x], { shape: [3, 2] }],
      [opRecord('cumsum') as OpRecord<unknown>, [x], { axis: 0, reverse: false }],
    ];
    for (const [record, inputs, params] of cases) {
      const meta = record.infer(inputs, params);
      const out = record.forward(inputs, params);
      expect({ shape: [...out.shape], dtype: out.dtype }, record.name).toEqual({
        shape: [...meta.shape],
        dtype: meta.dtype,
      });
    }
    expect(opRecord('matmul').forward([x, w], {}).toArray()).toEqual([[-2], [-2]]);
    expect(opRecord('cumsum').forward([x], { axis: 1, reverse: true }).toArray()).toEqual([
      [6, 5, 3],
      [15, 11, 6],
    ]);
  });
});
