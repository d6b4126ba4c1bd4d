/**
 * `npm run build:playground [folder]`: writes the playground as a static folder (default
 * `playground-dist/` at the repository root) that works from any static host, offline.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePlayground } from './build.js';

const folder = process.argv[2] ?? fileURLToPath(new URL(join('..', '..', '..', 'playground-dist'), import.meta.url));
const written = await writePlayground(folder);
console.log(`wrote ${written.length} files to ${folder} (open index.html through any static server)`);
