// Whether this runtime is a web page (or a web worker) that can share wasm memory with Web
// Workers. No imports, so the Node pool can ask it too.

/** The most threads (the page's own included) a browser pool uses, however many cores it reports. */
export const MAX_WEB_THREADS = 8;

interface WebGlobals {
  Worker?: unknown;
  Blob?: unknown;
  URL?: { createObjectURL?: unknown };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}

/**
 * Threads (the calling one included) for the kernels in a cross-origin isolated page or worker:
 * `navigator.hardwareConcurrency`, at most MAX_WEB_THREADS. Undefined where Web Workers cannot
 * share memory: not a browser, or a page served without the COOP/COEP headers (then
 * `crossOriginIsolated` is false and the backend runs on one thread).
 */
export function webWorkerCores(): number | undefined {
  const g = globalThis as WebGlobals;
  if (g.crossOriginIsolated !== true || typeof g.Worker !== 'function' || typeof g.Blob !== 'function')
    return undefined;
  if (typeof g.URL?.createObjectURL !== 'function') return undefined;
  const cores = g.navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(MAX_WEB_THREADS, typeof cores === 'number' && cores >= 1 ? Math.floor(cores) : 1));
}
