// matmul (1-D, batched broadcast, transposed views) and the shape and data-movement rules.
import { describe, it } from 'vitest';
import { runProperty } from './helpers/properties.js';
import { CONV_PROPERTIES } from './properties/conv.js';
import { CUSTOM_PROPERTIES } from './properties/custom.js';
import { STRUCTURE_PROPERTIES } from './properties/structure.js';

describe('matmul, shape and data movement: gradcheck and gradgradcheck', () => {
  for (const p of STRUCTURE_PROPERTIES) it(p.op, () => runProperty(p));
});

describe('customOp: a user rule is checked like a built-in one', () => {
  for (const p of CUSTOM_PROPERTIES) it(p.op, () => runProperty(p));
});

describe('sliding windows (unfold, fold): gradcheck and gradgradcheck', () => {
  for (const p of CONV_PROPERTIES) it(p.op, () => runProperty(p));
});
