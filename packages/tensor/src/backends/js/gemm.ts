import type { FloatArray } from '../../dtype.js';

/** One matrix operand: element (i, j) is data[offset + i*rowStride + j*colStride]. */
export interface GemmOperand {
  readonly data: FloatArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

// Register tile (MR×NR accumulators held in locals) and cache blocks.
// KC×NR of packed B (16 KiB) stays in L1 while the MC/MR row panels of A stream past it;
// the MC×KC block of packed A (256 KiB) stays in L2.
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 128;
const NC = 1024;

// Scratch reused between calls (JS is single-threaded, and gemm never re-enters itself).
// A and B share one buffer: the micro-kernel then reads a single typed array, which V8 checks once
// per iteration instead of twice (measurably faster). A's block is at [0, B0), B's block after it.
const B0 = MC * KC;
const pack = new Float64Array(B0 + KC * NC);
let acc = new Float64Array(0);

/**
 * C = A·B for an m×k A and a k×n B, written row-major into c[cOffset ..] (overwrites).
 * Transposed operands are just other strides.
 *
 * Blocked GotoBLAS-style: panels of A and B are packed into contiguous float64 scratch and a
 * 4×4 register-tiled micro-kernel accumulates in float64. Every output element is the float64
 * sum of a[i,p]·b[p,j] for p = 0, 1, …, k-1 in that order, starting from 0, rounded once into `c`
 * — exactly what a naive triple loop computing in float64 gives, independent of blocking.
 * NaN and Infinity propagate (no zero skipping).
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: GemmOperand,
  b: GemmOperand,
  c: FloatArray,
  cOffset: number,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    c.fill(0, cOffset, cOffset + m * n);
    return;
  }
  if (m * n * k <= 512 || m < 2 || n < 2) {
    gemmSmall(m, n, k, a, b, c, cOffset);
    return;
  }
  const mPad = roundUp(m, MR);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    const ncPad = roundUp(nc, NR);
    const accLen = mPad * ncPad;
    if (acc.length < accLen) acc = new Float64Array(accLen);
    acc.fill(0, 0, accLen);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelsB(b, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanelsA(a, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const bOff = B0 + jr * kc; // panel jr/NR starts at (jr/NR)·NR·kc
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(kc, pack, ir * kc, bOff, acc, (ic + ir) * ncPad + jr, ncPad);
          }
        }
      }
    }
    for (let i = 0; i < m; i++) {
      const src = i * ncPad;
      const dst = cOffset + i * n + jc;
      for (let j = 0; j < nc; j++) c[dst + j] = acc[src + j]!;
    }
  }
}

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

/** Small or degenerate (single row/column) products: the same summation order, no packing. */
function gemmSmall(
  m: number,
  n: number,
  k: number,
  a: GemmOperand,
  b: GemmOperand,
  c: FloatArray,
  cOffset: number,
): void {
  const ad = a.data,
    bd = b.data;
  const ars = a.rowStride,
    acs = a.colStride,
    brs = b.rowStride,
    bcs = b.colStride;
  for (let i = 0; i < m; i++) {
    const aRow = a.offset + i * ars;
    for (let j = 0; j < n; j++) {
      let s = 0;
      let ai = aRow,
        bi = b.offset + j * bcs;
      for (let p = 0; p < k; p++) {
        s += ad[ai]! * bd[bi]!;
        ai += acs;
        bi += brs;
      }
      c[cOffset + i * n + j] = s;
    }
  }
}

/** Packs rows [i0, i0+mc) × cols [p0, p0+kc) of A into MR-row panels: pack[panel·MR·kc + p·MR + r], zero-padded. */
function packPanelsA(a: GemmOperand, i0: number, mc: number, p0: number, kc: number): void {
  const ad = a.data,
    rs = a.rowStride,
    cs = a.colStride;
  const dst = pack;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    let o = ir * kc;
    const base = a.offset + (i0 + ir) * rs + p0 * cs;
    if (rows === MR) {
      let s0 = base,
        s1 = base + rs,
        s2 = base + 2 * rs,
        s3 = base + 3 * rs;
      for (let p = 0; p < kc; p++) {
        dst[o] = ad[s0]!;
        dst[o + 1] = ad[s1]!;
        dst[o + 2] = ad[s2]!;
        dst[o + 3] = ad[s3]!;
        o += MR;
        s0 += cs;
        s1 += cs;
        s2 += cs;
        s3 += cs;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) dst[o + r] = r < rows ? ad[base + r * rs + p * cs]! : 0;
        o += MR;
      }
    }
  }
}

