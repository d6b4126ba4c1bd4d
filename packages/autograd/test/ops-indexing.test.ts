// The scatter record (torch.scatter and scatter_reduce): gradcheck and gradgradcheck.
import { describe, it } from 'vitest';
import { runProperty } from './helpers/properties.js';
import { INDEXING_PROPERTIES } from './properties/indexing.js';

describe('scatter and scatter_reduce: gradcheck and gradgradcheck', () => {
  for (const p of INDEXING_PROPERTIES) it(p.op, () => runProperty(p));
});
