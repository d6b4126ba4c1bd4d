// sign, floor, ceil, round, comparisons, argmax/argmin: no grad, constants to the graph.
import { describe, it } from 'vitest';
import { runNonDifferentiable } from './helpers/properties.js';
import { NON_DIFFERENTIABLE_PROPERTIES } from './properties/non-differentiable.js';

describe('non-differentiable ops', () => {
  for (const p of NON_DIFFERENTIABLE_PROPERTIES)
    it(`${p.op}: result needs no grad, acts as a constant`, () => runNonDifferentiable(p));
});
