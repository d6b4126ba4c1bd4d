import { type DType, type FloatArray, isFloat } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import { type GemmJob, MAX_JOB_BATCH, MAX_JOB_CHUNKS } from './pool.js';
import type { GemmPool } from './web-pool.js';
import { type Staged, beginCall, finish, stage, target } from './stage.js';

/** Register tile rows (MR) of the kernels; chunks of C rows handed to threads are multiples of it. */
const MR = 4;

/** Below this many multiply-adds the TypeScript kernel is as fast (measured equal at 64, wasm 2x faster at 512). */
export const MIN_WORK = 256;

/**
 * Batched matmul in wasm (see Backend.matmul), or undefined when the arguments are not for it
 * (non-float or mixed dtypes, empty or tiny products): the caller then uses the fallback.
 */
export function wasmMatmul(
  ctx: WasmContext,
  a: NDArray,
  b: NDArray,
  outDtype: DType,
  out?: NDArray,
): NDArray | undefined {
  if (a.dtype !== outDtype || b.dtype !== outDtype || !isFloat(outDtype)) return undefined;
  const nd = a.ndim;
  if (nd < 2 || b.ndim !== nd) return undefined;
  const m = a.shape[nd - 2]!,
    k = a.shape[nd - 1]!,
    n = b.shape[nd - 1]!;
  const batchShape = a.shape.slice(0, nd - 2);
  const batch = batchShape.reduce((p, d) => p * d, 1);
  if (batch * m * n === 0 || k === 0 || batch * m * n * k < MIN_WORK) return undefined;
  const f64 = outDtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const nr = f64 ? 4 : 8;
  // Split across threads (on the shared memory the workers see) only when large enough; everything
  // else runs on the calling thread's plain memory, where copies in and out are cheaper.
  const parallel = ctx.threads > 1 && batch * m * n * k >= ctx.parallelThreshold && m * batch >= 2 * MR;
  const pool = parallel ? ctx.pool : undefined;
  const threaded = pool?.healthy === true;
  const heap = beginCall(threaded ? ctx.sharedHeap : ctx.heap, [a, b, out]),
    ex = heap.exports;
  const sa = stage(heap, a);
  const sb = stage(heap, b);
  const c = target(heap, out, batch * m * n * bytes, [a, b]);
  const packedBytes = Math.ceil(n / nr) * nr * k * bytes;
  const ars = sa.strides[nd - 2]!,
    acs = sa.strides[nd - 1]!;
  const brs = sb.strides[nd - 2]!,
    bcs = sb.strides[nd - 1]!;
  // Batch entries: [a, packed b, c] byte offsets. B is packed once per distinct B matrix (a batch
  // dimension broadcast with stride 0 repeats it).
  const pack = f64 ? ex.packB_f64 : ex.packB_f32;
  let table: number[];
  if (batch === 1) {
    const bp = heap.alloc(packedBytes);
    pack(k, n, sb.ptr + sb.base * bytes, brs, bcs, bp);
    table = [sa.ptr + sa.base * bytes, bp, c];
  } else {
    table = batchTable(
      batchShape,
      sa,
      sb,
      bytes,
      (bo) => {
        const bp = heap.alloc(packedBytes);
        pack(k, n, sb.ptr + bo * bytes, brs, bcs, bp);
        return bp;
      },
      c,
      m * n * bytes,
    );
  }
  if (threaded) return runThreaded(ctx, pool, { f64, m, n, k, ars, acs, batch, table, c }, batchShape, out);
  const rows = f64 ? ex.gemmRows_f64 : ex.gemmRows_f32;
  for (let t = 0; t < batch; t++)
    rows(0, m, n, k, table[3 * t]!, ars, acs, table[3 * t + 1]!, table[3 * t + 2]!, n, ctx.scratch);
  return finish(heap, f64, c, batch * m * n, [...batchShape, m, n], out);
}

/** Chunks of C rows per thread in a split matmul: enough that the last one to finish is short. */
const CHUNKS_PER_THREAD = 8;

