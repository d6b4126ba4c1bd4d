/**
 * The transcendental and rounding unary kernels of assembly/unary-math.ts: exp log log1p expm1 tanh
 * sigmoid softplus erf sin cos sign floor ceil round. They port fdlibm, which V8 (and SpiderMonkey)
 * use for Math.exp, Math.log, ..., so their results are bit-identical to the TypeScript backend's,
 * which calls Math.* (checked on every float32 input and on hundreds of millions of float64 ones
 * against Node 20). Engines whose Math.* is not fdlibm (JavaScriptCore and Bun use the system libm;
 * V8 builds with its glibc-derived sin/cos, V8_USE_LIBM_TRIG_FUNCTIONS, as newer Chrome and Node
 * versions may be) would give different bits,
 * so before the first use of one of these kernels, the ports of the Math.* functions it rests on
 * and those probably implemented alike (FAMILIES) are run on PROBE_COUNT probe values each and
 * compared with Math.*; if any disagrees on any value, the whole family stays in TypeScript in
 * this process. A probe cannot prove agreement on every input, but two implementations that differ
 * disagree on a measurable fraction of arguments: glibc 2.36 and fdlibm on 0.016% (log1p), 0.05%
 * (expm1), 0.8% (tanh), 2% (sin, cos), 4.6% (log), 6.4% (exp) of random ones (|x| ≤ 10 and
 * 2^-30 … 2^10); probing a family together catches an engine whose log1p is not fdlibm's through
 * its exp and log. sign, floor, ceil and round are exact on every engine and not probed.
 */
import type { UnaryOp } from '../../backend.js';
import { SCALAR_UNARY } from '../../scalar-ops.js';
import { UNARY_CODES } from './ops.js';
import type { WasmHeap } from './runtime.js';
import { beginCall } from './stage.js';

/** The first code of assembly/unary-math.ts's ops in UNARY_CODES (lower codes are assembly/elementwise.ts's). */
export const FIRST_MATH_CODE = 6;

/**
 * Runs math kernel `code` on `n` contiguous elements at byte offset `x` of `heap`, writing them at
 * `out` (which may equal x). Allocates its scratch from `heap`.
 */
export function runUnaryMath(heap: WasmHeap, code: number, f64: boolean, n: number, x: number, out: number): void {
  const ex = heap.exports;
  const scratch = heap.alloc(ex.unaryMathScratchBytes());
  (f64 ? ex.unaryMath_f64 : ex.unaryMath_f32)(code, n, x, out, scratch);
}

/** How many values the probe compares per op. */
export const PROBE_COUNT = 65536;

let probe: Float64Array | undefined;

/**
 * The probe values: specials (±0, ±∞, NaN, subnormals), the branch thresholds of the fdlibm
 * routines and their neighbours, and a fixed pseudo-random spread over the ranges activations,
 * losses and angles take (|x| up to 1, 8, 40, 800; magnitudes 2^-60 … 2^64; some up to 2^1000).
 */
export function probeValues(): Float64Array {
  if (probe !== undefined) return probe;
  const v = new Float64Array(PROBE_COUNT);
  const ln2 = Math.LN2;
  const fixed = [
    0,
    -0,
    NaN,
    Infinity,
    -Infinity,
    5e-324,
    2.2250738585072014e-308,
    1,
    -1,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    2 ** -28,
    2 ** -54,
    2 ** -29,
    0.5 * ln2,
    1.5 * ln2,
    56 * ln2,
    708,
    709.782712893384,
    709.79,
    -745.13,
    -745.14,
    22,
    3,
    27,
    Math.SQRT2 - 1,
    Math.SQRT1_2 - 1,
    Math.PI / 4,
    (3 * Math.PI) / 4,
    Math.PI / 2,
    2 ** 20 * (Math.PI / 2),
    1e22,
  ];
  let i = 0;
  for (const x of fixed) {
    v[i++] = x;
    if (Number.isFinite(x) && x !== 0) {
      v[i++] = -x;
      v[i++] = x * (1 + 2 ** -52);
      v[i++] = x * (1 - 2 ** -53);
    }
  }
  let s = 0x9e3779b9; // xorshift32
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const scales = [1, 8, 40, 800];
  for (; i < PROBE_COUNT; i++) {
    const kind = (i >> 6) % 8; // runs of 64 of a kind, so that whole blocks take the SIMD paths
    const sign = next() < 0.5 ? -1 : 1;
    if (kind < 4) v[i] = sign * next() * scales[kind]!;
    else if (kind < 7) v[i] = sign * 2 ** (-60 + 124 * next()) * (1 + next());
    else v[i] = sign * 2 ** (1000 * next());
  }
  probe = v;
  return v;
}

/**
 * Whether math kernel `code` (float64) gives exactly `reference`'s bits (NaN matching any NaN) on
 * every probe value. Resets `heap`.
 */
export function probeAgrees(heap: WasmHeap, code: number, reference: (x: number) => number): boolean {
  const xs = probeValues();
  beginCall(heap);
  const p = heap.alloc(xs.length * 8);
  heap.viewF64().set(xs, p / 8);
  runUnaryMath(heap, code, true, xs.length, p, p);
  const got = heap.viewF64().subarray(p / 8, p / 8 + xs.length);
  for (let i = 0; i < xs.length; i++) if (!Object.is(got[i], reference(xs[i]!))) return false;
  return true;
}

/** Kernels that rest on the same Math.* implementations, enabled together when the probed ones agree. */
interface Family {
  /** The Math.* ports, probed. */
  readonly probed: readonly UnaryOp[];
  /** Every op enabled by their agreement (sigmoid, softplus, erf: arithmetic on exp and log1p). */
  readonly ops: readonly UnaryOp[];
}

/** V8's and SpiderMonkey's fdlibm exp, log, log1p, expm1, tanh; and sin, cos, which V8 may take from glibc. */
const FAMILIES: readonly Family[] = [
  {
    probed: ['exp', 'log', 'log1p', 'expm1', 'tanh'],
    ops: ['exp', 'log', 'log1p', 'expm1', 'tanh', 'sigmoid', 'softplus', 'erf'],
  },
  { probed: ['sin', 'cos'], ops: ['sin', 'cos'] },
];

/** IEEE-exact ops: the same bits on every engine. */
const EXACT: ReadonlySet<UnaryOp> = new Set<UnaryOp>(['sign', 'floor', 'ceil', 'round']);

const verdicts = new Map<Family, boolean>();
/** Each op's verdict once known, so a call after the first is one lookup. */
const opVerdicts = new Map<UnaryOp, boolean>();

/**
 * Whether `op`'s wasm kernel agrees with the TypeScript backend on this engine: its family is
 * probed on first use, then remembered for the process (the kernels' code is the same in every
 * instance). Resets `heap` on first use. False for ops without a math kernel.
 */
export function mathKernelAgrees(heap: WasmHeap, op: UnaryOp): boolean {
  const known = opVerdicts.get(op);
  if (known !== undefined) return known;
  const ok = familyAgrees(heap, op);
  opVerdicts.set(op, ok);
  return ok;
}

function familyAgrees(heap: WasmHeap, op: UnaryOp): boolean {
  if (EXACT.has(op)) return true;
  const family = FAMILIES.find((f) => f.ops.includes(op));
  if (family === undefined) return false;
  let ok = verdicts.get(family);
  if (ok === undefined) {
    ok = family.probed.every((member) => probeAgrees(heap, UNARY_CODES[member]!, SCALAR_UNARY[member]));
    verdicts.set(family, ok);
  }
  return ok;
}
