// The playground in real headless Chromium (skipped, saying why, when no Chromium is installed):
// type (x+y)*z at x=-2, y=5, z=-4, step through, read the values and gradients from the nodes'
// data attributes, check the exercise grading and that the page logged no error. It also saves
// the screenshot the root README shows, docs/playground.png (rewritten when missing or when
// CHAINRULE_UPDATE_SCREENSHOTS=1). Run: npx vitest run --project playground browser
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlaygroundServer, servePlayground } from '../src/server.js';
import { Browser, findChromium } from './chromium.js';

const chromium = findChromium();
const SCREENSHOT = fileURLToPath(new URL('../../../docs/playground.png', import.meta.url));

if (chromium === null) console.warn('playground browser test skipped: no Chromium (apt-get install chromium)');

describe.skipIf(chromium === null)('the playground in headless Chromium', () => {
  let server: PlaygroundServer;
  let browser: Browser;
  /** Each node's data-value and data-grad, by test id. */
  const nodes = (): Promise<Record<string, { value: string | null; grad: string | null }>> =>
    browser.evaluate(`Object.fromEntries([...document.querySelectorAll('[data-testid^="node-"]')].map((e) =>
      [e.dataset.testid.slice(5), { value: e.getAttribute('data-value'), grad: e.getAttribute('data-grad') }]))`);
  const text = (testid: string): Promise<string> =>
    browser.evaluate(`document.querySelector('[data-testid="${testid}"]').textContent`);
  const disabled = (testid: string): Promise<boolean> =>
    browser.evaluate(`document.querySelector('[data-testid="${testid}"]').disabled`);

  beforeAll(async () => {
    server = await servePlayground();
    browser = await Browser.launch(chromium!);
    await browser.open(server.url);
    await browser.waitFor(`document.querySelector('[data-testid="node-f"]')`);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('computes (x+y)*z forward and backward, one node at a time', async () => {
    await browser.type('expr-input', '(x+y)*z');
    expect(await browser.evaluate<string>('document.activeElement.dataset.testid')).toBe('expr-input');
    for (const [name, v] of [
      ['x', '-2'],
      ['y', '5'],
      ['z', '-4'],
    ] as const)
      await browser.type(`var-${name}`, v);
    await browser.waitFor(`document.querySelector('[data-testid="var-z"]').value === '-4'`);
    expect(await text('error')).toBe('');
    // typing rebuilt the page at every key, and the focus stayed where the student typed
    expect(await browser.evaluate<string>('document.activeElement.dataset.testid')).toBe('var-z');
    let n = await nodes();
    expect(Object.keys(n).sort()).toEqual(['add1', 'f', 'x', 'y', 'z']);
    expect([n.x!.value, n.add1!.value, n.f!.value, n.x!.grad]).toEqual(['-2', '', '', '']);
    expect(await disabled('step-backward')).toBe(true); // the forward pass comes first

    await browser.click('step-forward');
    n = await nodes();
    expect([n.add1!.value, n.f!.value]).toEqual(['3', '']);
    expect(await text('step-text')).toContain('add1 = x + y = 3');
    await browser.click('step-forward');
    expect((await nodes()).f!.value).toBe('-12');
    expect(await disabled('step-forward')).toBe(true);

    await browser.click('step-backward'); // the seed
    n = await nodes();
    expect([n.f!.grad, n.add1!.grad, n.z!.grad]).toEqual(['1', '', '']);
    await browser.click('step-backward'); // f = add1·z
    n = await nodes();
    expect([n.add1!.grad, n.z!.grad, n.x!.grad]).toEqual(['-4', '3', '']);
    expect(await text('step-text')).toContain('local ∂f/∂add1 = z = -4');
    const current = await browser.evaluate<string[]>(
      `[...document.querySelectorAll('.node.current, path.edge.active')]
        .map((e) => e.getAttribute('data-testid') ?? 'edge')`,
    );
    expect(current.sort()).toEqual(['edge', 'edge', 'node-f']);
    if (!existsSync(SCREENSHOT) || process.env.CHAINRULE_UPDATE_SCREENSHOTS === '1') {
      const png = await browser.screenshot();
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 860]);
      writeFileSync(SCREENSHOT, png);
    }
    await browser.click('step-backward'); // add1 = x + y
    n = await nodes();
    expect(n.f!.value).toBe('-12');
    expect([n.x!.grad, n.y!.grad, n.z!.grad]).toEqual(['-4', '-4', '3']);
    expect(await text('step-text')).toContain('∂f/∂x = ∂f/∂add1 · ∂add1/∂x = (-4) · 1 = -4');
    expect(await disabled('step-backward')).toBe(true);

    await browser.click('reset');
    n = await nodes();
    expect([n.f!.value, n.x!.grad]).toEqual(['', '']);
    await browser.click('run-all');
    n = await nodes();
    expect([n.f!.value, n.x!.grad, n.y!.grad, n.z!.grad]).toEqual(['-12', '-4', '-4', '3']);
  });

  it('renders the symbolic derivatives with the bundled KaTeX', async () => {
    expect(await browser.evaluate<number>(`document.querySelectorAll('[data-testid="symbolic"] .katex').length`)).toBe(
      3,
    );
    const fonts = await browser.evaluate<number>(
      `document.fonts.ready.then(() =>
        [...document.fonts].filter((f) => f.family.startsWith('KaTeX') && f.status === 'loaded').length)`,
    );
    expect(fonts).toBeGreaterThan(0);
  });

  it('grades typed local gradients like the terminal exercise', async () => {
    await browser.click('exercise-start');
    expect(await text('exercise-prompt')).toContain('∂f/∂add1');
    await browser.type('exercise-answer', '-4');
    await browser.click('exercise-check');
    expect(await text('exercise-feedback')).toContain('✓ right');
    await browser.type('exercise-answer', '5');
    await browser.click('exercise-check');
    expect(await text('exercise-feedback')).toMatch(/✗ not yet.*try again/);
  });

  it('shows a syntax error in the page, not in the console', async () => {
    await browser.type('expr-input', '(x+');
    expect(await text('error')).toMatch(/graphFromExpression/);
    await browser.type('expr-input', '(x+y)*z');
    expect(await text('error')).toBe('');
  });

  it('keeps the hooks in the micrograd and circuit pictures', async () => {
    for (const style of ['micrograd', 'circuit', 'compact']) {
      await browser.evaluate(`(() => { const s = document.querySelector('[data-testid="picture-style"]');
        s.value = '${style}'; s.dispatchEvent(new Event('change')); })()`);
      await browser.click('reset');
      expect((await nodes()).x!.grad).toBe('');
      await browser.click('run-all');
      const n = await nodes();
      expect([n.f!.value, n.add1!.grad, n.x!.grad, n.y!.grad, n.z!.grad]).toEqual(['-12', '-4', '-4', '-4', '3']);
    }
  });

  it('starts from an expression and values in the address, and keeps them there', async () => {
    expect(await browser.evaluate<string>('location.hash')).toBe('#expr=%28x%2By%29*z&x=-2&y=5&z=-4');
    await browser.open('about:blank');
    await browser.open(`${server.url}#expr=${encodeURIComponent('tanh(w*x)')}&w=0.5&x=2`);
    await browser.waitFor(`document.querySelector('[data-testid="node-f"]')`);
    expect(await browser.evaluate<string>(`document.querySelector('[data-testid="var-w"]').value`)).toBe('0.5');
    await browser.click('run-all');
    const n = await nodes();
    expect(Number(n.f!.value)).toBeCloseTo(Math.tanh(1), 14);
    expect(Number(n.w!.grad)).toBeCloseTo((1 - Math.tanh(1) ** 2) * 2, 14);
  });

  it('logged no console error, exception or failed request', () => {
    expect(browser.errors).toEqual([]);
  });

  it('fetched nothing but its own files (KaTeX, its fonts and the wasm kernels are bundled)', () => {
    const own = browser.requests.filter((u) => u.startsWith(server.url));
    expect(browser.requests.filter((u) => !u.startsWith(server.url) && !/^(data|about):/.test(u))).toEqual([]);
    expect(own.some((u) => u.endsWith('/main.js')) && own.some((u) => /\/fonts\/KaTeX_.*\.woff2$/.test(u))).toBe(true);
  });
});