/** A staged, packed product for the pool: a job's sizes and A's strides, the batch entries' [a, packed b, c], and C. */
interface SplitProduct extends Pick<GemmJob, 'f64' | 'm' | 'n' | 'k' | 'ars' | 'acs' | 'table'> {
  readonly batch: number;
  /** Byte offset of C (batch × m × n, row-major) in the shared memory. */
  readonly c: number;
}

/**
 * Rows of C per chunk: about CHUNKS_PER_THREAD chunks per thread over the batch, at least MR rows,
 * and never more chunks in one job than its done flags (MAX_JOB_CHUNKS) can count.
 */
export function chunkRowsFor(m: number, batch: number, threads: number): number {
  const perEntry = Math.min(
    Math.ceil((CHUNKS_PER_THREAD * threads) / batch),
    Math.floor(MAX_JOB_CHUNKS / Math.min(batch, MAX_JOB_BATCH)),
  );
  return Math.max(MR, Math.ceil(m / Math.max(1, perEntry) / MR) * MR);
}

/**
 * Computes a staged product on every thread of `pool`, copying each chunk of C rows into the
 * result as soon as it is finished (the calling thread does this between chunks and while it
 * waits for the workers', so little copying is left after the last one).
 */
function runThreaded(
  ctx: WasmContext,
  pool: GemmPool,
  p: SplitProduct,
  batchShape: readonly number[],
  into: NDArray | undefined,
): NDArray {
  const { f64, m, n, batch, c } = p;
  const chunkRows = chunkRowsFor(m, batch, ctx.threads);
  const perBatch = Math.ceil(m / chunkRows);
  const out: FloatArray =
    into !== undefined
      ? (into.data as FloatArray).subarray(into.offset, into.offset + batch * m * n)
      : f64
        ? new Float64Array(batch * m * n)
        : new Float32Array(batch * m * n);
  const view: FloatArray = f64 ? ctx.sharedHeap.viewF64() : ctx.sharedHeap.viewF32();
  const c0 = c / (f64 ? 8 : 4);
  for (let t0 = 0; t0 < batch; t0 += MAX_JOB_BATCH) {
    const job: GemmJob = {
      f64,
      m,
      n,
      k: p.k,
      ars: p.ars,
      acs: p.acs,
      ldc: n,
      chunkRows,
      scratch: ctx.scratch,
      scratchStride: ctx.scratchStride,
      table: p.table.slice(3 * t0, 3 * Math.min(batch, t0 + MAX_JOB_BATCH)),
    };
    pool.run(job, (chunk) => {
      const b = t0 + Math.floor(chunk / perBatch);
      const i0 = (chunk % perBatch) * chunkRows;
      const from = (b * m + i0) * n,
        to = (b * m + Math.min(m, i0 + chunkRows)) * n;
      out.set(view.subarray(c0 + from, c0 + to), from);
    });
  }
  return into ?? new NDArray(out, [...batchShape, m, n]);
}

/**
 * The [a, packed b, c] byte offsets of each batch entry (row-major over batchShape). `packAt(bo)`
 * packs the B matrix at element offset bo and returns where; it runs once per distinct offset.
 */
function batchTable(
  batchShape: readonly number[],
  sa: Staged,
  sb: Staged,
  bytes: number,
  packAt: (bo: number) => number,
  c: number,
  cStride: number,
): number[] {
  const batch = batchShape.reduce((p, d) => p * d, 1);
  const table: number[] = [];
  const packedAt = new Map<number, number>();
  const idx = new Array<number>(batchShape.length).fill(0);
  for (let t = 0; t < batch; t++) {
    let ao = sa.base,
      bo = sb.base;
    for (let d = 0; d < batchShape.length; d++) {
      ao += idx[d]! * sa.strides[d]!;
      bo += idx[d]! * sb.strides[d]!;
    }
    let bp = packedAt.get(bo);
    if (bp === undefined) {
      bp = packAt(bo);
      packedAt.set(bo, bp);
    }
    table.push(sa.ptr + ao * bytes, bp, c + t * cStride);
    for (let d = batchShape.length - 1; d >= 0; d--) {
      if (++idx[d]! < batchShape[d]!) break;
      idx[d] = 0;
    }
  }
  return table;
}
