/**
 * oneDNN's matmul primitive (its version-2 C API), for the float32 products its `dnnl_sgemm` runs
 * slowly: A·Bᵀ (a linear layer's x·Wᵀ) on two OpenMP threads, up to 1.5x slower than A·B, where
 * the primitive (oneDNN's `brg:avx512_core` kernels here) runs it as fast as A·B. Measured here
 * (oneDNN 2.6.3, two threads, a C loop, µs, sgemm / primitive): 512³ 805–1247 / 663–832,
 * 256×512×512 504 / 364, 128×256×784 213 / 154, 128×256×256 52–73 / 56–59 (`primitiveTakes` says
 * which shapes). A·B and Aᵀ·B gained nothing (0.84–1.06x), nor did A·Bᵀ on one thread (0.73–1.24x,
 * mostly within 8%). Each shape's primitive (with its strides and thread count) is made once, on
 * its first product, and kept (up to `KEPT_SHAPES`); its memory objects are pointed at the
 * operands before each run. Version 3 replaced this API (its `dnnl_matmul_desc_init` is gone):
 * there, and wherever a piece is missing, `onednnMatmul` gives null. Nothing here is reached in a
 * browser.
 */
import type { ForeignLibrary } from './ffi.js';
import { statusName } from './onednn.js';
import type { SignalHold } from './signals.js';
import type { BlasThreads } from './threads.js';

/**
 * The A·Bᵀ products (C m×n, inner size k) on two or more threads that the primitive runs faster than
 * `dnnl_sgemm`: k at least C's longer side, C of at most `PRIMITIVE_MAX_C` elements. Measured here
 * (two threads, sgemm / primitive, µs): 128×128×1024 258 / 100, 512×512×1024 2014 / 1385, 128×512×512
 * 260 / 195, 256×256×256 99 / 92, 1024³ 6771 / 6508; with k below C's longer side the primitive
 * lost 3–12% (1024×512×256 695 / 728, 512×512×192 260 / 281, 64×1024×256, 1024×512×128, 32×8192×128),
 * and at 2048³ 5% (44.1 / 46.4 ms).
 */
export function primitiveTakes(m: number, n: number, k: number): boolean {
  return k >= Math.max(m, n) && m * n <= PRIMITIVE_MAX_C;
}

/** C's most elements for the primitive (`primitiveTakes`): 1024². */
export const PRIMITIVE_MAX_C = 2 ** 20;

/** A·Bᵀ in float32 on oneDNN's matmul primitive. */
export interface MatmulPrimitive {
  /**
   * C ← A·Bᵀ (row-major: A m×k, B n×k, C m×n, leading dimensions `lda`, `ldb`, `ldc`) on `threads`
   * OpenMP threads (it sets the count: the primitive is made for it), inside oneDNN's signal hold.
   * False, with nothing written, for an empty product or where oneDNN makes no primitive for this
   * shape (strides that overlap: a leading dimension below the row's length); throws, naming the
   * shape and oneDNN's status, where it refuses to run one it made.
   */
  abt(
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    c: Float32Array,
    ldc: number,
    threads: number,
  ): boolean;
  /** How many products it has run. */
  runs(): number;
  /** How many shapes it keeps (at most `KEPT_SHAPES`; those oneDNN made no primitive for included). */
  shapes(): number;
}

/**
 * Bytes reserved for `dnnl_memory_desc_t` and `dnnl_matmul_desc_t`, which the caller allocates:
 * 696 and 2800 in oneDNN 2.6 (four memory descriptors and a data type), with room to spare for
 * other 2.x releases.
 */
const MEMORY_DESC_BYTES = 2048;
const MATMUL_DESC_BYTES = 8192;

/** `dnnl_f32`, `dnnl_cpu`, `dnnl_stream_default_flags`, `DNNL_ARG_SRC`, `DNNL_ARG_WEIGHTS`, `DNNL_ARG_DST`. */
const F32 = 3,
  CPU = 1,
  STREAM_DEFAULT = 1,
  ARG_SRC = 1,
  ARG_WEIGHTS = 33,
  ARG_DST = 17;

/** How many shapes' primitives are kept (the least recently used goes first). */
export const KEPT_SHAPES = 64;

/** `dnnl_exec_arg_t`: an int and a memory handle, 16 bytes. */
const EXEC_ARG_BYTES = 16;

/** One shape's primitive: its handle, its three memory objects, and `dnnl_primitive_execute`'s arguments. */
interface Made {
  primitive: number;
  memories: number[];
  args: Uint8Array;
}

type Call = (...args: unknown[]) => unknown;

/** oneDNN's functions the primitive needs, by what they do (handles as `uintptr_t`). */
const SIGNATURES = {
  engine: 'int dnnl_engine_create(uint64_t *, int, size_t)',
  stream: 'int dnnl_stream_create(uint64_t *, uintptr_t, unsigned int)',
  memoryDesc: 'int dnnl_memory_desc_init_by_strides(void *, int, const int64_t *, int, const int64_t *)',
  matmulDesc: 'int dnnl_matmul_desc_init(void *, const void *, const void *, const void *, const void *)',
  primitiveDesc: 'int dnnl_primitive_desc_create(uint64_t *, const void *, uintptr_t, uintptr_t, uintptr_t)',
  forgetDesc: 'int dnnl_primitive_desc_destroy(uintptr_t)',
  primitive: 'int dnnl_primitive_create(uint64_t *, uintptr_t)',
  destroy: 'int dnnl_primitive_destroy(uintptr_t)',
  memory: 'int dnnl_memory_create(uint64_t *, const void *, uintptr_t, uintptr_t)',
  free: 'int dnnl_memory_destroy(uintptr_t)',
  point: 'int dnnl_memory_set_data_handle(uintptr_t, void *)',
  execute: 'int dnnl_primitive_execute(uintptr_t, uintptr_t, int, const void *)',
  wait: 'int dnnl_stream_wait(uintptr_t)',
} as const;

