/**
 * Elementwise calls over large arrays, block by block: each block of the output (and the same block
 * of every operand, which all have the output's shape) is staged and computed in turn, so the wasm
 * memory holds a few blocks at a time instead of every operand whole. Every element is computed
 * alone by these kernels, so the blocks give the bits the whole call would.
 */
import type { Backend } from '../../backend.js';
import { type DType, allocate } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import { WasmMemoryFull } from './runtime.js';

/** A block: one index for each leading axis, then the range [lo, hi) of the next axis. */
export interface Block {
  readonly lead: readonly number[];
  readonly lo: number;
  readonly hi: number;
}

/**
 * Calls `body` for row-major blocks covering an array of `shape` (at least one element), each of at
 * most `limit` elements where the shape allows it (a block is never smaller than one row of the
 * last axis), in order.
 */
export function forEachBlock(shape: readonly number[], limit: number, body: (block: Block) => void): void {
  if (shape.length === 0) {
    body({ lead: [], lo: 0, hi: 1 });
    return;
  }
  // k: the first axis whose trailing block (the product of the axes after it) fits in `limit`
  let k = 0;
  let inner = 1;
  for (let d = 1; d < shape.length; d++) inner *= shape[d]!;
  while (inner > limit && k < shape.length - 1) {
    k++;
    inner /= shape[k]!;
  }
  const n = shape[k]!;
  const rows = Math.max(1, Math.floor(limit / inner));
  const count = Math.ceil(n / rows);
  const per = Math.ceil(n / count); // blocks of even size, so no tiny last block
  const lead = new Array<number>(k).fill(0);
  for (;;) {
    for (let lo = 0; lo < n; lo += per) body({ lead: [...lead], lo, hi: Math.min(n, lo + per) });
    let d = k - 1;
    for (; d >= 0; d--) {
      if (++lead[d]! < shape[d]!) break;
      lead[d] = 0;
    }
    if (d < 0) return;
  }
}

/** The block of `x` (of the blocked shape): a view. */
export function blockOf(x: NDArray, block: Block): NDArray {
  let v = x;
  for (const i of block.lead) v = v.select(0, i);
  return v.ndim === 0 ? v : v.slice(0, block.lo, block.hi);
}

/** Computes a block of the operands into a block of the output; false where the wasm kernel declines it. */
export type BlockRun = (parts: NDArray[], into: NDArray) => boolean;

/** Computes a block the wasm kernel declined. */
export type BlockFallback = (parts: NDArray[], into: NDArray) => void;

/**
 * Runs an elementwise kernel block by block into `out` (a new contiguous array of `dtype` when not
 * given; a given one must be contiguous), all operands of `out`'s shape. `run` computes the
 * operands' block into the output's block (a contiguous view) and returns false where the wasm
 * kernel declines it, or throws WasmMemoryFull; `fallback` then computes that block.
 */
export function inBlocks(
  op: string,
  dtype: DType,
  out: NDArray | undefined,
  operands: readonly NDArray[],
  limit: number,
  run: BlockRun,
  fallback: BlockFallback,
): NDArray {
  const shape = operands[0]!.shape;
  const result = out ?? new NDArray(allocate(dtype, operands[0]!.size, op), [...shape]);
  forEachBlock(shape, limit, (block) => {
    const parts = operands.map((x) => blockOf(x, block));
    const into = blockOf(result, block);
    let done: boolean;
    try {
      done = run(parts, into);
    } catch (e) {
      if (!(e instanceof WasmMemoryFull)) throw e;
      done = false;
    }
    if (!done) fallback(parts, into);
  });
  return result;
}

/**
 * A fallback for `inBlocks` from a kernel given the block as its `out`: what it returns is the block
 * itself, or (a kernel that ignores `out`) a new array, then copied into place.
 */
export function intoBlock(
  backend: Pick<Backend, 'assign'>,
  compute: (parts: NDArray[], into: NDArray) => NDArray,
): BlockFallback {
  return (parts, into) => {
    const r = compute(parts, into);
    if (r !== into) backend.assign(into, r);
  };
}
