// A same-dtype copy of any strided view into a contiguous block (Backend.copy of a transposed,
// permuted or sliced float array): up to four dimensions after the caller merges what it can, the
// innermost copied 16 bytes at a time where its stride is 1, in transposed tiles where the one
// before it has stride 1 instead, element by element otherwise. Copies are exact, so the bits are
// those of any other copy.

/**
 * Bytes of one scratch row: the output columns one pass through the scratch covers. A band is 64
 * bytes of rows (16 float32, 8 float64), so the scratch holds at most 16·256 = 4096 bytes, what the
 * caller gives (TRANSPOSE_SCRATCH_BYTES in src/backends/wasm/strided-copy.ts).
 */
const SCRATCH_ROW: i32 = 256;

/**
 * Writes the n0×n1×n2×n3 elements of the view at `src` (element strides s0..s3, any sign) to `dst`
 * in row-major order. `src` is the byte address of the view's element (0, 0, 0, 0); `scratch`, 4096
 * bytes that transposes into rows a multiple of 4096 bytes apart use (0 where the copy has none).
 */
export function stridedCopy<T>(
  n0: i32, n1: i32, n2: i32, n3: i32, s0: i32, s1: i32, s2: i32, s3: i32, src: usize, dst: usize, scratch: usize,
): void {
  const sz = <i32>sizeof<T>();
  const rowBytes = n3 * sz;
  let d = dst;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      if (s2 == 1 && s3 != 1) {
        // the last two dimensions transposed: in square tiles (see transposeSlab)
        transposeSlab<T>(n2, n3, s3, <usize>(<i32>src + (i0 * s0 + i1 * s1) * sz), d, scratch);
        d += <usize>(n2 * rowBytes);
        continue;
      }
      for (let i2 = 0; i2 < n2; i2++) {
        const p = <usize>(<i32>src + (i0 * s0 + i1 * s1 + i2 * s2) * sz);
        if (s3 == 1) copyRow(p, d, rowBytes);
        else {
          const step = s3 * sz;
          let q = <i32>p;
          for (let i3 = 0; i3 < n3; i3++, q += step) store<T>(d + <usize>(i3 * sz), load<T>(<usize>q));
        }
        d += <usize>rowBytes;
      }
    }
  }
}

/** `bytes` (a multiple of 4) from `src` to `dst`: 16 at a time, then 4 (memory.copy for long rows). */
// @ts-expect-error: decorator
@inline function copyRow(src: usize, dst: usize, bytes: i32): void {
  if (bytes >= 512) {
    memory.copy(dst, src, <usize>bytes);
    return;
  }
  let k = 0;
  for (; k + 16 <= bytes; k += 16) v128.store(dst + <usize>k, v128.load(src + <usize>k));
  for (; k < bytes; k += 4) store<u32>(dst + <usize>k, load<u32>(src + <usize>k));
}

/**
 * One L×L tile (one v128 per row: 4×4 float32, 2×2 float64): out row r, at o + r·outRow bytes, is
 * the source's column r: element c of it from the source row at s + c·colStep.
 */
// @ts-expect-error: decorator
@inline function tile<T>(s: usize, colStep: i32, o: usize, outRow: i32): void {
  if (sizeof<T>() == 4) {
    const a0 = v128.load(s),
      a1 = v128.load(<usize>(<i32>s + colStep)),
      a2 = v128.load(<usize>(<i32>s + 2 * colStep)),
      a3 = v128.load(<usize>(<i32>s + 3 * colStep));
    const t0 = v128.shuffle<i32>(a0, a1, 0, 4, 1, 5),
      t1 = v128.shuffle<i32>(a0, a1, 2, 6, 3, 7),
      t2 = v128.shuffle<i32>(a2, a3, 0, 4, 1, 5),
      t3 = v128.shuffle<i32>(a2, a3, 2, 6, 3, 7);
    v128.store(o, v128.shuffle<i64>(t0, t2, 0, 2));
    v128.store(o + <usize>outRow, v128.shuffle<i64>(t0, t2, 1, 3));
    v128.store(o + <usize>(2 * outRow), v128.shuffle<i64>(t1, t3, 0, 2));
    v128.store(o + <usize>(3 * outRow), v128.shuffle<i64>(t1, t3, 1, 3));
  } else {
    const a0 = v128.load(s),
      a1 = v128.load(<usize>(<i32>s + colStep));
    v128.store(o, v128.shuffle<i64>(a0, a1, 0, 2));
    v128.store(o + <usize>outRow, v128.shuffle<i64>(a0, a1, 1, 3));
  }
}

/**
 * dst[i][j] = src[i + j·cs] for i < rows, j < cols (dst row-major, rows × cols): a transpose, in
 * L×L tiles (`tile`) read down L source columns and written along L output rows, over bands of one
 * cache line of source rows, so that each source line is used up while it is loaded; the edges
 * element by element. Where the output rows are a multiple of 4096 bytes apart, a band's output
 * lines, all being filled at once, would fall in one set of the L1 cache (more of them than it has
 * ways) and leave it half written: the tiles then go to `scratch` (rows SCRATCH_ROW bytes apart),
 * and each band's rows are copied out of it SCRATCH_ROW bytes at a time, whole lines.
 */
function transposeSlab<T>(rows: i32, cols: i32, cs: i32, src: usize, dst: usize, scratch: usize): void {
  const sz = <i32>sizeof<T>();
  const L = 16 / sz;
  const band = 64 / sz;
  const rv = rows - (rows % L),
    cv = cols - (cols % L);
  const colStep = cs * sz,
    rowBytes = cols * sz;
  if ((rowBytes & 4095) == 0) {
    const chunk = SCRATCH_ROW / sz; // band·SCRATCH_ROW ≤ SCRATCH_BYTES
    for (let b = 0; b < rv; b += band) {
      const end = min(b + band, rv);
      for (let jc = 0; jc < cv; jc += chunk) {
        const je = min(jc + chunk, cv);
        for (let j = jc; j < je; j += L) {
          for (let i = b; i < end; i += L) {
            const o = scratch + <usize>((i - b) * SCRATCH_ROW + (j - jc) * sz);
            tile<T>(<usize>(<i32>src + i * sz + j * colStep), colStep, o, SCRATCH_ROW);
          }
        }
        for (let i = b; i < end; i++) {
          copyRow(scratch + <usize>((i - b) * SCRATCH_ROW), dst + <usize>(i * rowBytes + jc * sz), (je - jc) * sz);
        }
      }
    }
  } else {
    for (let b = 0; b < rv; b += band) {
      const end = min(b + band, rv);
      for (let j = 0; j < cv; j += L) {
        for (let i = b; i < end; i += L) {
          tile<T>(<usize>(<i32>src + i * sz + j * colStep), colStep, dst + <usize>(i * rowBytes + j * sz), rowBytes);
        }
      }
    }
  }
  // the edges: the last rows % L rows (every column), the last cols % L columns of the rows before
  for (let i = 0; i < rows; i++) {
    for (let j = i < rv ? cv : 0; j < cols; j++) {
      store<T>(dst + <usize>(i * rowBytes + j * sz), load<T>(<usize>(<i32>src + i * sz + j * colStep)));
    }
  }
}
