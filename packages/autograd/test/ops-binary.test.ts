// Every binary rule on broadcasting pairs against central differences (first and second order).
import { describe, it } from 'vitest';
import { runProperty } from './helpers/properties.js';
import { BINARY_PROPERTIES } from './properties/binary.js';

describe('binary ops: gradcheck and gradgradcheck on broadcast pairs', () => {
  for (const p of BINARY_PROPERTIES) it(p.op, () => runProperty(p));
});
