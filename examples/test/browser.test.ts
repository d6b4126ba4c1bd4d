// The packages in headless Chromium (skipped when no Chromium is installed): the page is served
// with and without the cross-origin isolation headers, and with Chrome < 114's 4 KiB cap on
// synchronous compilation emulated; see examples/browser/run.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { bundlePage, findChromium, runInBrowser, type BrowserReport } from '../browser/run.js';
import type { ThreadsResult } from '../browser/threads-page.js';
import { MAX_WEB_THREADS } from '../../packages/tensor/src/backends/wasm/web-env.js';

describe('chainrule in a browser', () => {
  it('bundles for the browser with no Node built-in modules', async () => {
    // esbuild (platform browser) fails on a static node: import; check the output has none either.
    // (The worker pool's source text mentions node:worker_threads; it only ever runs inside Node.)
    const code = await bundlePage();
    expect(code).not.toMatch(/^\s*import[^;]*["']node:/m);
    expect(code.length).toBeGreaterThan(10_000);
  });

  describe.skipIf(findChromium() === null)('in headless Chromium', () => {
    let isolated: BrowserReport;
    let plain: BrowserReport;
    let oldChrome: BrowserReport;
    let isolatedThreads: ThreadsResult;
    let plainThreads: ThreadsResult;
    beforeAll(async () => {
      const script = await bundlePage();
      isolated = (await runInBrowser('isolated', script))!;
      plain = (await runInBrowser('plain', script))!;
      oldChrome = (await runInBrowser('old-chrome', script))!;
      expect(isolated.threads).not.toBeNull();
      expect(plain.threads).not.toBeNull();
      isolatedThreads = isolated.threads!;
      plainThreads = plain.threads!;
    }, 120_000);

    it('chooses the wasm backend at import, isolated or not', () => {
      expect(isolated.backend).toBe('wasm');
      expect(plain.backend).toBe('wasm');
      expect(isolated.crossOriginIsolated).toBe(true);
      expect(plain.crossOriginIsolated).toBe(false);
    });

    it('uses Web Workers when cross-origin isolated, and they compute chunks', () => {
      const t = isolatedThreads;
      expect(t.threads).toBe(Math.max(1, Math.min(MAX_WEB_THREADS, isolated.hardwareConcurrency)));
      if (isolated.hardwareConcurrency < 2) return;
      expect(t.webPool).toBe(true);
      expect(t.runningWorkers).toBe(t.threads - 1);
      expect(t.workerChunks).toBeGreaterThan(0);
    });

    it('runs on one thread without the isolation headers', () => {
      expect(plainThreads.threads).toBe(1);
      expect(plainThreads.webPool).toBe(false);
    });

    it('gives the same bits for any thread count, within the bound of the js backend', () => {
      for (const t of [isolatedThreads, plainThreads]) {
        expect(t.fingerprintsThreaded).toEqual([t.fingerprintSingle]);
        expect(t.fingerprintDefault).toBe(t.fingerprintSingle);
        expect(t.worstErrorRatio).toBeLessThanOrEqual(1);
        expect(t.timings.map((x) => [x.n, x.identical])).toEqual([
          [256, true],
          [512, true],
        ]);
      }
      // Shared or plain memory, the same engine runs the same kernel. (Another engine may not: where it
      // accepts relaxed SIMD the kernels fuse multiply and add, so Node 20 and Chromium differ.)
      expect(plainThreads.fingerprintSingle).toBe(isolatedThreads.fingerprintSingle);
    });

    it('keeps the TypeScript backend where synchronous compilation is capped at 4 KiB (Chrome < 114)', () => {
      expect(oldChrome.backend).toBe('js');
      expect(oldChrome.threads).toBeNull();
    });

    it('trains XOR', () => {
      for (const r of [isolated, plain, oldChrome]) {
        expect(r.xor.outputs.map(Math.round)).toEqual([0, 1, 1, 0]);
        expect(r.xor.loss).toBeLessThan(0.02);
        // compile runs in the browser: the same final loss, bit for bit, from replayed plans
        expect(r.xor.compiled.loss).toBe(r.xor.loss);
        expect(r.xor.compiled.replayed).toBe(2998);
      }
    });
  });
});
