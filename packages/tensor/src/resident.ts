/**
 * Resident memory: storage in a backend's own memory (the wasm backend's linear memory) that its
 * kernels read and write where it is, with no copy in or out. A compiled plan keeps its buffers
 * there. A backend that has such memory says so through `residentMemory`; the others have none.
 */
import type { Backend } from './backend.js';

/** A block of a backend's resident memory (see `ResidentMemory.allocate`). */
export interface ResidentBlock {
  /** The block's size in bytes (a multiple of 64). */
  readonly bytes: number;
  /** Byte offset of the block in `buffer()` (a multiple of 64). */
  readonly byteOffset: number;
  /**
   * The buffer to make the block's views on now, or undefined once the block is gone (freed, or its
   * backend replaced its memory). Views made on an earlier buffer are detached when this changes
   * (the memory grew): make them again, at the same offsets, where the contents still are.
   */
  buffer(): ArrayBufferLike | undefined;
  /** Gives the block back (idempotent); its views must not be used afterwards. */
  free(): void;
}

/** A backend's resident memory. */
export interface ResidentMemory {
  /**
   * A block of at least `bytes`, or undefined where the backend will not keep that much more (its
   * memory would grow past what it retains for good).
   */
  allocate(bytes: number): ResidentBlock | undefined;
  /**
   * Runs `f` with the memory unable to grow, so that no view of a block is detached meanwhile: a
   * kernel call that would need more memory is computed by the backend's fallback instead.
   */
  withoutGrowth<R>(f: () => R): R;
}

const providers = new WeakMap<Backend, ResidentMemory>();

/**
 * The resident memory of `backend`, or undefined when it has none (the TypeScript backend, a
 * backend composed by hand).
 * @example
 * ```ts
 * const memory = residentMemory(getBackend());
 * const block = memory?.allocate(4096);
 * const view = block && new Float32Array(block.buffer()!, block.byteOffset, 1024);
 * ```
 */
export function residentMemory(backend: Backend): ResidentMemory | undefined {
  return providers.get(backend);
}

/**
 * Says that `backend`'s kernels read `memory`'s blocks in place (for a backend built on another,
 * e.g. wasm + BLAS). Returns `backend`.
 * @example
 * ```ts
 * const inner = getBackend();
 * const counting = attachResidentMemory(composeBackend({ name: 'counting' }, inner), residentMemory(inner));
 * residentMemory(counting) === residentMemory(inner); // true
 * ```
 */
export function attachResidentMemory(backend: Backend, memory: ResidentMemory | undefined): Backend {
  if (memory !== undefined) providers.set(backend, memory);
  return backend;
}