/**
 * Packs rows [p0, p0+kc) × cols [j0, j0+nc) of B into NR-column panels: pack[B0 + panel·NR·kc + p·NR + c], zero-padded.
 */
function packPanelsB(b: GemmOperand, p0: number, kc: number, j0: number, nc: number): void {
  const bd = b.data,
    rs = b.rowStride,
    cs = b.colStride;
  const dst = pack;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    let o = B0 + jr * kc;
    const base = b.offset + p0 * rs + (j0 + jr) * cs;
    if (cols === NR) {
      let s0 = base,
        s1 = base + cs,
        s2 = base + 2 * cs,
        s3 = base + 3 * cs;
      for (let p = 0; p < kc; p++) {
        dst[o] = bd[s0]!;
        dst[o + 1] = bd[s1]!;
        dst[o + 2] = bd[s2]!;
        dst[o + 3] = bd[s3]!;
        o += NR;
        s0 += rs;
        s1 += rs;
        s2 += rs;
        s3 += rs;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) dst[o + q] = q < cols ? bd[base + p * rs + q * cs]! : 0;
        o += NR;
      }
    }
  }
}

/** cc[4×4 tile at cOff, row stride ldc] += Apanel(4×kc) · Bpanel(kc×4), p ascending; both panels live in `pk`. */
function microKernel(
  kc: number,
  pk: Float64Array,
  aOff: number,
  bOff: number,
  cc: Float64Array,
  cOff: number,
  ldc: number,
): void {
  const r1 = cOff + ldc,
    r2 = r1 + ldc,
    r3 = r2 + ldc;
  let c00 = cc[cOff]!,
    c01 = cc[cOff + 1]!,
    c02 = cc[cOff + 2]!,
    c03 = cc[cOff + 3]!;
  let c10 = cc[r1]!,
    c11 = cc[r1 + 1]!,
    c12 = cc[r1 + 2]!,
    c13 = cc[r1 + 3]!;
  let c20 = cc[r2]!,
    c21 = cc[r2 + 1]!,
    c22 = cc[r2 + 2]!,
    c23 = cc[r2 + 3]!;
  let c30 = cc[r3]!,
    c31 = cc[r3 + 1]!,
    c32 = cc[r3 + 2]!,
    c33 = cc[r3 + 3]!;
  let ai = aOff,
    bi = bOff;
  const end = aOff + kc * MR;
  while (ai < end) {
    const b0 = pk[bi]!,
      b1 = pk[bi + 1]!,
      b2 = pk[bi + 2]!,
      b3 = pk[bi + 3]!;
    const a0 = pk[ai]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    const a1 = pk[ai + 1]!;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    const a2 = pk[ai + 2]!;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    const a3 = pk[ai + 3]!;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += MR;
    bi += NR;
  }
  cc[cOff] = c00;
  cc[cOff + 1] = c01;
  cc[cOff + 2] = c02;
  cc[cOff + 3] = c03;
  cc[r1] = c10;
  cc[r1 + 1] = c11;
  cc[r1 + 2] = c12;
  cc[r1 + 3] = c13;
  cc[r2] = c20;
  cc[r2 + 1] = c21;
  cc[r2 + 2] = c22;
  cc[r2 + 3] = c23;
  cc[r3] = c30;
  cc[r3 + 1] = c31;
  cc[r3 + 2] = c32;
  cc[r3 + 3] = c33;
}
