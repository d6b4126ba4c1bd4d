/**
 * Every op record, by name: the union of the families' tables in ops/defs/. Op names and their
 * parameter types are derived from it; the coverage test and the teaching tools read it. Adding
 * an op to a family's table adds it here.
 */
import { CUSTOM_OPS } from '../custom-op.js';
import type { OpRecord } from '../tensor.js';
import { BINARY_OPS } from './defs/binary.js';
import { CAST_OPS } from './defs/cast.js';
import { DECOMP_OPS } from './defs/decomp.js';
import { INDEXING_OPS } from './defs/indexing.js';
import { LINALG_OPS } from './defs/linalg.js';
import { REARRANGE_OPS } from './defs/rearrange.js';
import { RECURRENT_OPS } from './defs/recurrent.js';
import { RECURRENT_SEQUENCE_OPS } from './defs/recurrent-sequence.js';
import { REDUCE_OPS } from './defs/reduce.js';
import { SCAN_OPS } from './defs/scan.js';
import { SHAPE_OPS } from './defs/shape.js';
import { SORT_OPS } from './defs/sort.js';
import { TRIANGLE_OPS } from './defs/triangle.js';
import { UNARY_OPS } from './defs/unary.js';
import { WINDOW_OPS } from './defs/window.js';

/** Every op's record, by name. */
export const OP_RECORDS = {
  ...CAST_OPS,
  ...UNARY_OPS,
  ...BINARY_OPS,
  ...REDUCE_OPS,
  ...SCAN_OPS,
  ...SORT_OPS,
  ...REARRANGE_OPS,
  ...TRIANGLE_OPS,
  ...SHAPE_OPS,
  ...LINALG_OPS,
  ...DECOMP_OPS,
  ...INDEXING_OPS,
  ...WINDOW_OPS,
  ...RECURRENT_OPS,
  ...RECURRENT_SEQUENCE_OPS,
  ...CUSTOM_OPS,
} as const;

/** The name of every recorded op. */
export type OpName = keyof typeof OP_RECORDS;

/** The parameters each op's node carries, by op name. */
export type OpParams = { [K in OpName]: (typeof OP_RECORDS)[K] extends OpRecord<infer P> ? P : never };

/**
 * The record of op `name`, for tools that read nodes (`node.record` is the same object).
 * @example
 * ```ts
 * opRecord('tanh').formula; // { kind: 'elementwise', args: ['x'], out: 'tanh(x)', d: ['1 - tanh(x)^2'] }
 * ```
 */
export function opRecord<K extends OpName>(name: K): (typeof OP_RECORDS)[K] {
  return OP_RECORDS[name];
}
