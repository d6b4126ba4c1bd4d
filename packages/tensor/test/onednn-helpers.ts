/** What the oneDNN tests share: finding the oneDNN that loads here. */
import { type Blas, loadBlas } from '../src/backends/native/blas.js';
import { ONEDNN_CANDIDATES } from '../src/backends/native/onednn.js';

/** The first oneDNN that loads alone (`libdnnl.so.3`, then `.2`), or why none does (for a skip's title). */
export function firstOnednn(): Blas | { reason: string } {
  if (process.platform !== 'linux') return { reason: 'not Linux' };
  const reasons: string[] = [];
  for (const name of ONEDNN_CANDIDATES) {
    const b = loadBlas(name, process.platform);
    if (!('reason' in b)) return b;
    reasons.push(b.reason);
  }
  return { reason: reasons.join('; ') };
}
