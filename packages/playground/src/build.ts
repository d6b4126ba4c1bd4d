/**
 * Builds the playground page with esbuild: the page script (chainrule's packages and KaTeX
 * bundled in), its style sheet with KaTeX's fonts, and index.html. Every path is relative, so the
 * folder works from any static host, offline: nothing is fetched from elsewhere at run time.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The files of the built page, by path relative to the folder (`index.html`, `main.js`, `main.css`, fonts). */
export type PlaygroundFiles = ReadonlyMap<string, Uint8Array>;

const here = dirname(fileURLToPath(import.meta.url));
/** The package folder (one above src/ and dist/). */
const packageRoot = join(here, '..');

/** In this repository, bundle the packages' TypeScript sources (never a stale dist/). */
function sourceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const name of ['tensor', 'autograd', 'teaching']) {
    const src = join(packageRoot, '..', name, 'src', 'index.ts');
    if (existsSync(src)) aliases[`@chainrule/${name}`] = src;
  }
  return aliases;
}

/** The page around the script: no external URL anywhere (the icon is empty, so no request 404s). */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chainrule playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="main.css">
</head>
<body>
<div id="app"><p>Loading the playground…</p></div>
<script type="module" src="main.js"></script>
</body>
</html>
`;

/**
 * Bundles the page in memory.
 * @example
 * ```ts
 * const files = await buildPlayground();
 * [...files.keys()]; // ['index.html', 'main.js', 'main.css', 'fonts/KaTeX_Main-Regular-….woff2', …]
 * ```
 */
export async function buildPlayground(): Promise<PlaygroundFiles> {
  const outdir = join(packageRoot, '.playground-out'); // never written: write is false
  const result = await build({
    entryPoints: { main: join(packageRoot, 'src', 'page', 'main.ts') },
    bundle: true,
    format: 'esm',
    // each wasm kernel build is its own chunk: the page fetches the one its engine runs
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    outdir,
    assetNames: 'fonts/[name]-[hash]',
    loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
    alias: sourceAliases(),
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files = new Map<string, Uint8Array>([['index.html', new TextEncoder().encode(INDEX_HTML)]]);
  for (const f of result.outputFiles) files.set(relative(outdir, f.path).split('\\').join('/'), f.contents);
  return files;
}

/**
 * Builds the page and writes it to `folder` (created if missing); returns the paths written.
 * @example
 * ```ts
 * await writePlayground('playground-dist'); // then serve the folder with any static server
 * ```
 */
export async function writePlayground(folder: string): Promise<string[]> {
  const files = await buildPlayground();
  const written: string[] = [];
  for (const [path, contents] of files) {
    const target = resolve(folder, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contents);
    written.push(target);
  }
  return written;
}
