// Shape and dtype inference of the records that are never recorded in a graph (the
// non-differentiable ops), against what their kernels make; the differentiable ones are checked
// on every node of every property test (helpers/properties.ts: expectInferAgrees).
import { describe, expect, it } from 'vitest';
import { NDArray, OP_RECORDS, type OpName, type OpRecord } from '@chainrule/autograd';

const arr = (shape: number[], dtype: 'float32' | 'float64' | 'int32' = 'float64'): NDArray => {
  const n = shape.reduce((p, d) => p * d, 1);
  const data =
    dtype === 'float32' ? new Float32Array(n) : dtype === 'float64' ? new Float64Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = ((i * 7) % 5) - 2.5;
  return new NDArray(data, shape);
};

const CASES: [OpName, NDArray[], unknown][] = [
  ['sign', [arr([2, 3])], {}],
  ['floor', [arr([4], 'float32')], {}],
  ['ceil', [arr([])], {}],
  ['round', [arr([2, 1, 3], 'int32')], {}],
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).map((op): [OpName, NDArray[], unknown] => [
    op,
    [arr([2, 3]), arr([2, 3])],
    {},
  ]),
  ['argmax', [arr([3, 4])], { axis: 1, keepDims: false }],
  ['argmax', [arr([3, 4])], { axis: -2, keepDims: true }],
  ['argmin', [arr([3, 4])], { axis: undefined, keepDims: false }],
  ['argmin', [arr([2, 3, 4])], { axis: undefined, keepDims: true }],
  ['argsort', [arr([3, 4])], { axis: 1, descending: false }],
  ['argsort', [arr([], 'int32')], { axis: 0, descending: true }],
];

describe('shape and dtype inference of the non-differentiable records', () => {
  for (const [op, inputs, params] of CASES) {
    const operands = inputs.map((x) => `[${x.shape.join(',')}] ${x.dtype}`).join(', ');
    it(`${op} ${JSON.stringify(params)} on ${operands}`, () => {
      const record = OP_RECORDS[op] as OpRecord<unknown>;
      expect(record.vjp).toBe(null);
      const made = record.forward(inputs, params);
      const meta = record.infer(
        inputs.map((x) => ({ shape: x.shape, dtype: x.dtype })),
        params,
      );
      expect({ shape: [...meta.shape], dtype: meta.dtype }).toEqual({ shape: [...made.shape], dtype: made.dtype });
    });
  }

  it('covers every non-differentiable record', () => {
    const none = (Object.keys(OP_RECORDS) as OpName[]).filter((op) => OP_RECORDS[op].vjp === null);
    expect(new Set(CASES.map(([op]) => op))).toEqual(new Set(none));
  });
});

describe('shape and dtype inference at the edges', () => {
  const b = (shape: number[]) => new NDArray(new Uint8Array(shape.reduce((p, d) => p * d, 1)), shape);
  const f = (shape: number[]) => arr(shape, 'float64');
  const i32 = (shape: number[]) => arr(shape, 'int32');
  const EDGES: [OpName, NDArray[], unknown][] = [
    ['gt', [f([]), f([2])], {}],
    ['eq', [f([3, 1]), f([1, 4])], {}],
    ['sign', [b([3])], {}],
    ['round', [b([2, 2])], {}],
    ['clamp', [i32([3])], { min: 0, max: 0.5 }],
    ['clamp', [b([3])], { min: 0, max: 1 }],
    ['clamp', [i32([3])], { min: -1, max: 1 }],
    ['max', [b([2, 3])], { axes: [1], keepDims: false }],
    ['min', [i32([2, 3])], { axes: [0, 1], keepDims: true }],
    ['sum', [b([2, 3])], { axes: [1], keepDims: false }],
    ['prod', [i32([2, 3])], { axes: [0], keepDims: false }],
    ['exp', [i32([2])], {}],
    ['neg', [b([2])], {}],
    ['cumprod', [b([2, 3])], { axis: 1 }],
    ['cumprod', [i32([])], { axis: 0 }],
    ['diagonal', [f([2, 5, 3])], { offset: -4 }],
  ];
  for (const [op, inputs, params] of EDGES) {
    const shown = inputs.map((x) => `[${x.shape.join(',')}] ${x.dtype}`);
    it(`${op} ${JSON.stringify(params)} on ${shown.join(', ')}`, () => {
      const ins = inputs;
      const record = OP_RECORDS[op] as OpRecord<unknown>;
      const made = record.forward(ins, params);
      const meta = record.infer(
        ins.map((x) => ({ shape: x.shape, dtype: x.dtype })),
        params,
      );
      expect({ shape: [...meta.shape], dtype: meta.dtype }).toEqual({ shape: [...made.shape], dtype: made.dtype });
    });
  }
});
