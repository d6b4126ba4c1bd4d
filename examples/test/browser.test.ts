import { describe, expect, it } from 'vitest';
import { bundlePage, findChromium, trainXorInBrowser } from '../browser/run.js';

describe('chainrule in a browser', () => {
  it('bundles for the browser with no Node built-in modules', async () => {
    // esbuild (platform browser) fails on a static node: import; check the output has none either.
    // (The worker pool's source text mentions node:worker_threads; it only ever runs inside Node.)
    const code = await bundlePage();
    expect(code).not.toMatch(/^\s*import[^;]*["']node:/m);
    expect(code.length).toBeGreaterThan(10_000);
  });
  it('trains XOR in headless Chromium (skipped when no Chromium is installed)', { timeout: 120_000 }, async (ctx) => {
    if (findChromium() === null) {
      ctx.skip();
      return;
    }
    const r = (await trainXorInBrowser())!;
    expect(r.outputs.map(Math.round)).toEqual([0, 1, 1, 0]);
    expect(r.loss).toBeLessThan(0.02);
  });
});
