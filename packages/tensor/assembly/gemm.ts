// Matrix product kernels, generic over f32 / f64 (T). Blocked GotoBLAS-style:
//   packB: all of B into column panels of NR = 2 vectors (8 f32 or 4 f64), zero-padded;
//   gemmRows: rows [i0, i1) of C, packing MC×KC blocks of A into MR-row panels,
//   and an MR×NR register tile of v128 accumulators (MR = 4: 8 accumulators, 2 B vectors and the
//   broadcast A values fit the 15 xmm registers V8 allocates; 5 or 6 rows spill, measured slower).
// Every C element is acc = 0; for p = 0..k-1: acc = acc + a[i,p]*b[p,j], whatever the blocking,
// tile position or thread: the result does not depend on how rows are split among threads.
// Each step is a multiply then an add (two roundings), except in the relaxed-SIMD build
// (ASC_FEATURE_RELAXED_SIMD), where it is f32x4/f64x2.relaxed_madd: fused (one rounding) on
// hardware with FMA, as V8 lowers it on x64 and arm64. The order of the steps is the same.

const MR: i32 = 4;
const KC: i32 = 256;
const MC: i32 = 64;

/** acc + a·b, lane-wise: fused (relaxed_madd) in the relaxed-SIMD build, else multiply then add. */
// @ts-expect-error: decorator
@inline function madd<T>(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, acc);
  return v128.add<T>(acc, v128.mul<T>(a, b));
}

/** Elements per v128 for T. */
@inline function lanes<T>(): i32 {
  return 16 / <i32>sizeof<T>();
}

/**
 * Packs the k×n matrix B (element (p, j) at b + (p*rs + j*cs)*sizeof<T>) into panels of NR
 * columns: panel q holds rows 0..k-1, NR values each, at dst + (q*k*NR + p*NR)*sizeof<T>.
 */
export function packB<T>(k: i32, n: i32, b: usize, rs: i32, cs: i32, dst: usize): void {
  const NR = 2 * lanes<T>();
  const sz = <usize>sizeof<T>();
  let o = dst;
  for (let j0 = 0; j0 < n; j0 += NR) {
    const cols = min(NR, n - j0);
    if (cols == NR && cs != 1) {
      // A full panel of a strided B (e.g. a transposed weight, rs = 1): walk each column along p,
      // so the loads follow memory and the stores stay inside this panel (k·NR values, in cache).
      const dstep = <usize>NR * sz, rstep = <usize>rs * sz;
      if (sz == 4 && rs == 1) {
        packColumnsF32(k, b + <usize>(j0 * cs) * 4, <usize>cs * 4, o);
        o += <usize>k * dstep;
        continue;
      }
      for (let q = 0; q < NR; q++) {
        let s = b + <usize>((j0 + q) * cs) * sz;
        let d = o + <usize>q * sz;
        for (let p = 0; p < k; p++) {
          store<T>(d, load<T>(s));
          s += rstep;
          d += dstep;
        }
      }
      o += <usize>k * dstep;
      continue;
    }
    for (let p = 0; p < k; p++) {
      const row = b + <usize>(p * rs + j0 * cs) * sz;
      if (cols == NR && cs == 1) {
        v128.store(o, v128.load(row));
        v128.store(o, v128.load(row, 16), 16);
      } else {
        v128.store(o, v128.splat<T>(<T>0));
        v128.store(o, v128.splat<T>(<T>0), 16);
        for (let q = 0; q < cols; q++) store<T>(o + <usize>q * sz, load<T>(row + <usize>(q * cs) * sz));
      }
      o += <usize>NR * sz;
    }
  }
}

/**
 * packB's panel for float32 columns that are contiguous along p (rs = 1, column stride cs bytes):
 * 8 columns starting at b into k rows of 8 at dst, four rows at a time by 4×4 transposes.
 */