type Functions = Record<keyof typeof SIGNATURES, Call>;

/** The functions of SIGNATURES in `lib`, or null where one is missing (oneDNN 3). */
function declare(lib: ForeignLibrary): Functions | null {
  try {
    return Object.fromEntries(Object.entries(SIGNATURES).map(([name, s]) => [name, lib.func(s)])) as Functions;
  } catch {
    return null;
  }
}

/**
 * oneDNN's matmul primitive where `lib` is oneDNN 2 (with the functions above, and a CPU engine and
 * stream it makes), on its OpenMP `threads`, holding `hold` around each product; else null.
 */
export function onednnMatmul(lib: ForeignLibrary, threads: BlasThreads, hold: SignalHold): MatmulPrimitive | null {
  const f = declare(lib);
  if (f === null) return null;
  const out = new BigUint64Array(1);
  /** Calls `fn`, true where it returned success (0). */
  const ok = (fn: Call, ...args: unknown[]): boolean => Number(fn(...args)) === 0;
  /** The handle `fn` made into `out`, or 0 where it failed. */
  const make = (fn: Call, ...args: unknown[]): number => (ok(fn, out, ...args) ? Number(out[0]) : 0);
  let engine: number;
  let stream: number;
  try {
    engine = make(f.engine, CPU, 0);
    stream = engine === 0 ? 0 : make(f.stream, engine, STREAM_DEFAULT);
  } catch {
    return null;
  }
  if (stream === 0) return null;
  const made = new Map<string, Made | null>();
  /** Destroys a primitive and its memory objects (those made: not 0). */
  const release = ({ primitive, memories }: Omit<Made, 'args'>): void => {
    if (primitive !== 0) f.destroy(primitive);
    for (const m of memories) if (m !== 0) f.free(m);
  };

  /** A 2-d float32 memory descriptor: rows × cols, `rowStride` and `colStride` elements apart. */
  const memoryDesc = (rows: number, cols: number, rowStride: number, colStride: number): Uint8Array | null => {
    const desc = new Uint8Array(MEMORY_DESC_BYTES);
    const dims = new BigInt64Array([BigInt(rows), BigInt(cols)]);
    const strides = new BigInt64Array([BigInt(rowStride), BigInt(colStride)]);
    return ok(f.memoryDesc, desc, 2, dims, F32, strides) ? desc : null;
  };

  /** The primitive for one shape, or null where oneDNN makes none (what it made meanwhile destroyed). */
  const makePrimitive = (m: number, n: number, k: number, lda: number, ldb: number, ldc: number): Made | null => {
    const descs = [memoryDesc(m, k, lda, 1), memoryDesc(k, n, 1, ldb), memoryDesc(m, n, ldc, 1)];
    if (descs.some((d) => d === null)) return null;
    const op = new Uint8Array(MATMUL_DESC_BYTES);
    if (!ok(f.matmulDesc, op, descs[0], descs[1], null, descs[2])) return null;
    const pd = make(f.primitiveDesc, op, 0, engine, 0);
    if (pd === 0) return null;
    const kept: Omit<Made, 'args'> = { primitive: 0, memories: [] };
    try {
      kept.primitive = make(f.primitive, pd);
      if (kept.primitive === 0) return null;
      for (const desc of descs) {
        kept.memories.push(make(f.memory, desc, engine, 0));
        if (kept.memories.at(-1) === 0) throw new Error('no memory object');
      }
    } catch {
      release(kept);
      return null;
    } finally {
      f.forgetDesc(pd); // the primitive keeps its own copy
    }
    const args = new Uint8Array(3 * EXEC_ARG_BYTES);
    const view = new DataView(args.buffer);
    [ARG_SRC, ARG_WEIGHTS, ARG_DST].forEach((arg, i) => {
      view.setInt32(i * EXEC_ARG_BYTES, arg, true);
      view.setBigUint64(i * EXEC_ARG_BYTES + 8, BigInt(kept.memories[i]!), true);
    });
    return { ...kept, args };
  };

  /** The primitive for `key` (made on first use, the least recently used let go past KEPT_SHAPES). */
  const primitiveFor = (key: string, shape: () => Made | null): Made | null => {
    let p = made.get(key);
    if (p !== undefined) {
      made.delete(key); // most recently used last
      made.set(key, p);
      return p;
    }
    p = shape();
    made.set(key, p);
    if (made.size > KEPT_SHAPES) {
      const [oldest, first] = made.entries().next().value as [string, Made | null];
      made.delete(oldest);
      if (first !== null) release(first);
    }
    return p;
  };

  let runs = 0;
  return {
    abt(m, n, k, a, lda, b, ldb, c, ldc, count) {
      if (!(m >= 1 && n >= 1 && k >= 1)) return false; // (oneDNN 2.6 crashes on an empty product)
      hold.hold();
      try {
        threads.use(count);
        const p = primitiveFor(`${m},${n},${k},${lda},${ldb},${ldc},${count}`, () =>
          makePrimitive(m, n, k, lda, ldb, ldc),
        );
        if (p === null) return false;
        const [ma, mb, mc] = p.memories;
        let status = Number(f.point(ma, a)) || Number(f.point(mb, b)) || Number(f.point(mc, c));
        if (status === 0) status = Number(f.execute(p.primitive, stream, 3, p.args)) || Number(f.wait(stream));
        if (status !== 0) throw new Error(`oneDNN matmul ${m}×${n}×${k}: ${statusName(status)}`);
      } finally {
        hold.release();
      }
      runs++;
      return true;
    },
    runs: () => runs,
    shapes: () => made.size,
  };
}
