/**
 * The bad-input catalogue of autograd (issue 16): a table of wrong calls over the ops (shapes,
 * dtypes, axes, indices, operands of the wrong kind), in-place writes, backward, hooks, grad mode,
 * the functional transforms, customOp, gradcheck and anomaly mode. Each case asserts the error
 * class, that the message starts with the op (`op: ...`) and says what was expected, and that every
 * tensor involved is unchanged (values, shape, dtype, version, requiresGrad, gradient). The cases
 * live in ./catalogue/.
 */
import { describe, expect, it } from 'vitest';
import { advancedIndexingCases } from './catalogue/index-advanced.js';
import { castCases, indexingCases, windowCases } from './catalogue/indexing.js';
import { backwardCases, gradModeCases, inPlaceCases, tensorMethodCases } from './catalogue/graph.js';
import { elementwiseCases, factoryCases, productCases, reductionCases, shapeCases } from './catalogue/ops.js';
import { anomalyCases, customOpCases, functionalCases, gradcheckCases } from './catalogue/transforms.js';
import { rearrangeCases } from './catalogue/rearrange.js';
import { linalgCases } from './catalogue/linalg.js';
import { type Case, snapshot } from './catalogue/types.js';

const TABLES: [string, Case[]][] = [
  ['factories', factoryCases],
  ['elementwise ops', elementwiseCases],
  ['reductions and the softmax family', reductionCases],
  ['shape ops', shapeCases],
  ['matmul and linear', productCases],
  ['indexing', indexingCases],
  ['x.at, indexPut, maskedFill, scatter', advancedIndexingCases],
  ['window ops', windowCases],
  ['scans, sorting, rearrangement', rearrangeCases],
  ['linear algebra, einsum, norms', linalgCases],
  ['casts', castCases],
  ['Tensor methods', tensorMethodCases],
  ['in-place writes', inPlaceCases],
  ['backward and hooks', backwardCases],
  ['grad mode', gradModeCases],
  ['functional transforms', functionalCases],
  ['customOp', customOpCases],
  ['gradcheck', gradcheckCases],
  ['anomaly mode', anomalyCases],
];

describe('bad-input catalogue', () => {
  it('has at least 100 cases, each named once', () => {
    const names = TABLES.flatMap(([table, cases]) => cases.map((c) => `${table}: ${c.name}`));
    expect(names.length).toBeGreaterThanOrEqual(100);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const [table, cases] of TABLES) {
    describe(table, () => {
      for (const c of cases) {
        it(c.name, () => {
          const { watch, call } = c.setup();
          const before = watch.map(snapshot);
          let error: unknown = null;
          try {
            call();
          } catch (e) {
            error = e;
          }
          expect(error, 'the call was accepted').not.toBeNull();
          expect(error).toBeInstanceOf(c.error);
          const message = (error as Error).message;
          expect(message.startsWith(`${c.op}: `), `"${message}" does not start with "${c.op}: "`).toBe(true);
          if (typeof c.message === 'string') expect(message).toContain(c.message);
          else expect(message).toMatch(c.message);
          expect(watch.map(snapshot)).toEqual(before);
        });
      }
    });
  }
});
