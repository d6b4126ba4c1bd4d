import type { ConvGeometry } from '../../backend.js';
import { isFloat } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import { CONV_MIN_SIZE, writeGeometry } from './conv.js';
import { beginCall, finish, stage, target } from './stage.js';

/**
 * Whether no two windows share a tap and all lie inside the h×w input (no padding, no dilation,
 * stride ≥ kernel): the kernel's one-pass path (assembly/max-pool-disjoint.ts), which reads and
 * writes nothing outside its operands.
 */
export function disjointWindows(g: ConvGeometry, h: number, w: number): boolean {
  return [0, 1].every(
    (a) =>
      g.padding[a] === 0 &&
      g.dilation[a] === 1 &&
      g.stride[a]! >= g.kernel[a]! &&
      (g.output[a]! - 1) * g.stride[a]! + g.kernel[a]! <= [h, w][a]!,
  );
}

/**
 * Max pooling's gradient in wasm (see Backend.maxPoolGrad), or undefined when not handled: mixed
 * or non-float dtypes, empty or small inputs. Bit-identical to the TypeScript kernel (the same
 * counts, the same rounded divisions and the same sequence of rounded adds into each element:
 * assembly/max-pool.ts). All three operands are staged with their own strides, so a broadcast
 * gradient (that of a sum) is not expanded. The result is copied into `into` when given (contiguous,
 * of x's shape and dtype).
 */
export function wasmMaxPoolGrad(
  ctx: WasmContext,
  x: NDArray,
  out: NDArray,
  g: NDArray,
  geometry: ConvGeometry,
  into?: NDArray,
): NDArray | undefined {
  const dtype = x.dtype;
  if (!isFloat(dtype) || out.dtype !== dtype || g.dtype !== dtype) return undefined;
  if (x.size < CONV_MIN_SIZE || out.size === 0) return undefined;
  const f64 = dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [x, out, g, into]);
  const X = stage(heap, x),
    M = stage(heap, out),
    G = stage(heap, g);
  const geo = writeGeometry(heap, x.shape, X.strides, geometry, [...M.strides, ...G.strides]);
  const counts = heap.alloc(geometry.output[0] * geometry.output[1] * bytes);
  // disjoint windows touch nothing past the operands, so a resident `into` is written in place; else
  // 16 bytes of slack: a SIMD row of stride 2 reads and rewrites (unchanged) one element past its last
  // tap, and reads x one past (inside M's block, staged after it; a resident x: the memory after it)
  const o = disjointWindows(geometry, x.shape[2]!, x.shape[3]!)
    ? target(heap, into, x.size * bytes, [x, out, g])
    : heap.alloc(x.size * bytes + 16);
  (f64 ? heap.exports.maxPoolGrad_f64 : heap.exports.maxPoolGrad_f32)(
    geo,
    X.ptr + X.base * bytes,
    M.ptr + M.base * bytes,
    G.ptr + G.base * bytes,
    counts,
    o,
  );
  return finish(heap, f64, o, x.size, x.shape, into);
}

/**
 * Max pooling in wasm (see Backend.maxPool), or undefined when not handled: non-float, empty or
 * small inputs. Bit-identical to the TypeScript kernel (IEEE maximum over each window's taps:
 * assembly/max-pool-forward.ts). x is staged with its own strides; the result goes straight into a
 * resident `out`.
 */
export function wasmMaxPool(ctx: WasmContext, x: NDArray, geometry: ConvGeometry, out?: NDArray): NDArray | undefined {
  const dtype = x.dtype;
  const [oh, ow] = geometry.output;
  const size = x.shape[0]! * x.shape[1]! * oh * ow;
  if (!isFloat(dtype) || x.ndim !== 4 || x.size < CONV_MIN_SIZE || size === 0) return undefined;
  const f64 = dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [x, out]);
  const X = stage(heap, x);
  const geo = writeGeometry(heap, x.shape, X.strides, geometry);
  const o = target(heap, out, size * bytes, [x]);
  (f64 ? heap.exports.maxPool_f64 : heap.exports.maxPool_f32)(geo, X.ptr + X.base * bytes, o);
  return finish(heap, f64, o, size, [x.shape[0]!, x.shape[1]!, oh, ow], out);
}
