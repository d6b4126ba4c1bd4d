/**
 * What the signal-hold tests share (native-signals.test.ts, native-signals-linger.test.ts): koffi and
 * glibc or why not, the signal numbers, and readers of this thread's mask, its pending signals and
 * the process's threads' masks.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import { type ForeignLibrary, type Koffi, LIBC } from '../src/backends/native/ffi.js';

const require = createRequire(import.meta.url);

/** koffi and glibc, or why not. */
export const libc = ((): { koffi: Koffi; lib: ForeignLibrary } | { reason: string } => {
  if (process.platform !== 'linux') return { reason: 'not Linux' };
  try {
    const koffi = require('koffi') as Koffi;
    return { koffi, lib: koffi.load(LIBC) };
  } catch (e) {
    return { reason: `no koffi or ${LIBC} (${(e as Error).message.split('\n')[0]})` };
  }
})();
export const live = 'reason' in libc ? null : libc;
export const libcReason = live === null ? (libc as { reason: string }).reason : null;
export const skipped = (what: string, reason: string | null) =>
  reason === null ? what : `${what} (skipped: ${reason})`;

export const SIGINT = 2,
  SIGUSR2 = 12,
  SIGTERM = 15,
  SIGCHLD = 17,
  SIGSEGV = 11,
  SIGBUS = 7,
  SIGPROF = 27;

/** Whether signal `s` is pending for this thread alone (its SigPnd in /proc). */
export function pendingHere(s: number): boolean {
  const status = readFileSync('/proc/thread-self/status', 'utf8');
  return ((BigInt(`0x${/SigPnd:\s*([0-9a-f]+)/.exec(status)?.[1] ?? '0'}`) >> BigInt(s - 1)) & 1n) === 1n;
}

/** Busy-waits `ms` milliseconds (no task boundary, so no microtask runs). */
export function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
}

/** Whether signal `s` is blocked on this thread now (its mask read through pthread_sigmask). */
export function blockedNow(lib: ForeignLibrary, s: number): boolean {
  const mask = lib.func('int pthread_sigmask(int, void *, void *)');
  const member = lib.func('int sigismember(void *, int)');
  const current = new Uint8Array(128);
  expect(mask(0, null, current)).toBe(0); // SIG_BLOCK with no set: reads the mask, changes nothing
  return member(current, s) === 1;
}

/**
 * Threads of this process whose mask blocks `signals` (by default SIGINT and SIGPROF: what OpenMP's
 * threads are given) but not SIGSEGV.
 */
export function threadsBlockingAll(signals: readonly number[] = [SIGINT, SIGPROF]): number {
  let n = 0;
  for (const task of readdirSync('/proc/self/task')) {
    let status: string;
    try {
      status = readFileSync(`/proc/self/task/${task}/status`, 'utf8');
    } catch {
      continue; // a thread that ended meanwhile
    }
    const blocked = BigInt(`0x${/SigBlk:\s*([0-9a-f]+)/.exec(status)?.[1] ?? '0'}`);
    const bit = (s: number) => (blocked >> BigInt(s - 1)) & 1n;
    if (signals.every((s) => bit(s) === 1n) && bit(SIGSEGV) === 0n) n++;
  }
  return n;
}

/** A script for `node --import tsx --input-type=module -e`: koffi, libc and a reader of the mask's `signals`. */
export function childPrelude(): string {
  const signals = JSON.stringify(new URL('../src/backends/native/signals.ts', import.meta.url).pathname);
  const here = JSON.stringify(new URL('../package.json', import.meta.url).pathname);
  return `
    const { createRequire } = await import('node:module');
    const { signalHold, LINGER_MS } = await import(${signals});
    const koffi = createRequire(${here})('koffi');
    const libc = koffi.load(${JSON.stringify(LIBC)}), mask = new Uint8Array(128);
    const read = libc.func('int pthread_sigmask(int, void *, void *)');
    const member = libc.func('int sigismember(void *, int)');
    const blocks = (...signals) => read(0, null, mask) === 0 && signals.every((s) => member(mask, s) === 1);
  `;
}
