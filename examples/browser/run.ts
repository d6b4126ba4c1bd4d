/**
 * chainrule in a browser: bundles examples/browser/page.ts with esbuild (no Node modules get in),
 * serves it from a local HTTP server and loads it in headless Chromium, and reads back what the page
 * computed: the backend, the threads check and XOR. Three ways of serving it (PageMode):
 * cross-origin isolated (COOP/COEP headers: shared memory, Web Workers for large matmuls), plain
 * (one thread), and plain with Chrome < 114's 4 KiB cap on synchronous compilation emulated.
 *
 * Run: npx tsx examples/browser/run.ts   (needs Debian's chromium: apt-get install chromium)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { isMain } from '../lib/is-main.js';
import type { ThreadsResult } from './threads-page.js';
import type { XorResult } from './xor-page.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** What the page reports. */
export interface BrowserReport {
  backend: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Null where the import did not choose the wasm backend. */
  threads: ThreadsResult | null;
  xor: XorResult;
}

/**
 * How the page is served: with the cross-origin isolation headers, without them, or without them
 * and with `new WebAssembly.Module` refusing more than 4 KiB, as on Chrome's main thread before 114.
 */
export type PageMode = 'isolated' | 'plain' | 'old-chrome';

/** The first Chromium binary on this machine, or null. */
export function findChromium(): string | null {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'])
    if (existsSync(p)) return p;
  return null;
}

/** Bundles the page for the browser, from the packages' TypeScript sources. */
export async function bundlePage(): Promise<string> {
  const out = await build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
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

/** The headers that make a page cross-origin isolated (and so give it SharedArrayBuffer). */
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** The page: reports an uncaught error (e.g. a failed import) to /result too, then runs page.js. */
const HTML = `<!doctype html><meta charset="utf-8"><title>chainrule</title>
<script>
addEventListener('error', (e) =>
  fetch('/result', { method: 'POST', body: JSON.stringify({ error: String(e.message) }) }),
);
</script>
<body>running</body><script type="module" src="page.js"></script>`;

/** A classic script run before the page: synchronous compilation capped at 4 KiB, with Chrome's message. */
const OLD_CHROME_LIMIT = `<script>
(() => {
  const Module = WebAssembly.Module;
  const Capped = function Module(bytes, options) {
    if (bytes.byteLength > 4096) {
      throw new RangeError(
        'WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than 4KB. ' +
          'Use WebAssembly.compile, or compile on a worker thread.',
      );
    }
    return new Module(bytes, options);
  };
  Capped.prototype = Module.prototype;
  WebAssembly.Module = Capped;
})();
</script>`;

/**
 * Serves `script` on 127.0.0.1 (with or without the isolation headers), opens it in headless
 * Chromium and resolves with the JSON the page POSTs to /result.
 */
async function loadPage(chromium: string, script: string, mode: PageMode, timeoutMs: number): Promise<unknown> {
  const isolated = mode === 'isolated';
  const html = mode === 'old-chrome' ? HTML.replace('<body>', `${OLD_CHROME_LIMIT}<body>`) : HTML;
  const folder = mkdtempSync(join(tmpdir(), 'chainrule-browser-'));
  let browser: ReturnType<typeof spawn> | undefined;
  const server = createServer();
  try {
    return await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no result from Chromium within ${timeoutMs} ms`)), timeoutMs);
      server.on('request', (req, res) => {
        const headers = isolated ? ISOLATION_HEADERS : {};
        if (req.method === 'POST' && req.url === '/result') {
          let body = '';
          req.setEncoding('utf8');
          req.on('data', (chunk: string) => {
            body += chunk;
          });
          req.on('end', () => {
            res.writeHead(204, headers).end();
            clearTimeout(timer);
            try {
              resolve(JSON.parse(body));
            } catch (e) {
              reject(e instanceof Error ? e : new Error(String(e)));
            }
          });
          return;
        }
        if (req.url === '/' || req.url === '/page.js') {
          const js = req.url === '/page.js';
          res
            .writeHead(200, { ...headers, 'content-type': js ? 'text/javascript' : 'text/html; charset=utf-8' })
            .end(js ? script : html);
          return;
        }
        res.writeHead(404, headers).end();
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        browser = spawn(
          chromium,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
            '--disable-dev-shm-usage',
            `--user-data-dir=${join(folder, 'profile')}`,
            `http://127.0.0.1:${port}/`,
          ],
          { stdio: 'ignore' },
        );
        browser.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        browser.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`Chromium exited (${code}) before the page reported`));
        });
      });
    });
  } finally {
    server.close();
    server.closeAllConnections();
    if (browser !== undefined && browser.exitCode === null) {
      const exited = new Promise((resolve) => browser!.once('exit', resolve));
      browser.kill('SIGTERM');
      const force = setTimeout(() => browser!.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    }
    await removeFolder(folder);
  }
}

/** Removes a Chromium profile folder; its helper processes may still write for a moment after it quits. */
async function removeFolder(folder: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      rmSync(folder, { recursive: true, force: true });
      return;
    } catch (e) {
      if (attempt >= 50) throw e;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * Runs the page in headless Chromium, served as `mode` says; null when no Chromium is installed.
 * Throws with the page's message if the page failed.
 */
export async function runInBrowser(mode: PageMode, script?: string, timeoutMs = 60_000): Promise<BrowserReport | null> {
  const chromium = findChromium();
  if (chromium === null) return null;
  const r = (await loadPage(chromium, script ?? (await bundlePage()), mode, timeoutMs)) as
    | BrowserReport
    | { error: string };
  if ('error' in r) throw new Error(`the page failed: ${r.error}`);
  return r;
}

/** Prints one page's report. */
function printReport(mode: PageMode, r: BrowserReport): void {
  console.log(`${mode}: backend ${r.backend}, crossOriginIsolated ${r.crossOriginIsolated}`);
  const t = r.threads;
  if (t !== null) {
    const workers = t.webPool
      ? ` (${t.runningWorkers} web worker(s) running, ${t.workerChunks} chunk(s) computed by them)`
      : '';
    console.log(`  ${t.threads} thread(s)${workers}`);
    console.log(
      `  256² matmul fingerprints: threaded ${t.fingerprintsThreaded.join(', ')}; one thread ${t.fingerprintSingle}; ` +
        `default backend ${t.fingerprintDefault}; worst error ${t.worstErrorRatio.toFixed(3)} of the bound`,
    );
    for (const { n, msThreaded, msSingle } of t.timings) {
      const gflops = (ms: number): string => ((2 * n ** 3) / ms / 1e6).toFixed(1);
      console.log(
        `  matmul ${n}: ${msThreaded.toFixed(2)} ms (${gflops(msThreaded)} GFLOP/s) on ${t.threads} thread(s), ` +
          `${msSingle.toFixed(2)} ms (${gflops(msSingle)} GFLOP/s) on 1`,
      );
    }
  }
  console.log(
    `  XOR trained in ${r.xor.ms} ms, final loss ${r.xor.loss.toFixed(5)}, ` +
      `outputs ${r.xor.outputs.map((v) => v.toFixed(4)).join(' ')}`,
  );
}

if (isMain(import.meta.url)) {
  const script = await bundlePage();
  for (const mode of ['isolated', 'plain', 'old-chrome'] as const) {
    const r = await runInBrowser(mode, script);
    if (r === null) {
      console.log('no chromium found (apt-get install chromium)');
      break;
    }
    printReport(mode, r);
  }
}
