/** A tiny static server for the built playground: 127.0.0.1 only, GET and HEAD, nothing else. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type PlaygroundFiles, buildPlayground } from './build.js';

/** A running playground server. */
export interface PlaygroundServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Stops the server (open connections are closed too). */
  close(): Promise<void>;
}

/** Options of `servePlayground`. */
export interface ServeOptions {
  /** The port (default 0: a free one the system picks). */
  port?: number;
  /** Already built files (default: `buildPlayground()`). */
  files?: PlaygroundFiles;
}

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  woff2: 'font/woff2',
  woff: 'font/woff',
  ttf: 'font/ttf',
};

/**
 * Builds the playground and serves it on 127.0.0.1; resolves once it listens.
 * @throws RangeError for a port outside 0..65535; the server's error (e.g. EADDRINUSE) if it cannot listen.
 * @example
 * ```ts
 * const server = await servePlayground({ port: 8080 });
 * console.log(`open ${server.url}`);
 * await server.close();
 * ```
 */
export async function servePlayground(options: ServeOptions = {}): Promise<PlaygroundServer> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`servePlayground: port must be an integer in 0..65535, got ${port}`);
  const files = options.files ?? (await buildPlayground());
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname).replace(/^\/+/, '');
    const body = files.get(path === '' ? 'index.html' : path);
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const ext = path === '' ? 'html' : (path.split('.').pop() ?? '');
    res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
