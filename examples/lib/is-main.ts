import { pathToFileURL } from 'node:url';

/** True when the module at `url` is the script node was started with (`npx tsx examples/x.ts`). */
export function isMain(url: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(entry).href === url;
}
