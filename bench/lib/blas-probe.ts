// Whether a native BLAS loads here (the parent asks before adding the "chainrule BLAS" candidates;
// the children themselves choose by CHAINRULE_BLAS=on or off). Loads the library only: no backend.
import { loadBlas } from '../../packages/tensor/src/backends/native/blas.js';

let probed: { library: string; reason: null } | { library: null; reason: string } | undefined;

/** The BLAS library chainrule would load (CHAINRULE_BLAS=on), or why there is none. */
export function nativeBlas(): { library: string; reason: null } | { library: null; reason: string } {
  if (probed === undefined) {
    const b = loadBlas(undefined, process.platform);
    probed = 'reason' in b ? { library: null, reason: b.reason } : { library: b.library, reason: null };
  }
  return probed;
}

/** The note a table adds about its BLAS columns. */
export function blasNote(): string {
  const b = nativeBlas();
  return b.library === null
    ? `chainrule BLAS: skipped (no native BLAS: ${b.reason}).`
    : `chainrule BLAS: CHAINRULE_BLAS=on, matmuls of at least 32³ multiply-adds through ${b.library} ` +
        '(its own threads: OPENBLAS_NUM_THREADS unset); the other chainrule columns run with CHAINRULE_BLAS=off.';
}
