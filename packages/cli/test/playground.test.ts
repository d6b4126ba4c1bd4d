// `chainrule playground`: serves the page on 127.0.0.1, prints the URL, and a taken port is a one-line error.
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { stopPlaygrounds } from '../src/commands/playground.js';
import { run } from './helpers/capture.js';

describe('chainrule playground', () => {
  afterAll(stopPlaygrounds);

  it('serves the page and its bundle on 127.0.0.1 and prints the URL', async () => {
    const r = await run(['playground']);
    expect(r.code).toBe(0);
    const url = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(r.stdout)?.[0];
    expect(url).toBeDefined();
    const page = await fetch(url!);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="main.js">');
    const js = await fetch(new URL('main.js', url));
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(new URL('nothing-here', url))).status).toBe(404);
  });

  it('says which port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await run(['playground', '--port', String(port)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`chainrule playground: cannot serve the playground: port ${port} is in use\n`);
    } finally {
      blocker.close();
    }
  });

  it('rejects an argument and prints help', async () => {
    expect((await run(['playground', 'extra'])).code).toBe(2);
    const help = await run(['playground', '--help']);
    expect(help.stdout).toContain('chainrule playground [--port N]');
  });
});
