import type { ConvGeometry } from '../../backend.js';
import { type FloatArray, allocate, isFloat } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import type { WasmHeap } from './runtime.js';
import { beginCall, finish, stage, target } from './stage.js';

/** Below this many result elements the TypeScript kernels win (their setup is a few array allocations). */
export const CONV_MIN_SIZE = 256;

/** i32 words of the geometry block the kernels read (assembly/conv.ts). */
const GEO_WORDS = 18;

/**
 * Writes the geometry block of assembly/conv.ts into `heap` and returns its byte offset: the four
 * sizes, four element strides of the strided operand, then kernel, stride, padding, dilation and
 * output size, (h, w) each, then the `extra` words (assembly/max-pool.ts: more strides).
 */
export function writeGeometry(
  heap: WasmHeap,
  sizes: readonly number[],
  strides: readonly number[],
  g: ConvGeometry,
  extra: readonly number[] = [],
): number {
  const words = [...sizes, ...strides, ...g.kernel, ...g.stride, ...g.padding, ...g.dilation, ...g.output, ...extra];
  const ptr = heap.alloc(words.length * 4);
  new Int32Array(heap.viewU8().buffer, ptr, words.length).set(words);
  return ptr;
}

/**
 * im2col in wasm (see Backend.im2col), or undefined when not handled: non-float, empty or small.
 * A copy (plain loads and stores, the padding value rounded to the dtype as a typed-array store
 * rounds it), so bit-identical to the TypeScript kernel. x is staged once with its own strides;
 * the columns are written and copied out a block of images at a time, so the wasm memory holds at
 * most about `chunkElements` of them.
 */
export function wasmIm2col(
  ctx: WasmContext,
  x: NDArray,
  g: ConvGeometry,
  padValue: number,
  into?: NDArray,
): NDArray | undefined {
  const dtype = x.dtype;
  const [n, c] = x.shape as [number, number, number, number];
  const rows = c * g.kernel[0] * g.kernel[1];
  const L = g.output[0] * g.output[1];
  const perImage = rows * L;
  if (!isFloat(dtype) || x.size === 0 || n * perImage < CONV_MIN_SIZE) return undefined;
  const f64 = dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [x, into]);
  const X = stage(heap, x);
  const block = Math.max(1, Math.min(n, Math.floor(ctx.chunkElements / perImage)));
  const geo = writeGeometry(heap, [block, ...x.shape.slice(1)], X.strides, g);
  const o = block === n ? target(heap, into, n * perImage * bytes, [x]) : heap.alloc(block * perImage * bytes);
  const run = f64 ? heap.exports.im2col_f64 : heap.exports.im2col_f32;
  if (block === n) {
    run(geo, X.ptr + X.base * bytes, padValue, o);
    return finish(heap, f64, o, n * perImage, [n, rows, L], into);
  }
  const out = (into === undefined ? allocate(dtype, n * perImage, 'im2col') : into.data) as FloatArray;
  const o0 = into === undefined ? 0 : into.offset;
  const words = new Int32Array(heap.viewU8().buffer, geo, GEO_WORDS);
  for (let b0 = 0; b0 < n; b0 += block) {
    const m = Math.min(block, n - b0);
    words[0] = m;
    run(geo, X.ptr + (X.base + b0 * X.strides[0]!) * bytes, padValue, o);
    const view = f64 ? heap.viewF64() : heap.viewF32();
    out.set(view.subarray(o / bytes, o / bytes + m * perImage), o0 + b0 * perImage);
  }
  return into ?? new NDArray(out, [n, rows, L]);
}

/**
 * col2im in wasm (see Backend.col2im), or undefined when not handled: non-float, empty or small.
 * Bit-identical to the TypeScript kernel: the same zeros and the same sequence of rounded adds into
 * each output element (assembly/conv.ts). The columns are staged with their own strides.
 */
export function wasmCol2im(
  ctx: WasmContext,
  cols: NDArray,
  g: ConvGeometry,
  channels: number,
  height: number,
  width: number,
  into?: NDArray,
): NDArray | undefined {
  const dtype = cols.dtype;
  const n = cols.shape[0]!;
  const size = n * channels * height * width;
  if (!isFloat(dtype) || cols.size === 0 || size === 0 || cols.size < CONV_MIN_SIZE) return undefined;
  const f64 = dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [cols, into]);
  const C = stage(heap, cols);
  const geo = writeGeometry(heap, [n, channels, height, width], [...C.strides, 0], g);
  const o = target(heap, into, size * bytes, [cols]);
  (f64 ? heap.exports.col2im_f64 : heap.exports.col2im_f32)(geo, C.ptr + C.base * bytes, o);
  return finish(heap, f64, o, size, [n, channels, height, width], into);
}
