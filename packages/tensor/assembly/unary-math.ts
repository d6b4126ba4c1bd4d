// The transcendental and rounding unary kernels, generic over f32 / f64, bit-identical to the
// TypeScript backend (src/scalar-ops.ts, src/scalar-math.ts): each element is computed in
// f64 with the fdlibm ports V8 uses for Math.* and, for f32, rounded once on the way out.
// exp, expm1, tanh, sigmoid, log, log1p, softplus and erf run as f64x2 pairs (fdlibm-exp-simd.ts,
// fdlibm-log-simd.ts, erf.ts) where all lanes are on the common path, and the scalar ports otherwise;
// float32 tanh and sigmoid take f32-activations.ts's shorter polynomial where it vouches for the same bits.
import { fdExp, fdExpm1, fdTanh } from './fdlibm-exp';
import { fdLog, fdLog1p } from './fdlibm-log';
import { fdCos, fdSin } from './fdlibm-trig';
import { expCovers, expm1Covers, expm1Vec, expVec, sigmoidVec, tanhCovers, tanhVec } from './fdlibm-exp-simd';
import { erf, erfCovers, erfVec4 } from './erf';
import { log1pCovers, log1pVec, logCovers, logVec, softplusCovers, softplusVec } from './fdlibm-log-simd';
import { fastBlockF32 } from './f32-activations';
import { demote2, promoteHigh, promoteLow } from './f64x2-ops';

/** Unary op codes (keep in sync with UNARY_CODES in src/backends/wasm/ops.ts; 0–5 are elementwise.ts's). */
export const EXP = 6, LOG = 7, LOG1P = 8, EXPM1 = 9, TANH = 10, SIGMOID = 11, SOFTPLUS = 12, ERF = 13,
  SIN = 14, COS = 15, SIGN = 16, FLOOR = 17, CEIL = 18, ROUND = 19;

/** σ(x) = 1/(1 + e^-x) for x ≥ 0, e^x/(1 + e^x) below: scalar-math.ts's sigmoid. */
function sigmoid(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + fdExp(-x));
  const e = fdExp(x);
  return e / (1.0 + e);
}

/** max(x, 0) + log1p(e^-|x|): scalar-math.ts's softplus. */
function softplus(x: f64): f64 {
  return max<f64>(x, 0.0) + fdLog1p(fdExp(-abs(x)));
}

/** One element of `op` (EXP … COS) in f64 (`scratch`: for sin and cos, see unaryMath). */
// @ts-expect-error: decorator
@inline function scalarOp(op: i32, x: f64, scratch: usize): f64 {
  if (op == EXP) return fdExp(x);
  if (op == LOG) return fdLog(x);
  if (op == LOG1P) return fdLog1p(x);
  if (op == EXPM1) return fdExpm1(x);
  if (op == TANH) return fdTanh(x);
  if (op == SIGMOID) return sigmoid(x);
  if (op == SOFTPLUS) return softplus(x);
  if (op == ERF) return erf(x);
  if (op == SIN) return fdSin(x, scratch);
  return fdCos(x, scratch); // COS (sign, floor, ceil and round go through runExact)
}

/** Whether the two-lane version of `op` covers both lanes of v (op ∈ EXP … ERF). */
// @ts-expect-error: decorator
@inline function covers(op: i32, v: v128): bool {
  if (op == EXPM1) return expm1Covers(v);
  if (op == TANH) return tanhCovers(v);
  if (op == LOG) return logCovers(v);
  if (op == LOG1P) return log1pCovers(v);
  if (op == SOFTPLUS) return softplusCovers(v);
  if (op == ERF) return erfCovers(v);
  return expCovers(v); // EXP, SIGMOID (e^-|x|)
}

/** The two-lane version of `op` (op ∈ EXP … SOFTPLUS; erf goes four pairs at a time, erfVec4). */
// @ts-expect-error: decorator
@inline function vecOp(op: i32, v: v128): v128 {
  if (op == EXP) return expVec(v);
  if (op == EXPM1) return expm1Vec(v);
  if (op == TANH) return tanhVec(v);
  if (op == LOG) return logVec(v);
  if (op == LOG1P) return log1pVec(v);
  if (op == SOFTPLUS) return softplusVec(v);
  return sigmoidVec(v);
}

/** One element through the scalar port: T → f64 → op → T. */
// @ts-expect-error: decorator
@inline function scalarAt<T>(op: i32, x: usize, out: usize, j: i32, scratch: usize): void {
  const o = <usize>j * sizeof<T>();
  store<T>(out + o, <T>scalarOp(op, <f64>load<T>(x + o), scratch));
}

/**
 * Eight elements at a time as four f64x2 (four independent dependency chains keep the core busy:
 * about 1.6x faster than one) where all lanes are covered, the scalar port elsewhere.
 */
