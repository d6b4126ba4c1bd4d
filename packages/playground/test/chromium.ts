/**
 * Headless Chromium driven over the DevTools protocol through a pipe (`--remote-debugging-pipe`:
 * NUL-separated JSON on file descriptors 3 and 4), so no WebSocket client and no driver library
 * are needed. Just enough for the playground's test: open a page, evaluate, type, click, collect
 * console errors, take a screenshot.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The first Chromium binary on this machine ($CHROMIUM_PATH first), or null. */
export function findChromium(): string | null {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  for (const p of candidates) if (p !== undefined && p !== '' && existsSync(p)) return p;
  return null;
}

type Json = Record<string, unknown>;
interface Pending {
  resolve(v: Json): void;
  reject(e: Error): void;
}

/** One page of a headless Chromium. */
export class Browser {
  /** Console errors, uncaught exceptions and failed loads the page reported. */
  readonly errors: string[] = [];
  /** Every URL the page requested. */
  readonly requests: string[] = [];
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: { method: string; resolve(): void }[] = [];
  private buffer = '';
  private sessionId = '';

  private constructor(
    private readonly process: ChildProcess,
    private readonly folder: string,
  ) {
    const out = process.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => this.receive(chunk));
  }

  /** Starts Chromium with an empty profile and opens a blank page of the given size. */
  static async launch(chromium: string, width = 1280, height = 860): Promise<Browser> {
    const folder = mkdtempSync(join(tmpdir(), 'chainrule-playground-'));
    const child = spawn(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--remote-debugging-pipe',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-dev-shm-usage',
        '--hide-scrollbars',
        `--user-data-dir=${join(folder, 'profile')}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const browser = new Browser(child, folder);
    const { targetId } = (await browser.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await browser.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    browser.sessionId = sessionId;
    for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await browser.send(`${domain}.enable`);
    await browser.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    return browser;
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf('\0');
    while (end >= 0) {
      const message = JSON.parse(this.buffer.slice(0, end)) as Json;
      this.buffer = this.buffer.slice(end + 1);
      end = this.buffer.indexOf('\0');
      if (typeof message.id === 'number') {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        const error = message.error as { message?: string } | undefined;
        if (error !== undefined) p?.reject(new Error(`CDP: ${error.message ?? JSON.stringify(error)}`));
        else p?.resolve((message.result ?? {}) as Json);
        continue;
      }
      this.event(String(message.method), (message.params ?? {}) as Json);
    }
  }

  private event(method: string, params: Json): void {
    if (method === 'Runtime.consoleAPICalled' && params.type === 'error') {
      const args = (params.args as { value?: unknown; description?: string }[]) ?? [];
      this.errors.push(`console.error: ${args.map((a) => String(a.value ?? a.description)).join(' ')}`);
    } else if (method === 'Runtime.exceptionThrown') {
      const d = params.exceptionDetails as { text?: string; exception?: { description?: string } };
      this.errors.push(`exception: ${d.exception?.description ?? d.text}`);
    } else if (method === 'Network.requestWillBeSent') {
      this.requests.push(String((params.request as { url?: string }).url));
    } else if (method === 'Log.entryAdded') {
      const entry = params.entry as { level?: string; text?: string; url?: string };
      if (entry.level === 'error') this.errors.push(`log: ${entry.text} ${entry.url ?? ''}`);
    }
    for (const w of this.waiters.filter((x) => x.method === method)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
  }

  /** Sends a command (to the page's session once attached) and resolves with its result. */
  send(method: string, params: Json = {}): Promise<Json> {
    const id = this.next++;
    const message: Json = { id, method, params };
    if (this.sessionId !== '' && !/^(Target|Browser)\./.test(method)) message.sessionId = this.sessionId;
    return new Promise<Json>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      (this.process.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    });
  }

  /** Loads `url` and waits for its load event. */
  async open(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => this.waiters.push({ method: 'Page.loadEventFired', resolve }));
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** The value of a JavaScript expression in the page (awaited if a promise); throws what the page threw. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: T };
      exceptionDetails?: { exception?: { description?: string }; text?: string };
    };
    if (r.exceptionDetails !== undefined)
      throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** Waits until `expression` is truthy in the page. */
  async waitFor(expression: string, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`))) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Clicks the middle of the element with this test id, as a mouse would. */
  async click(testid: string): Promise<void> {
    const { x, y } = await this.evaluate<{ x: number; y: number }>(
      `(() => { const e = document.querySelector('[data-testid="${testid}"]'); e.scrollIntoView({ block: 'center' });
        const r = e.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`,
    );
    for (const type of ['mousePressed', 'mouseReleased'])
      await this.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
  }

  /** Replaces the text of the input with this test id by typing `text` into it, one character at a time. */
  async type(testid: string, text: string): Promise<void> {
    await this.evaluate(
      `(() => { const e = document.querySelector('[data-testid="${testid}"]'); e.focus(); e.select(); })()`,
    );
    for (const ch of text) await this.send('Input.insertText', { text: ch }); // key by key, as a person types
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Buffer> {
    const { data } = (await this.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    return Buffer.from(data, 'base64');
  }

  /** Closes Chromium and removes its profile. */
  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    if (this.process.exitCode === null) {
      this.send('Browser.close').catch(() => {});
      const force = setTimeout(() => this.process.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        rmSync(this.folder, { recursive: true, force: true });
        return;
      } catch (e) {
        if (attempt >= 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
