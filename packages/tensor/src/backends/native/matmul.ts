/**
 * The matmul kernel on a native BLAS: each matrix of a (broadcast) batch is one gemm call
 * (`cblas_?gemm`, oneDNN's `dnnl_sgemm`) on the arrays' own storage, transposed views included,
 * with no copy; a layout gemm cannot describe (a broadcast row, a strided view) is copied first.
 * Products smaller than `BLAS_MIN_WORK` multiply-adds go to the WebAssembly kernel, which is faster
 * below the call cost, and so do float64 products where the library has no float64 gemm and no
 * `float64` library to hand them to (`float64Library`). Where the library's thread count can be set
 * (OpenBLAS, BLIS, oneDNN's OpenMP threads), gemms below its `oneThreadWork` run on one thread.
 * BLIS products above `SPLIT_MIN_WORK` run as two halves on two threads instead (split.ts): where
 * BLIS is to run on two (two cores, or `BLIS_NUM_THREADS=2`) up to `SPLIT_MAX_WORK`, on more only
 * below `oneThreadWork` (above either, BLIS's own threads); a C too narrow to cut runs whole.
 * oneDNN products with B transposed on two or more of its OpenMP threads run on its matmul primitive
 * where it runs them faster (`primitiveTakes`, onednn-matmul.ts); the others (all of them with
 * oneDNN 3, which has none) from `ONEDNN_SPLIT_MIN_WORK` on as halves where its threads are two
 * (onednn.ts says why).
 */
import type { Backend } from '../../backend.js';
import { type DType, allocate, checkAllocation } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import { type Blas, float64Library } from './blas.js';
import { NO_TRANS, ROW_MAJOR, TRANS } from './cblas.js';
import { ONEDNN_SPLIT_MIN_WORK } from './onednn.js';
import { primitiveTakes } from './onednn-matmul.js';
import { SPLIT_MAX_WORK, SPLIT_MIN_WORK, type SplitGemm, canCut } from './split.js';

/** m·n·k below which a product stays on the fallback kernel. */
export const BLAS_MIN_WORK = 32 * 32 * 32;

/** How gemm reads one matrix view: transposed or not, and its leading dimension; null if it cannot. */
function layout(rows: number, cols: number, rs: number, cs: number): { trans: number; ld: number } | null {
  if ((cols === 1 || cs === 1) && (rows === 1 || rs >= cols)) return { trans: NO_TRANS, ld: rows === 1 ? cols : rs };
  if ((rows === 1 || rs === 1) && (cols === 1 || cs >= rows)) return { trans: TRANS, ld: cols === 1 ? rows : cs };
  return null;
}

/**
 * Whether a product with an m×n C, `work` multiply-adds per matrix, B read transposed or not
 * (`transB`), runs as two halves (see the file comment).
 */
function twoHalves(blas: Blas, m: number, n: number, work: number, transB: number): boolean {
  const threads = blas.threads;
  if (blas.split === null || threads === null || threads.max < 2 || !canCut(m, n)) return false;
  if (blas.split.dialect === 'dnnl') return threads.max === 2 && transB === TRANS && work >= ONEDNN_SPLIT_MIN_WORK;
  if (work <= SPLIT_MIN_WORK) return false;
  return work < (threads.max === 2 ? SPLIT_MAX_WORK : threads.oneThreadWork);
}

type View = Float32Array | Float64Array;

/** Node's Buffer, where there is one (its storage is malloc's, not zero-filled). */
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(bytes: number): Uint8Array } }).Buffer;

/**
 * A float array of `size` elements for a gemm result, not zero-filled where Node's Buffer can give
 * it (every element is then written by gemm, which with beta 0 never reads C): the zero fill of a
 * fresh Float32Array costs a 512³ product about 4% here. `allocate`'s array and errors otherwise.
 */
function unfilled(dtype: 'float32' | 'float64', size: number): View {
  if (NodeBuffer === undefined || size === 0) return allocate(dtype, size, 'matmul') as View;
  checkAllocation('matmul', dtype, size);
  const bytes = dtype === 'float32' ? 4 : 8;
  let storage: Uint8Array;
  try {
    storage = NodeBuffer.allocUnsafeSlow(size * bytes);
  } catch {
    return allocate(dtype, size, 'matmul') as View; // its error, naming the size
  }
  const { buffer, byteOffset } = storage;
  return dtype === 'float32' ? new Float32Array(buffer, byteOffset, size) : new Float64Array(buffer, byteOffset, size);
}

