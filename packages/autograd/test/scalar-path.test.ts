// The scalar path of the rule table (0-d float operands computed inline) gives exactly what the
// tensor functions give, including NaN, ±Infinity and -0, in float32 and float64.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NDArray, OP_RECORDS, type OpName } from '@chainrule/autograd';

const UNARY: OpName[] = [
  'neg',
  'abs',
  'exp',
  'log',
  'log1p',
  'expm1',
  'sqrt',
  'square',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'relu',
];
const BINARY: OpName[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];

const special = fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, 1e-310, 3.4e38, 1e300);
const value = fc.oneof(fc.double(), special);

function arrays(dtype: 'float32' | 'float64', values: number[]): { scalar: NDArray[]; vector: NDArray[] } {
  const make = (v: number, shape: number[]) =>
    new NDArray(dtype === 'float32' ? Float32Array.of(v) : Float64Array.of(v), shape);
  return { scalar: values.map((v) => make(v, [])), vector: values.map((v) => make(v, [1])) };
}

function agree(op: OpName, values: number[], dtype: 'float32' | 'float64'): void {
  const { scalar, vector } = arrays(dtype, values);
  const forward = OP_RECORDS[op].forward as (inputs: readonly NDArray[], params: unknown) => NDArray;
  const s = forward(scalar, {}),
    v = forward(vector, {});
  expect(s.shape).toEqual([]);
  expect(s.dtype).toBe(v.dtype);
  expect(Object.is(s.item(), v.item()), `${op}(${values.join(', ')}) in ${dtype}: ${s.item()} vs ${v.item()}`).toBe(
    true,
  );
}

describe('the scalar path equals the tensor kernels', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const op of UNARY)
      it(`${op}, ${dtype}`, () =>
        fc.assert(
          fc.property(value, (x) => agree(op, [x], dtype)),
          { seed: 1, numRuns: 200 },
        ));
    for (const op of BINARY)
      it(`${op}, ${dtype}`, () =>
        fc.assert(
          fc.property(value, value, (a, b) => agree(op, [a, b], dtype)),
          { seed: 1, numRuns: 200 },
        ));
  }
});