// @ts-expect-error: decorator
@inline function runVec<T>(op: i32, n: i32, x: usize, out: usize, scratch: usize): void {
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const o = <usize>j * sizeof<T>();
    let v0: v128, v1: v128, v2: v128, v3: v128;
    if (sizeof<T>() == 8) {
      v0 = v128.load(x + o); v1 = v128.load(x + o, 16); v2 = v128.load(x + o, 32); v3 = v128.load(x + o, 48);
    } else {
      const a = v128.load(x + o), b = v128.load(x + o, 16);
      v0 = promoteLow(a); v1 = promoteHigh(a); v2 = promoteLow(b); v3 = promoteHigh(b);
    }
    if (covers(op, v0) && covers(op, v1) && covers(op, v2) && covers(op, v3)) {
      let r0: v128, r1: v128, r2: v128, r3: v128;
      if (op == ERF) {
        erfVec4(v0, v1, v2, v3, scratch); // its loop runs the four chains together
        r0 = v128.load(scratch); r1 = v128.load(scratch, 16); r2 = v128.load(scratch, 32); r3 = v128.load(scratch, 48);
      } else {
        r0 = vecOp(op, v0); r1 = vecOp(op, v1); r2 = vecOp(op, v2); r3 = vecOp(op, v3);
      }
      if (sizeof<T>() == 8) {
        v128.store(out + o, r0); v128.store(out + o, r1, 16); v128.store(out + o, r2, 32); v128.store(out + o, r3, 48);
      } else {
        v128.store(out + o, demote2(r0, r1)); v128.store(out + o, demote2(r2, r3), 16);
      }
    } else {
      for (let i = 0; i < 8; i++) scalarAt<T>(op, x, out, j + i, scratch);
    }
  }
  for (; j < n; j++) scalarAt<T>(op, x, out, j, scratch);
}

/**
 * float32 sigmoid or tanh (`op`: SIGMOID or TANH): sixteen elements at a time through
 * f32-activations.ts where it vouches for the bits, the fdlibm path (runVec) elsewhere.
 */
// @ts-expect-error: decorator
@inline function runFastF32(op: i32, n: i32, x: usize, out: usize, scratch: usize): void {
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const o = <usize>j * 4;
    if (!fastBlockF32(op == TANH, x + o, out + o)) runVec<f32>(op, 16, x + o, out + o, scratch);
  }
  runVec<f32>(op, n - j, x + <usize>j * 4, out + <usize>j * 4, scratch);
}

/** Every element through the scalar port. */
// @ts-expect-error: decorator
@inline function runScalar<T>(op: i32, n: i32, x: usize, out: usize, scratch: usize): void {
  for (let j = 0; j < n; j++) scalarAt<T>(op, x, out, j, scratch);
}

/** sign, floor, ceil, round in T directly (exact: their results are representable in T). */
// @ts-expect-error: decorator
@inline function runExact<T>(op: i32, n: i32, x: usize, out: usize): void {
  const sz = <usize>sizeof<T>();
  const L = 16 / <i32>sz;
  let j = 0;
  for (; j + L <= n; j += L) {
    const o = <usize>j * sz;
    const v = v128.load(x + o);
    let r: v128;
    if (op == FLOOR) r = v128.floor<T>(v);
    else if (op == CEIL) r = v128.ceil<T>(v);
    else if (op == ROUND) r = v128.nearest<T>(v);
    else {
      r = v128.bitselect(v128.splat<T>(<T>1), v, v128.gt<T>(v, v128.splat<T>(<T>0)));
      r = v128.bitselect(v128.splat<T>(<T>-1), r, v128.lt<T>(v, v128.splat<T>(<T>0)));
    }
    v128.store(out + o, r);
  }
  for (; j < n; j++) {
    const o = <usize>j * sz;
    const v = load<T>(x + o);
    let r: T;
    if (op == FLOOR) r = floor<T>(v);
    else if (op == CEIL) r = ceil<T>(v);
    else if (op == ROUND) r = nearest<T>(v);
    else r = v > <T>0 ? <T>1 : v < <T>0 ? <T>-1 : v;
    store<T>(out + o, r);
  }
}

/**
 * out[j] = op(x[j]) for n contiguous elements (out may equal x), op one of the codes above.
 * `scratch`: TRIG_SCRATCH_BYTES (640) bytes of memory, for sin and cos's argument reduction and
 * erf's four results.
 */
export function unaryMath<T>(op: i32, n: i32, x: usize, out: usize, scratch: usize): void {
  switch (op) {
    case EXP: runVec<T>(EXP, n, x, out, scratch); break;
    case EXPM1: runVec<T>(EXPM1, n, x, out, scratch); break;
    case TANH:
      if (sizeof<T>() == 4) runFastF32(TANH, n, x, out, scratch);
      else runVec<T>(TANH, n, x, out, scratch);
      break;
    case SIGMOID:
      if (sizeof<T>() == 4) runFastF32(SIGMOID, n, x, out, scratch);
      else runVec<T>(SIGMOID, n, x, out, scratch);
      break;
    case LOG: runVec<T>(LOG, n, x, out, scratch); break;
    case LOG1P: runVec<T>(LOG1P, n, x, out, scratch); break;
    case SOFTPLUS: runVec<T>(SOFTPLUS, n, x, out, scratch); break;
    case ERF: runVec<T>(ERF, n, x, out, scratch); break;
    case SIN: runScalar<T>(SIN, n, x, out, scratch); break;
    case COS: runScalar<T>(COS, n, x, out, scratch); break;
    case SIGN: runExact<T>(SIGN, n, x, out); break;
    case FLOOR: runExact<T>(FLOOR, n, x, out); break;
    case CEIL: runExact<T>(CEIL, n, x, out); break;
    default: runExact<T>(ROUND, n, x, out); break;
  }
}
