/**
 * A native BLAS's thread count, set per product (OpenBLAS, BLIS, oneDNN's OpenMP threads): what
 * the count for large products is, and the control each library gets through its own get/set
 * functions.
 */

/**
 * The library's thread count, set per call: `max` is the count for large products (from the
 * environment or the cores: see `envThreads`), products of fewer than `oneThreadWork`
 * multiply-adds per matrix run on one, and `use(n)` sets the count (only when the library runs on
 * another).
 */
export interface BlasThreads {
  readonly max: number;
  readonly oneThreadWork: number;
  use(n: number): void;
}

/**
 * The first of the variables `names` that holds a count of at least 1, else `procs`; never more
 * than `procs`. Taken from the environment rather than from the library, which may already run on a
 * count another caller set (another handle on the same library, a worker thread).
 */
export function envThreads(
  names: readonly string[],
  procs: number,
  env: Readonly<Record<string, string | undefined>>,
): number {
  for (const name of names) {
    const n = Number.parseInt(env[name] ?? '', 10);
    if (n >= 1) return Math.min(n, procs);
  }
  return procs;
}

/**
 * The per-product control over a library's `get`/`set` count functions. `use` asks the library for
 * its count before setting it (a few hundred nanoseconds), since the count is not this handle's: it
 * is the process's (OpenBLAS, BLIS) or the calling thread's (OpenMP), which other code may set too.
 */
export function threadControl(
  get: () => unknown,
  set: (n: number) => unknown,
  max: number,
  oneThreadWork: number,
): BlasThreads {
  return {
    max,
    oneThreadWork,
    use(n: number): void {
      if (Number(get()) !== n) set(n);
    },
  };
}
