/**
 * The browser side of examples/browser/run.ts, bundled by esbuild: reports which backend the
 * import chose, whether the page is cross-origin isolated, the wasm threads check
 * (threads-page.ts, when the import chose wasm) and the XOR training (xor-page.ts), by POSTing
 * JSON to /result.
 */
import { getBackend } from '@chainrule/tensor';
import { checkThreads } from './threads-page.js';
import { trainXor } from './xor-page.js';

declare const document: { body: { textContent: string | null } };
declare const navigator: { hardwareConcurrency?: number };

async function report(): Promise<unknown> {
  try {
    return {
      backend: getBackend().name,
      crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
      hardwareConcurrency: navigator.hardwareConcurrency ?? 0,
      threads: getBackend().name === 'wasm' ? await checkThreads() : null,
      xor: trainXor(),
    };
  } catch (e) {
    return { error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
}

const result = JSON.stringify(await report());
document.body.textContent = result;
await fetch('/result', { method: 'POST', body: result });
