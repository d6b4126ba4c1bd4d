import type { ActivationGradOp, Backend } from '../../backend.js';
import { NDArray } from '../../ndarray.js';
import { SCALAR_ACTIVATION_GRAD } from '../../scalar-ops.js';
import { composedActivationGrad } from '../compose.js';
import { checkOut } from '../out.js';
import { copy } from './copy.js';
import { binary, compare, unary } from './elementwise.js';

const KERNELS = { unary, binary, compare, copy };

/**
 * g·f′ of an activation in one loop (Backend.activationGrad) for contiguous float operands; other
 * layouts run the unfused ops. Float32 results are rounded (Math.fround) after every op, exactly
 * where the unfused chain stores one, so the bits are the same. Written into `into` when given.
 */
export function activationGrad(op: ActivationGradOp, g: NDArray, saved: NDArray, into?: NDArray): NDArray {
  checkOut('activationGrad', into, g.shape, g.dtype);
  if (!g.isContiguous || !saved.isContiguous) return composedActivationGrad(KERNELS, op, g, saved, into);
  const n = g.size;
  const oo = into === undefined ? 0 : into.offset;
  if (g.dtype === 'float32') {
    const out = into === undefined ? new Float32Array(n) : (into.data as Float32Array);
    loopF32(SCALAR_ACTIVATION_GRAD[op].float32, out, oo, g.data as Float32Array, g.offset, saved, n);
    return into ?? new NDArray(out, [...g.shape]);
  }
  const out = into === undefined ? new Float64Array(n) : (into.data as Float64Array);
  loopF64(SCALAR_ACTIVATION_GRAD[op].float64, out, oo, g.data as Float64Array, g.offset, saved, n);
  return into ?? new NDArray(out, [...g.shape]);
}

// One loop per dtype (a loop over a union of typed arrays runs several times slower), calling
// SCALAR_ACTIVATION_GRAD's formula, which compiled plans' fused loops use too (this reference kernel
// is the fallback: the wasm backend has its own loops).
type Grad = (g: number, v: number) => number;

function loopF32(f: Grad, o: Float32Array, oo: number, g: Float32Array, go: number, s: NDArray, n: number): void {
  const v = s.data as Float32Array,
    so = s.offset;
  for (let i = 0; i < n; i++) o[oo + i] = f(g[go + i]!, v[so + i]!);
}

function loopF64(f: Grad, o: Float64Array, oo: number, g: Float64Array, go: number, s: NDArray, n: number): void {
  const v = s.data as Float64Array,
    so = s.offset;
  for (let i = 0; i < n; i++) o[oo + i] = f(g[go + i]!, v[so + i]!);
}

/** The fused activation-gradient kernel of the reference backend. */
export const activationGradFamily = { activationGrad } satisfies Partial<Backend>;