/** One matrix's gemm through `split`; false where it is too narrow to cut (the caller runs it whole). */
function runSplit(
  split: SplitGemm,
  f64: boolean,
  la: { trans: number; ld: number },
  lb: { trans: number; ld: number },
  m: number,
  n: number,
  k: number,
  a: View,
  b: View,
  c: View,
): boolean {
  const call = { transA: la.trans, transB: lb.trans, m, n, k, lda: la.ld, ldb: lb.ld, ldc: n };
  return split.run({ ...call, a: split.address(a), b: split.address(b), c: split.address(c) }, f64);
}

/** A matmul kernel that runs large float products on `blas` and everything else on `fallback`. */
export function blasMatmul(blas: Blas, fallback: Backend['matmul']): Backend['matmul'] {
  const doubles = float64Library(blas);
  return (a: NDArray, b: NDArray, outDtype: DType, out?: NDArray): NDArray => {
    const r = a.ndim;
    const m = a.shape[r - 2]!;
    const k = a.shape[r - 1]!;
    const n = b.shape[r - 1]!;
    const lib = outDtype === 'float32' ? blas : outDtype === 'float64' ? doubles : null;
    const batch = a.shape.slice(0, -2);
    const count = batch.reduce((p, d) => p * d, 1);
    // the whole call decides (not each matrix), so a batch and the same rows in one product agree
    if (lib === null || a.dtype !== outDtype || b.dtype !== outDtype || count * m * n * k < BLAS_MIN_WORK)
      return fallback(a, b, outDtype, out);
    const gemm = outDtype === 'float32' ? lib.sgemm : lib.dgemm!; // float64Library's has a dgemm
    let A = a;
    let B = b;
    let la = layout(m, k, a.strides[r - 2]!, a.strides[r - 1]!);
    if (la === null) {
      A = a.contiguous();
      la = { trans: NO_TRANS, ld: k };
    }
    let lb = layout(k, n, b.strides[r - 2]!, b.strides[r - 1]!);
    if (lb === null) {
      B = b.contiguous();
      lb = { trans: NO_TRANS, ld: n };
    }
    const data =
      out !== undefined
        ? (out.data as Float32Array | Float64Array).subarray(out.offset, out.offset + count * m * n)
        : unfilled(outDtype as 'float32' | 'float64', count * m * n); // a float: lib is null otherwise
    const threads = lib.threads;
    const work = m * n * k;
    const f64 = outDtype === 'float64';
    // A·Bᵀ on two or more of oneDNN's threads: its matmul primitive where it runs it faster
    const abt = !f64 && la.trans === NO_TRANS && lb.trans === TRANS && primitiveTakes(m, n, k);
    const primitive = abt && threads !== null && work >= threads.oneThreadWork ? lib.primitive : null;
    const split = primitive === null && twoHalves(lib, m, n, work, lb.trans) ? lib.split : null;
    const used = threads === null || split !== null || work < threads.oneThreadWork ? 1 : threads.max;
    if (primitive === null) threads?.use(used); // (the primitive sets it itself)
    const index = new Array<number>(batch.length).fill(0);
    // one hold of the library's signal hold (oneDNN's: signals.ts) for all of a batch's gemms
    lib.hold?.hold();
    try {
      for (let i = 0; i < count; i++) {
        let oa = A.offset;
        let ob = B.offset;
        for (let d = 0; d < batch.length; d++) {
          oa += index[d]! * A.strides[d]!;
          ob += index[d]! * B.strides[d]!;
        }
        // (views only where needed: each costs a typed array, a tenth of a 64³ product's time here)
        const av = (oa === 0 ? A.data : A.data.subarray(oa)) as View;
        const bv = (ob === 0 ? B.data : B.data.subarray(ob)) as View;
        const cv = count === 1 ? data : data.subarray(i * m * n, (i + 1) * m * n); // data: exactly count·m·n
        const ran =
          primitive?.abt(m, n, k, av as Float32Array, la.ld, bv as Float32Array, lb.ld, cv as Float32Array, n, used) ===
          true;
        if (!ran && (split === null || !runSplit(split, f64, la, lb, m, n, k, av, bv, cv)))
          gemm(ROW_MAJOR, la.trans, lb.trans, m, n, k, 1, av, la.ld, bv, lb.ld, 0, cv, n);
        for (let d = batch.length - 1; d >= 0; d--) {
          if (++index[d]! < batch[d]!) break;
          index[d] = 0;
        }
      }
    } finally {
      lib.hold?.release();
    }
    return out ?? new NDArray(data, [...batch, m, n]);
  };
}
