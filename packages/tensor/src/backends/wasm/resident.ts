/**
 * The wasm backend's resident memory (see ../../resident.ts): blocks pinned in the calling thread's
 * plain memory, between the fixed area and the per-call operands, which every kernel call leaves
 * alone (`beginCall` frees only what lies above them). Pinning moves the per-call area up and grows
 * the memory at once by the most one call has used, so that calls the same as before do not grow it
 * again (growth would detach the blocks' views). Blocks are kept only while the memory stays within
 * what the backend retains for good; a heap replaced for growing past that takes its blocks with it.
 */
import type { ResidentBlock, ResidentMemory } from '../../resident.js';
import type { WasmContext } from './context.js';
import { WasmMemoryFull, type WasmHeap, align } from './runtime.js';

interface Pinned {
  readonly heap: WasmHeap;
  readonly offset: number;
  readonly bytes: number;
}

/** The resident memory of the wasm backend on `ctx`. */
export function wasmResidentMemory(ctx: WasmContext): ResidentMemory {
  let pinned: Pinned[] = [];
  /** The live blocks of the current heap, by offset. */
  const live = (): Pinned[] => {
    pinned = pinned.filter((p) => p.heap === ctx.heap);
    return pinned;
  };
  const end = (blocks: readonly Pinned[], heap: WasmHeap): number =>
    blocks.reduce((e, p) => Math.max(e, p.offset + p.bytes), heap.fixedEnd);
  return {
    allocate(bytes: number): ResidentBlock | undefined {
      const heap = ctx.heap;
      if (heap.oversized) return undefined; // replaced when the event loop turns, blocks and all
      const size = align(Math.max(bytes, 1), 64);
      const blocks = live();
      // first fit between the blocks (sorted by offset), else after the last
      let at = heap.fixedEnd;
      for (const p of blocks) {
        if (p.offset - at >= size) break;
        at = Math.max(at, p.offset + p.bytes);
      }
      const top = Math.max(end(blocks, heap), at + size);
      if (top + heap.peak > ctx.retainBytes) return undefined;
      try {
        heap.setBase(top, heap.peak);
      } catch (e) {
        if (e instanceof WasmMemoryFull) return undefined;
        throw e;
      }
      const mine: Pinned = { heap, offset: at, bytes: size };
      pinned = [...blocks, mine].sort((x, y) => x.offset - y.offset);
      let freed = false;
      return {
        bytes: size,
        byteOffset: at,
        buffer: () => (!freed && mine.heap === ctx.heap ? heap.buffer() : undefined),
        free: () => {
          if (freed) return;
          freed = true;
          pinned = pinned.filter((p) => p !== mine);
          if (heap === ctx.heap) heap.setBase(end(live(), heap), 0);
        },
      };
    },
    withoutGrowth<R>(f: () => R): R {
      const heap = ctx.heap;
      const was = heap.growthLocked;
      heap.growthLocked = true;
      try {
        return f();
      } finally {
        heap.growthLocked = was;
      }
    },
  };
}