function packColumnsF32(k: i32, b: usize, cs: usize, dst: usize): void {
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const at = b + <usize>p * 4;
    for (let h = 0; h < 2; h++) {
      const col = at + <usize>(4 * h) * cs;
      const c0 = v128.load(col), c1 = v128.load(col + cs), c2 = v128.load(col + 2 * cs), c3 = v128.load(col + 3 * cs);
      const t0 = v128.shuffle<f32>(c0, c1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(c0, c1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(c2, c3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(c2, c3, 2, 6, 3, 7);
      const d = dst + <usize>(p * 8 + 4 * h) * 4;
      v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(d, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 32);
      v128.store(d, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 64);
      v128.store(d, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 96);
    }
  }
  for (; p < k; p++) {
    for (let q = 0; q < 8; q++) store<f32>(dst + <usize>(p * 8 + q) * 4, load<f32>(b + <usize>q * cs + <usize>p * 4));
  }
}

/**
 * packA's panel for 4 rows that are contiguous along p (row stride rs bytes), from `base` into
 * kc groups of 4 at dst by 4×4 (f32) or 2×2 (f64) transposes. Returns the end of what it wrote.
 */
// @ts-expect-error: decorator
@inline function packRowsContiguous<T>(kc: i32, base: usize, rs: usize, dst: usize): usize {
  const sz = <usize>sizeof<T>();
  let o = dst;
  let s = base;
  let p = 0;
  if (sz == 4) {
    for (; p + 4 <= kc; p += 4) {
      const r0 = v128.load(s), r1 = v128.load(s + rs), r2 = v128.load(s + 2 * rs), r3 = v128.load(s + 3 * rs);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      v128.store(o, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(o, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
      v128.store(o, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
      v128.store(o, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
      s += 16;
      o += 64;
    }
  } else {
    for (; p + 2 <= kc; p += 2) {
      const r0 = v128.load(s), r1 = v128.load(s + rs), r2 = v128.load(s + 2 * rs), r3 = v128.load(s + 3 * rs);
      v128.store(o, v128.shuffle<f64>(r0, r1, 0, 2));
      v128.store(o, v128.shuffle<f64>(r2, r3, 0, 2), 16);
      v128.store(o, v128.shuffle<f64>(r0, r1, 1, 3), 32);
      v128.store(o, v128.shuffle<f64>(r2, r3, 1, 3), 48);
      s += 16;
      o += 64;
    }
  }
  for (; p < kc; p++) {
    for (let r: usize = 0; r < 4; r++) store<T>(o + r * sz, load<T>(s + r * rs));
    s += sz;
    o += 4 * sz;
  }
  return o;
}

/** Packs rows [i0, i0+mc) × cols [p0, p0+kc) of A into MR-row panels at dst: [panel][p][r], zero-padded. */
function packA<T>(i0: i32, mc: i32, p0: i32, kc: i32, a: usize, rs: i32, cs: i32, dst: usize): void {
  const sz = <usize>sizeof<T>();
  let o = dst;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const base = a + <usize>((i0 + ir) * rs + p0 * cs) * sz;
    if (rows == MR && cs == 1) {
      o = packRowsContiguous<T>(kc, base, <usize>rs * sz, o);
    } else if (rows == MR && rs == 1) {
      // A transposed (columns contiguous): each p's MR values are adjacent, one or two vector copies.
      const step = <usize>cs * sz;
      let s = base;
      for (let p = 0; p < kc; p++) {
        v128.store(o, v128.load(s));
        if (sz == 8) v128.store(o, v128.load(s, 16), 16);
        s += step;
        o += <usize>MR * sz;
      }
    } else if (rows == MR) {
      const r1 = <usize>rs * sz;
      const step = <usize>cs * sz;
      let s = base;
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) store<T>(o + <usize>r * sz, load<T>(s + <usize>r * r1));
        s += step;
        o += <usize>MR * sz;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<T>(o + <usize>r * sz, r < rows ? load<T>(base + <usize>(r * rs + p * cs) * sz) : <T>0);
        }
        o += <usize>MR * sz;
      }
    }
  }
}

/**
 * The 4×(2 vectors) register tile: C[0..4, 0..NR) (row stride ldc elements) = (accumulate ? C : 0)
 * + Apanel(4×kc)·Bpanel(kc×NR), p ascending. (Written out by hand: AssemblyScript has no unrolling
 * macros. Unrolling the p loop by 2 measured slower: V8 hoists the loads and spills.)
 */
// @ts-expect-error: decorator
@inline function microKernel<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, accumulate: bool): void {
  const sz = <usize>sizeof<T>();
  const ld = <usize>ldc * sz;
  const c0 = c, c1 = c0 + ld, c2 = c1 + ld, c3 = c2 + ld;
  let x00 = v128.splat<T>(<T>0), x01 = x00, x10 = x00, x11 = x00, x20 = x00, x21 = x00, x30 = x00, x31 = x00;
  if (accumulate) {
    x00 = v128.load(c0); x01 = v128.load(c0, 16);
    x10 = v128.load(c1); x11 = v128.load(c1, 16);
    x20 = v128.load(c2); x21 = v128.load(c2, 16);
    x30 = v128.load(c3); x31 = v128.load(c3, 16);
  }
  let pa = ap, pb = bp;
  const end = ap + <usize>kc * 4 * sz;
  while (pa < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = sizeof<T>() == 4 ? v128.load32_splat(pa, 0) : v128.load64_splat(pa, 0);
    x00 = madd<T>(x00, a0, b0); x01 = madd<T>(x01, a0, b1);
    const a1 = sizeof<T>() == 4 ? v128.load32_splat(pa, 4) : v128.load64_splat(pa, 8);
    x10 = madd<T>(x10, a1, b0); x11 = madd<T>(x11, a1, b1);
    const a2 = sizeof<T>() == 4 ? v128.load32_splat(pa, 8) : v128.load64_splat(pa, 16);
    x20 = madd<T>(x20, a2, b0); x21 = madd<T>(x21, a2, b1);
    const a3 = sizeof<T>() == 4 ? v128.load32_splat(pa, 12) : v128.load64_splat(pa, 24);
    x30 = madd<T>(x30, a3, b0); x31 = madd<T>(x31, a3, b1);
    pa += 4 * sz;
    pb += 32;
  }
  v128.store(c0, x00); v128.store(c0, x01, 16);
  v128.store(c1, x10); v128.store(c1, x11, 16);
  v128.store(c2, x20); v128.store(c2, x21, 16);
  v128.store(c3, x30); v128.store(c3, x31, 16);
}

/**
 * microKernel for the first two rows of a 4-row A panel only (the last panel of an M with
 * M mod 4 = 1 or 2, as in a batch of 10): half the work of the full tile on padding rows.
 */
// @ts-expect-error: decorator
@inline function microKernel2<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, accumulate: bool): void {
  const sz = <usize>sizeof<T>();
  const c0 = c, c1 = c0 + <usize>ldc * sz;
  let x00 = v128.splat<T>(<T>0), x01 = x00, x10 = x00, x11 = x00;
  if (accumulate) {
    x00 = v128.load(c0); x01 = v128.load(c0, 16);
    x10 = v128.load(c1); x11 = v128.load(c1, 16);
  }
  let pa = ap, pb = bp;
  const end = ap + <usize>kc * 4 * sz;
  while (pa < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = sizeof<T>() == 4 ? v128.load32_splat(pa, 0) : v128.load64_splat(pa, 0);
    x00 = madd<T>(x00, a0, b0); x01 = madd<T>(x01, a0, b1);
    const a1 = sizeof<T>() == 4 ? v128.load32_splat(pa, 4) : v128.load64_splat(pa, 8);
    x10 = madd<T>(x10, a1, b0); x11 = madd<T>(x11, a1, b1);
    pa += 4 * sz;
    pb += 32;
  }
  v128.store(c0, x00); v128.store(c0, x01, 16);
  v128.store(c1, x10); v128.store(c1, x11, 16);
}

