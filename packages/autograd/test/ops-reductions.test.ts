// The reduction rules over random axes, keepDims either way (first and second order).
import { describe, it } from 'vitest';
import { runProperty } from './helpers/properties.js';
import { REDUCTION_PROPERTIES } from './properties/reductions.js';

describe('reductions: gradcheck and gradgradcheck', () => {
  for (const p of REDUCTION_PROPERTIES) it(p.op, () => runProperty(p));
});
