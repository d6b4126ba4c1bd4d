import type { BinaryOp, UnaryOp } from '../../backend.js';
import { type DType, isFloat } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import type { RowsKernel } from './kernel-exports.js';
import { BINARY_CODES, UNARY_CODES } from './ops.js';
import type { WasmHeap } from './runtime.js';
import {
  type Staged,
  beginCall,
  finish,
  inPlace,
  isResident,
  stage,
  stageContiguous,
  stageCopy,
  target,
} from './stage.js';
import { FIRST_MATH_CODE, mathKernelAgrees, runUnaryMath } from './unary-math.js';
import { type Dim, slabLayout } from '../slab-layout.js';

/** Below this many elements the TypeScript kernels win (no copies in and out). */
export const MIN_SIZE = 512;

function isFloatOut(outDtype: DType, out: NDArray | undefined): outDtype is 'float32' | 'float64' {
  if (!isFloat(outDtype)) return false;
  return out === undefined || (out.dtype === outDtype && out.isContiguous);
}

export type { RowsKernel } from './kernel-exports.js';

/**
 * Stages `a` and `b` and runs `kernel` on every rows × cols slab of `dims` (from slabLayout),
 * writing `outBytes` per element contiguously from `out`. Returns false (nothing run) if staging
 * compacted an operand, which these layouts never need.
 */
export function runSlabs(
  heap: WasmHeap,
  a: NDArray,
  b: NDArray,
  dims: readonly Dim[],
  out: number,
  outBytes: number,
  kernel: RowsKernel,
): boolean {
  const bytes = a.dtype === 'float64' ? 8 : 4;
  const A: Staged = stage(heap, a);
  const B: Staged = stage(heap, b);
  // Staged strides equal the view's (inputs are copied by span, never compacted, for these shapes:
  // a broadcast or dense view spans at most its size); guard anyway.
  if (A.strides !== a.strides || B.strides !== b.strides) return false;
  const inner = dims[dims.length - 1]!;
  const cols = inner.size;
  const rowDim = dims.length >= 2 ? dims[dims.length - 2]! : { size: 1, sa: 0, sb: 0 };
  const slab = rowDim.size * cols;
  if (dims.length <= 2) {
    kernel(
      rowDim.size,
      cols,
      A.ptr + A.base * bytes,
      rowDim.sa,
      inner.sa,
      B.ptr + B.base * bytes,
      rowDim.sb,
      inner.sb,
      out,
    );
    return true;
  }
  const outer = dims.slice(0, dims.length - 2);
  const idx = new Array<number>(outer.length).fill(0);
  let ao = A.base,
    bo = B.base;
  for (let s = 0, count = a.size / slab; s < count; s++) {
    kernel(
      rowDim.size,
      cols,
      A.ptr + ao * bytes,
      rowDim.sa,
      inner.sa,
      B.ptr + bo * bytes,
      rowDim.sb,
      inner.sb,
      out + s * slab * outBytes,
    );
    for (let d = outer.length - 1; d >= 0; d--) {
      ao += outer[d]!.sa;
      bo += outer[d]!.sb;
      if (++idx[d]! < outer[d]!.size) break;
      ao -= outer[d]!.sa * outer[d]!.size;
      bo -= outer[d]!.sb * outer[d]!.size;
      idx[d] = 0;
    }
  }
  return true;
}

/**
 * a op b elementwise in wasm (see Backend.binary), or undefined when not handled: ops other than
 * + − × ÷ max min, non-float or mixed dtypes, small arrays, or inner dimensions that are neither
 * contiguous nor broadcast in both inputs (e.g. a transposed operand).
 */
export function wasmBinary(
  ctx: WasmContext,
  op: BinaryOp,
  a: NDArray,
  b: NDArray,
  outDtype: DType,
  out?: NDArray,
): NDArray | undefined {
  const code = BINARY_CODES[op];
  if (code === undefined || !isFloatOut(outDtype, out) || a.dtype !== outDtype || b.dtype !== outDtype)
    return undefined;
  const size = a.size;
  if (size < MIN_SIZE) return undefined;
  const dims = slabLayout(a, b);
  if (dims === undefined) return undefined;
  const f64 = outDtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [a, b, out]);
  const o = target(heap, out, size * bytes, [a, b]);
  const kernel = f64 ? heap.exports.binary_f64 : heap.exports.binary_f32;
  const ran = runSlabs(heap, a, b, dims, o, bytes, (rows, cols, pa, ars, ac, pb, brs, bc, po) =>
    kernel(code, rows, cols, pa, ars, ac, pb, brs, bc, po),
  );
  return ran ? finish(heap, f64, o, size, a.shape, out) : undefined;
}

/**
 * op(x) elementwise in wasm (see Backend.unary), or undefined when not handled: ops without a
 * kernel, a math kernel that disagrees with Math.* on this engine (see unary-math.ts), non-float or
 * mixed dtypes, small or non-contiguous arrays.
 */
export function wasmUnary(
  ctx: WasmContext,
  op: UnaryOp,
  x: NDArray,
  outDtype: DType,
  out?: NDArray,
): NDArray | undefined {
  const code = UNARY_CODES[op];
  if (code === undefined || !isFloatOut(outDtype, out) || x.dtype !== outDtype || x.size < MIN_SIZE) return undefined;
  const math = code >= FIRST_MATH_CODE;
  if (math && !mathKernelAgrees(ctx.heap, op)) return undefined;
  if (!x.isContiguous) return undefined; // the TypeScript kernel walks the view directly
  const f64 = outDtype === 'float64';
  const heap = beginCall(ctx.heap, [x, out]);
  const X = stageContiguous(heap, x);
  const O = target(heap, out, x.size * (f64 ? 8 : 4), [x], isResident(heap, x) ? undefined : X);
  if (math) runUnaryMath(heap, code, f64, x.size, X, O);
  else (f64 ? heap.exports.unary_f64 : heap.exports.unary_f32)(code, x.size, X, O);
  return finish(heap, f64, O, x.size, x.shape, out);
}

/**
 * y ← y + α·x in wasm (see Backend.addScaledInPlace), or false when not handled (other dtypes,
 * small or non-contiguous arrays): x is copied in, y in and back out (a resident y is updated where it is).
 */
export function wasmAddScaledInPlace(ctx: WasmContext, y: NDArray, x: NDArray, alpha: number): boolean {
  const dtype = y.dtype;
  if (!isFloat(dtype) || x.dtype !== dtype || y.size < MIN_SIZE || !y.isContiguous || !x.isContiguous) return false;
  const f64 = dtype === 'float64';
  const heap = beginCall(ctx.heap, [y, x]);
  const X = stageContiguous(heap, x),
    Y = inPlace(heap, y, y.size * (f64 ? 8 : 4), [x]) ?? stageCopy(heap, y);
  (f64 ? heap.exports.axpy_f64 : heap.exports.axpy_f32)(y.size, Y, X, alpha);
  finish(heap, f64, Y, y.size, y.shape, y);
  return true;
}
