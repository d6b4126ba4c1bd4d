import type { ActivationGradOp, Backend } from '../../backend.js';
import { NDArray } from '../../ndarray.js';
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
    const gd = g.data as Float32Array,
      sd = saved.data as Float32Array;
    if (op === 'sigmoid') sigmoidF32(out, oo, gd, g.offset, sd, saved.offset, n);
    else if (op === 'tanh') tanhF32(out, oo, gd, g.offset, sd, saved.offset, n);
    else reluF32(out, oo, gd, g.offset, sd, saved.offset, n);
    return into ?? new NDArray(out, [...g.shape]);
  }
  const out = into === undefined ? new Float64Array(n) : (into.data as Float64Array);
  const gd = g.data as Float64Array,
    sd = saved.data as Float64Array;
  if (op === 'sigmoid') sigmoidF64(out, oo, gd, g.offset, sd, saved.offset, n);
  else if (op === 'tanh') tanhF64(out, oo, gd, g.offset, sd, saved.offset, n);
  else reluF64(out, oo, gd, g.offset, sd, saved.offset, n);
  return into ?? new NDArray(out, [...g.shape]);
}

// One monomorphic loop per dtype (a loop over a union of typed arrays runs several times slower).

// d σ = σ(1 − σ): the float32 chain stores 1 − y, then y·(1 − y), then the product with g
function sigmoidF32(
  o: Float32Array,
  oo: number,
  g: Float32Array,
  go: number,
  y: Float32Array,
  yo: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const v = y[yo + i]!;
    o[oo + i] = g[go + i]! * Math.fround(v * Math.fround(1 - v));
  }
}

function sigmoidF64(
  o: Float64Array,
  oo: number,
  g: Float64Array,
  go: number,
  y: Float64Array,
  yo: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const v = y[yo + i]!;
    o[oo + i] = g[go + i]! * (v * (1 - v));
  }
}

// d tanh = 1 − tanh²: the float32 chain stores y², then 1 − y², then the product with g
function tanhF32(
  o: Float32Array,
  oo: number,
  g: Float32Array,
  go: number,
  y: Float32Array,
  yo: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const v = y[yo + i]!;
    o[oo + i] = g[go + i]! * Math.fround(1 - Math.fround(v * v));
  }
}

function tanhF64(
  o: Float64Array,
  oo: number,
  g: Float64Array,
  go: number,
  y: Float64Array,
  yo: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const v = y[yo + i]!;
    o[oo + i] = g[go + i]! * (1 - v * v);
  }
}

// d relu = [x > 0]: a multiply by 1 or 0 (exact in either dtype), as g·cast(x > 0) gives
function reluF32(
  o: Float32Array,
  oo: number,
  g: Float32Array,
  go: number,
  x: Float32Array,
  xo: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) o[oo + i] = g[go + i]! * (x[xo + i]! > 0 ? 1 : 0);
}

function reluF64(
  o: Float64Array,
  oo: number,
  g: Float64Array,
  go: number,
  x: Float64Array,
  xo: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) o[oo + i] = g[go + i]! * (x[xo + i]! > 0 ? 1 : 0);
}

/** The fused activation-gradient kernel of the reference backend. */
export const activationGradFamily = { activationGrad } satisfies Partial<Backend>;
