/**
 * The float32 operands of the browser matmul check (examples/browser/threads-page.ts) and a
 * fingerprint of a result, so the page can report bit-identity compactly.
 */
import { type NDArray, Rng, rand } from '../../packages/tensor/src/index.js';

/** Two n×n float32 matrices in [-1, 1) from a seeded Rng (multiples of 2^-23, exact: the same bits on every engine). */
export function matmulOperands(n: number, seed = 7): [NDArray, NDArray] {
  const rng = new Rng(seed);
  const signed = (): NDArray => rand([n, n], { rng }).mul(2).sub(1);
  return [signed(), signed()];
}

/** FNV-1a (32-bit) over the bytes of the array's elements in row-major order: equal bits, equal fingerprints. */
export function fingerprint(x: NDArray): string {
  const data = x.contiguous().data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
