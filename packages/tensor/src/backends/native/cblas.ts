/**
 * What chainrule calls of C's `cblas_?gemm`, in one place: the enum values it passes and the
 * signature koffi declares, with typed arrays (blas.ts) or raw addresses (split.ts) for the matrices.
 */

/** CblasRowMajor. */
export const ROW_MAJOR = 101;
/** CblasNoTrans. */
export const NO_TRANS = 111;
/** CblasTrans. */
export const TRANS = 112;

/**
 * koffi's declaration of `cblas_sgemm` (`s`) or `cblas_dgemm` (`d`): the matrices as typed arrays
 * (`array`: A and B read, C read and written), or as `uintptr_t` addresses (`address`).
 */
export function gemmSignature(t: 's' | 'd', matrices: 'array' | 'address'): string {
  const real = t === 's' ? 'float' : 'double';
  const [a, c] = matrices === 'array' ? [`const ${real} *`, `_Inout_ ${real} *`] : ['uintptr_t', 'uintptr_t'];
  return `void cblas_${t}gemm(int, int, int, int, int, int, ${real}, ${a}, int, ${a}, int, ${real}, ${c}, int)`;
}

/** C's `cblas_?gemm` as called here: row-major, C ← A·B with A and B each transposed or not. */
export type Gemm = (
  order: number,
  transA: number,
  transB: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array | Float64Array,
  lda: number,
  b: Float32Array | Float64Array,
  ldb: number,
  beta: number,
  c: Float32Array | Float64Array,
  ldc: number,
) => void;
