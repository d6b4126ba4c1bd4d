/**
 * The `into` arrays of fusedLstmCellBackward and fusedGruCellBackward (one per result): written in
 * place (garbage before, views at an offset of larger buffers) with the bits the kernels give
 * without them, on the reference and the wasm backend, returned, nothing around them touched; a
 * wrong one is a typed error naming the kernel. The sequence layers' backward writes into them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  DTypeError,
  type GruCellGrads,
  type LstmCellGrads,
  Rng,
  createWasmBackend,
  jsBackend,
} from '../src/index.js';
import { type Layout, expectSameIntoFields, garbage, operand } from './out-helpers.js';

const backends: [string, Backend][] = [
  ['reference', jsBackend],
  ['wasm', createWasmBackend(jsBackend, { threads: 1 })],
];
const RUNS = { numRuns: 40, seed: 11 };

describe.each(backends)('%s: cell backward kernels write into into', (_name, be) => {
  const cell = fc.record({
    lead: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 2 }),
    hidden: fc.integer({ min: 1, max: 40 }),
    layout: fc.constantFrom<Layout>('contiguous', 'transposed'),
    dtype: fc.constantFrom<'float32' | 'float64'>('float32', 'float64'),
    seed: fc.integer({ min: 0, max: 10_000 }),
  });
  const check = <V>(arb: fc.Arbitrary<V>, body: (v: V) => void): void => fc.assert(fc.property(arb, body), RUNS);

  it('fusedLstmCellBackward', () => {
    check(cell, ({ lead, hidden, layout, dtype, seed }) => {
      const rng = new Rng(seed);
      const c = operand([...lead, hidden], dtype, rng, layout);
      const planes = jsBackend.fusedLstmCell(operand([...lead, 4 * hidden], dtype, rng), c);
      const grad = operand([2, ...lead, hidden], dtype, rng, layout);
      expectSameIntoFields((into?: LstmCellGrads) => be.fusedLstmCellBackward(grad, planes, c, into));
    });
  });

  it('fusedGruCellBackward', () => {
    check(cell, ({ lead, hidden, layout, dtype, seed }) => {
      const rng = new Rng(seed);
      const hGates = operand([...lead, 3 * hidden], dtype, rng, layout),
        h = operand([...lead, hidden], dtype, rng);
      const planes = jsBackend.fusedGruCell(operand([...lead, 3 * hidden], dtype, rng), hGates, h);
      const grad = operand([...lead, hidden], dtype, rng, layout);
      expectSameIntoFields((into?: GruCellGrads) => be.fusedGruCellBackward(grad, planes, hGates, h, into));
    });
  });

  it('a bad into of a backward cell kernel is a typed error naming it', () => {
    const rng = new Rng(3);
    const c = operand([4, 8], 'float32', rng);
    const planes = jsBackend.fusedLstmCell(operand([4, 32], 'float32', rng), c);
    const grad = operand([2, 4, 8], 'float32', rng);
    const good = { gates: garbage([4, 32], 'float32'), c: garbage([4, 8], 'float32') };
    expect(() => be.fusedLstmCellBackward(grad, planes, c, { ...good, c: garbage([4, 9], 'float32') })).toThrow(
      'fusedLstmCellBackward: out has shape [4,9], expected [4,8]',
    );
    expect(() => be.fusedLstmCellBackward(grad, planes, c, { ...good, gates: garbage([4, 32], 'float64') })).toThrow(
      DTypeError,
    );
  });
});
