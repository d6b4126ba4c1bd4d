/**
 * chainrule in a browser: bundles examples/browser/xor-page.ts with esbuild (no Node modules get
 * in), loads it in headless Chromium, and reads back what the page trained.
 *
 * Run: npx tsx examples/browser/run.ts   (needs Debian's chromium: apt-get install chromium)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { isMain } from '../lib/is-main.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

export interface BrowserXorResult {
  backend: string;
  outputs: number[];
  loss: number;
  ms: number;
}

/** The first Chromium binary on this machine, or null. */
export function findChromium(): string | null {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (existsSync(p)) return p;
  return null;
}

/** Bundles the page for the browser, from the packages' TypeScript sources. */
export async function bundlePage(): Promise<string> {
  const out = await build({
    entryPoints: [join(here, 'xor-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    alias: {
      '@chainrule/tensor': join(root, 'packages/tensor/src/index.ts'),
      '@chainrule/autograd': join(root, 'packages/autograd/src/index.ts'),
      '@chainrule/nn': join(root, 'packages/nn/src/index.ts'),
    },
  });
  return out.outputFiles[0]!.text;
}

/** Trains XOR in headless Chromium; null when no Chromium is installed. */
export async function trainXorInBrowser(): Promise<BrowserXorResult | null> {
  const chromium = findChromium();
  if (chromium === null) return null;
  const script = await bundlePage();
  const folder = mkdtempSync(join(tmpdir(), 'chainrule-browser-'));
  try {
    const page = join(folder, 'index.html');
    writeFileSync(page, `<!doctype html><meta charset="utf-8"><title>chainrule XOR</title><body>running</body><script type="module">${script.replaceAll('</script', '<\\/script')}</script>`);
    const dom = execFileSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', `--user-data-dir=${join(folder, 'profile')}`, '--dump-dom', `file://${page}`,
    ], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const body = /<body>([\s\S]*)<\/body>/.exec(dom)?.[1] ?? '';
    return JSON.parse(body.trim()) as BrowserXorResult;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const r = await trainXorInBrowser();
  if (r === null) console.log('no chromium found (apt-get install chromium)');
  else {
    console.log(`trained in headless Chromium on the ${r.backend} backend in ${r.ms} ms, final loss ${r.loss.toFixed(5)}`);
    console.log('XOR outputs:', r.outputs.map((v) => v.toFixed(4)).join(' '));
  }
}
