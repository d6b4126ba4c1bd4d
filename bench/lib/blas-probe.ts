// Whether a native BLAS loads here (the parent asks before adding the "chainrule BLAS" candidates;
// the children themselves choose by CHAINRULE_BLAS=on or off), and how chainrule set malloc up. The
// BLAS probe loads the library only; mallocNote reads backendInfo() from the package's import.
import { BLAS_ONE_THREAD_WORK, float64Library, loadBlas } from '../../packages/tensor/src/backends/native/blas.js';
import { BLIS_ONE_THREAD_WORK } from '../../packages/tensor/src/backends/native/blis.js';
import { SPLIT_MAX_WORK, SPLIT_MIN_WORK } from '../../packages/tensor/src/backends/native/split.js';
import { backendInfo } from '../../packages/tensor/src/index.js';

/** 2^n written with a superscript exponent, as the tables' notes write sizes. */
function powerOfTwo(x: number): string {
  const digits = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return `2${[...String(Math.log2(x))].map((d) => digits[Number(d)]).join('')}`;
}

let probed: { library: string; reason: null } | { library: null; reason: string } | undefined;

/** The BLAS library chainrule would load (CHAINRULE_BLAS=on), or why there is none. */
export function nativeBlas(): { library: string; reason: null } | { library: null; reason: string } {
  if (probed === undefined) {
    const b = loadBlas(undefined, process.platform);
    probed = 'reason' in b ? { library: null, reason: b.reason } : { library: b.library, reason: null };
  }
  return probed;
}

/** The second library the BLIS columns name (CHAINRULE_BLAS=libblis.so.4), where it loads and is not the default. */
export const BLIS_LIBRARY = 'libblis.so.4';

let blisProbed: { library: string; kernels: string | null; halves: 'always' | 'below' | 'never' } | null | undefined;

/** BLIS where it loads here and the default selection picks another library, else null. */
export function blisBlas(): NonNullable<typeof blisProbed> | null {
  if (blisProbed === undefined) {
    const d = nativeBlas();
    const b = process.platform === 'linux' ? loadBlas(BLIS_LIBRARY, process.platform) : { reason: 'not Linux' };
    blisProbed =
      'reason' in b || b.library === d.library
        ? null
        : {
            library: b.library,
            kernels: b.kernels,
            // split.ts: on two threads the products between SPLIT_MIN_WORK and SPLIT_MAX_WORK, on more below BLIS's own
            halves: b.split === null ? 'never' : b.threads?.max === 2 ? 'always' : 'below',
          };
  }
  return blisProbed;
}

/** The note a table adds about its BLAS columns. */
export function blasNote(): string {
  const b = nativeBlas();
  const blis = blisBlas();
  const found = b.library === null ? null : loadBlas(undefined, process.platform);
  const loaded = found === null || 'reason' in found ? null : found;
  const kernels = loaded?.kernels ?? null;
  const oneThread = loaded === null ? BLAS_ONE_THREAD_WORK : loaded.threads?.oneThreadWork;
  // named only where it is another library than the float32 one (oneDNN's)
  const doubles = loaded === null ? null : float64Library(loaded);
  const float64 = doubles === loaded ? null : doubles;
  return (
    (b.library === null
      ? `chainrule BLAS: skipped (no native BLAS: ${b.reason}).`
      : `chainrule BLAS: CHAINRULE_BLAS=on, matmuls of at least 32³ multiply-adds through ${b.library}` +
        (kernels === null ? '' : ` (${kernels} kernels${float64 === null ? '' : '; float32 only'})`) +
        (float64 === null ? '' : `, its float64 products (none here) through ${float64.library}, loaded beside it`) +
        ', ' +
        (oneThread === undefined
          ? 'on its own threads'
          : `on one thread below ${powerOfTwo(oneThread)} multiply-adds per matrix and on the cores above`) +
        '; the other ' +
        'chainrule columns run with CHAINRULE_BLAS=off.') +
    (blis === null
      ? ' chainrule BLIS: skipped (no BLIS besides it).'
      : ` chainrule BLIS: the same through CHAINRULE_BLAS=${blis.library} (${blis.kernels} kernels), ` +
        (blis.halves === 'never'
          ? `one thread below ${powerOfTwo(BLIS_ONE_THREAD_WORK)} multiply-adds per matrix.`
          : `one thread up to ${powerOfTwo(SPLIT_MIN_WORK)} multiply-adds per matrix, above that two one-thread ` +
            `halves of C, the second on a helper thread (split.ts)` +
            `, from ${powerOfTwo(blis.halves === 'always' ? SPLIT_MAX_WORK : BLIS_ONE_THREAD_WORK)} on ` +
            "BLIS's own threads."))
  );
}

/**
 * The note about malloc: what chainrule set at import (each chainrule child tunes as this process
 * did, from the same environment), or why it left malloc alone.
 */
export function mallocNote(): string {
  const { malloc, mallocReason } = backendInfo();
  return malloc !== null
    ? `Every chainrule column runs with glibc's malloc tuned for tensor buffers at import (${malloc}; ` +
        'CHAINRULE_MALLOC=off would leave it alone).'
    : `chainrule left malloc alone (${mallocReason}).`;
}