/** Copies rows×cols values of T from src (row stride ss bytes) to dst (row stride ds bytes). */
// @ts-expect-error: decorator
@inline function copyTile<T>(rows: i32, cols: i32, src: usize, ss: usize, dst: usize, ds: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) store<T>(dst + <usize>q * sizeof<T>(), load<T>(src + <usize>q * sizeof<T>()));
    src += ss;
    dst += ds;
  }
}

/** Bytes of per-thread scratch gemmRows needs: the packed A block plus one edge tile. */
export function gemmScratchBytes<T>(): i32 {
  return (MC * KC + MR * 2 * lanes<T>()) * <i32>sizeof<T>();
}

/**
 * Rows [i0, i1) of C = A·B, with B already packed by packB (bp). A's element (i, p) is at
 * a + (i*ars + p*acs)*sizeof<T>; C is row-major with row stride ldc elements.
 * `scratch` must hold gemmScratchBytes<T>() bytes, 16-byte aligned, private to the calling thread.
 */
export function gemmRows<T>(
  i0: i32, i1: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, bp: usize, c: usize, ldc: i32, scratch: usize
): void {
  const NR = 2 * lanes<T>();
  const sz = <usize>sizeof<T>();
  const tile = scratch + <usize>(MC * KC) * sz;
  if (k == 0) {
    for (let i = i0; i < i1; i++) memory.fill(c + <usize>(i * ldc) * sz, 0, <usize>n * sz);
    return;
  }
  for (let ic = i0; ic < i1; ic += MC) {
    const mc = min(MC, i1 - ic);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const accumulate = pc > 0;
      packA<T>(ic, mc, pc, kc, a, ars, acs, scratch);
      for (let j0 = 0; j0 < n; j0 += NR) {
        const nr = min(NR, n - j0);
        const bpan = bp + <usize>(j0 * k + pc * NR) * sz;
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = min(MR, mc - ir);
          const ap = scratch + <usize>(ir * kc) * sz;
          const cp = c + <usize>((ic + ir) * ldc + j0) * sz;
          if (mr == MR && nr == NR) {
            microKernel<T>(kc, ap, bpan, cp, ldc, accumulate);
          } else {
            // An edge tile: computed in `tile` (row stride NR), only its mr×nr corner copied to/from C
            // (element by element: memory.copy calls out of wasm, too slow for a few values).
            if (accumulate) copyTile<T>(mr, nr, cp, <usize>ldc * sz, tile, <usize>NR * sz);
            if (mr <= 2) microKernel2<T>(kc, ap, bpan, tile, NR, accumulate);
            else microKernel<T>(kc, ap, bpan, tile, NR, accumulate);
            copyTile<T>(mr, nr, tile, <usize>NR * sz, cp, <usize>ldc * sz);
          }
        }
      }
    }
  }
}
