/**
 * What the native layer needs of Node and of the FFI package koffi (an optional dependency), in
 * one place: Node's `require`, koffi itself or why it is missing, and the process's platform and
 * environment. Nothing here is reached in a browser.
 */

/** glibc's C library, by the name its loader knows (musl's is another). */
export const LIBC = 'libc.so.6';

/** What the native layer needs of a library koffi loaded. */
export interface ForeignLibrary {
  func(signature: string): (...args: unknown[]) => unknown;
}

/** What the native layer needs of koffi: loading libraries, and declaring and reading a C struct. */
export interface Koffi {
  load(path: string): ForeignLibrary;
  struct(members: Record<string, string>): unknown;
  decode(value: unknown, type: unknown): unknown;
}

/** Node's `require` (with `resolve`), as `createRequire` makes it. */
export type NodeRequire = ((id: string) => unknown) & { resolve(id: string): string };

/** The process's environment (Node), which the libraries read; an empty one elsewhere. */
export type Env = Record<string, string | undefined>;

/** `require` in Node (ESM or CJS), or null elsewhere. */
export function nodeRequire(): NodeRequire | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:module') as { createRequire(from: string): NodeRequire } | undefined;
  return mod === undefined ? null : mod.createRequire(import.meta.url);
}

/** koffi, or why it cannot be had (not Node, not installed). */
export function loadKoffi(require: NodeRequire | null): Koffi | { reason: string } {
  if (require === null) return { reason: 'not in Node' };
  try {
    return require('koffi') as Koffi;
  } catch (e) {
    return { reason: `the optional dependency koffi is not installed (${(e as Error).message.split('\n')[0]})` };
  }
}

/** The process's platform (`linux`, `darwin`, ...), or `browser` outside Node. */
export function runtimePlatform(): string {
  return (globalThis as { process?: { platform?: string } }).process?.platform ?? 'browser';
}

/** The process's environment (Node); an empty one elsewhere. */
export function processEnv(): Env {
  return (globalThis as { process?: { env?: Env } }).process?.env ?? {};
}
