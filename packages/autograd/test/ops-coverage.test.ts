// Every entry of the rule table has a property test, and each test agrees with the table on
// whether the op is differentiable. A new op without a test fails here.
import { describe, expect, it } from 'vitest';
import { OP_RECORDS, type OpName } from '@chainrule/autograd';
import { BINARY_PROPERTIES } from './properties/binary.js';
import { CONV_PROPERTIES } from './properties/conv.js';
import { CUSTOM_PROPERTIES } from './properties/custom.js';
import { DECOMP_PROPERTIES } from './properties/decomp.js';
import { INDEXING_PROPERTIES } from './properties/indexing.js';
import { LINEAR_PROPERTIES } from './properties/linear.js';
import { NON_DIFFERENTIABLE_PROPERTIES } from './properties/non-differentiable.js';
import { REARRANGEMENT_NON_DIFFERENTIABLE, REARRANGEMENT_PROPERTIES } from './properties/rearrangement.js';
import { RECURRENT_PROPERTIES } from './properties/recurrent.js';
import { RECURRENT_SEQUENCE_PROPERTIES } from './properties/recurrent-sequence.js';
import { REDUCTION_PROPERTIES } from './properties/reductions.js';
import { STRUCTURE_PROPERTIES } from './properties/structure.js';
import { UNARY_PROPERTIES } from './properties/unary.js';

const differentiable = [
  ...UNARY_PROPERTIES,
  ...BINARY_PROPERTIES,
  ...REDUCTION_PROPERTIES,
  ...REARRANGEMENT_PROPERTIES,
  ...STRUCTURE_PROPERTIES,
  ...LINEAR_PROPERTIES,
  ...CONV_PROPERTIES,
  ...CUSTOM_PROPERTIES,
  ...DECOMP_PROPERTIES,
  ...INDEXING_PROPERTIES,
  ...RECURRENT_PROPERTIES,
  ...RECURRENT_SEQUENCE_PROPERTIES,
].map((p) => p.op);
const nonDifferentiable = [...NON_DIFFERENTIABLE_PROPERTIES, ...REARRANGEMENT_NON_DIFFERENTIABLE].map((p) => p.op);

describe('rule table coverage', () => {
  const ops = Object.keys(OP_RECORDS) as OpName[];

  it('every op record has a property test', () => {
    const tested = new Set([...differentiable, ...nonDifferentiable]);
    expect(ops.filter((op) => !tested.has(op))).toEqual([]);
  });

  it('no property test names an op the table lacks, and none is tested twice', () => {
    const all = [...differentiable, ...nonDifferentiable];
    expect(all.filter((op) => !(op in OP_RECORDS))).toEqual([]);
    expect(all.filter((op, i) => all.indexOf(op) !== i)).toEqual([]);
  });

  it('the tests agree with the table on which ops are differentiable', () => {
    expect(differentiable.filter((op) => OP_RECORDS[op].vjp === null)).toEqual([]);
    expect(nonDifferentiable.filter((op) => OP_RECORDS[op].vjp !== null)).toEqual([]);
  });
});
