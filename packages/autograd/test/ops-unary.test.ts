// Every unary rule against central differences (first and second order), random shapes, float64.
import { describe, it } from 'vitest';
import { runProperty } from './helpers/properties.js';
import { UNARY_PROPERTIES } from './properties/unary.js';

describe('unary ops: gradcheck and gradgradcheck', () => {
  for (const p of UNARY_PROPERTIES) it(p.op, () => runProperty(p));
});
