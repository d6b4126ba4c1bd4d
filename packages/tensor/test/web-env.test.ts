// Which runtimes get Web Workers for the wasm kernels (src/backends/wasm/web-env.ts). The workers
// themselves run in headless Chromium: examples/test/browser.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_WEB_THREADS, webWorkerCores } from '../src/backends/wasm/web-env.js';

/** Globals of a browser page: Worker, Blob, URL.createObjectURL, crossOriginIsolated, navigator. */
function stubPage(isolated: boolean, hardwareConcurrency: number | undefined): void {
  vi.stubGlobal('Worker', function Worker() {});
  vi.stubGlobal('Blob', function Blob() {});
  vi.stubGlobal('URL', { createObjectURL: () => 'blob:x', revokeObjectURL: () => undefined });
  vi.stubGlobal('crossOriginIsolated', isolated);
  vi.stubGlobal('navigator', hardwareConcurrency === undefined ? {} : { hardwareConcurrency });
}

describe('webWorkerCores', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is undefined in Node (no Web Workers, not cross-origin isolated)', () => {
    expect(webWorkerCores()).toBeUndefined();
  });

  it('is undefined in a page that is not cross-origin isolated (no shared memory)', () => {
    stubPage(false, 4);
    expect(webWorkerCores()).toBeUndefined();
  });

  it('is the core count of an isolated page, at least 1 and at most MAX_WEB_THREADS', () => {
    stubPage(true, 2);
    expect(webWorkerCores()).toBe(2);
    stubPage(true, 64);
    expect(webWorkerCores()).toBe(MAX_WEB_THREADS);
    stubPage(true, undefined);
    expect(webWorkerCores()).toBe(1);
  });

  it('is undefined where a page cannot make Blob URLs for the workers', () => {
    stubPage(true, 4);
    vi.stubGlobal('URL', {});
    expect(webWorkerCores()).toBeUndefined();
  });
});
