/**
 * Signals held off around oneDNN's gemm (signals.ts, oneDNN issue #4845): the hold blocks the
 * asynchronous signals on the calling thread and puts the mask back, nested holds count, and a
 * process profiled with `node --cpu-prof` (SIGPROF every millisecond) survives seconds of oneDNN
 * products, which aborted with glibc's "corrupted size vs. prev_size" before. The live parts need
 * koffi and glibc (else skipped, with the reason), the last one oneDNN too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBlas } from '../src/backends/native/blas.js';
import { type ForeignLibrary, type Koffi, LIBC } from '../src/backends/native/ffi.js';
import { withNativeBlas } from '../src/backends/native/index.js';
import { ONEDNN_CANDIDATES } from '../src/backends/native/onednn.js';
import { signalHold } from '../src/backends/native/signals.js';
import { getBackend, residentMemory } from '../src/index.js';

const require = createRequire(import.meta.url);

/** koffi and glibc, or why not. */
const libc = ((): { koffi: Koffi; lib: ForeignLibrary } | { reason: string } => {
  if (process.platform !== 'linux') return { reason: 'not Linux' };
  try {
    const koffi = require('koffi') as Koffi;
    return { koffi, lib: koffi.load(LIBC) };
  } catch (e) {
    return { reason: `no koffi or ${LIBC} (${(e as Error).message.split('\n')[0]})` };
  }
})();
const live = 'reason' in libc ? null : libc;
const skipped = (what: string, reason: string | null) => (reason === null ? what : `${what} (skipped: ${reason})`);

/** Whether signal `s` is blocked on this thread now (its mask read through pthread_sigmask). */
function blockedNow(lib: ForeignLibrary, s: number): boolean {
  const mask = lib.func('int pthread_sigmask(int, void *, void *)');
  const member = lib.func('int sigismember(void *, int)');
  const current = new Uint8Array(128);
  expect(mask(0, null, current)).toBe(0); // SIG_BLOCK with no set: reads the mask, changes nothing
  return member(current, s) === 1;
}

const SIGINT = 2,
  SIGUSR2 = 12,
  SIGTERM = 15,
  SIGCHLD = 17,
  SIGSEGV = 11,
  SIGBUS = 7,
  SIGPROF = 27;

const libcReason = live === null ? (libc as { reason: string }).reason : null;

describe.skipIf(live === null)(skipped('signalHold', libcReason), () => {
  it('blocks asynchronous signals, leaves faults and (with an alternate stack) SIGPROF open, and restores', () => {
    const { koffi, lib } = live!;
    const hold = signalHold(koffi)!;
    expect(hold).not.toBeNull();
    expect([SIGINT, SIGUSR2, SIGTERM, SIGCHLD].map((s) => blockedNow(lib, s))).toEqual([false, false, false, false]);
    hold.hold();
    try {
      expect([SIGINT, SIGUSR2, SIGTERM, SIGCHLD].map((s) => blockedNow(lib, s))).toEqual([true, true, true, true]);
      expect([SIGSEGV, SIGBUS].map((s) => blockedNow(lib, s))).toEqual([false, false]);
      // the hold gave this thread an alternate signal stack, so V8's profiler signal stays open
      const stack = new Uint8Array(24);
      expect(lib.func('int sigaltstack(void *, void *)')(null, stack)).toBe(0);
      expect(new DataView(stack.buffer).getInt32(8, true) & 2).toBe(0); // not SS_DISABLE
      expect(blockedNow(lib, SIGPROF)).toBe(false);
      hold.hold(); // nested: the inner release must not reopen
      hold.release();
      expect(blockedNow(lib, SIGINT)).toBe(true);
    } finally {
      hold.release();
    }
    expect([SIGINT, SIGUSR2, SIGTERM, SIGCHLD].map((s) => blockedNow(lib, s))).toEqual([false, false, false, false]);
    hold.release(); // one too many: a no-op
    expect(blockedNow(lib, SIGINT)).toBe(false);
  });

  it('is one hold per thread, so that nesting counts across callers', () => {
    expect(signalHold(live!.koffi)).toBe(signalHold(live!.koffi));
  });
});

/** The first oneDNN that loads, or why none does. */
const onednn = ((): string | { reason: string } => {
  if (libcReason !== null) return { reason: libcReason };
  const reasons: string[] = [];
  for (const name of ONEDNN_CANDIDATES) {
    const b = loadBlas(name, process.platform);
    if (!('reason' in b)) return name;
    reasons.push(b.reason);
  }
  return { reason: reasons.join('; ') };
})();
const dnnl = typeof onednn === 'string' ? onednn : null;

const dnnlReason = dnnl === null ? (onednn as { reason: string }).reason : null;

describe.skipIf(dnnl === null)(skipped('oneDNN under a profiler', dnnlReason), () => {
  it("holds them once around a compiled plan's run (the resident memory's withoutGrowth)", () => {
    const { backend } = withNativeBlas(getBackend(), { CHAINRULE_BLAS: dnnl! });
    const memory = residentMemory(backend);
    if (memory === undefined) return expect(getBackend().name).toBe('js'); // no resident memory: nothing to hold
    expect(blockedNow(live!.lib, SIGINT)).toBe(false);
    expect(memory.withoutGrowth(() => blockedNow(live!.lib, SIGINT))).toBe(true);
    expect(blockedNow(live!.lib, SIGINT)).toBe(false);
    expect(() =>
      memory.withoutGrowth(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(blockedNow(live!.lib, SIGINT)).toBe(false);
  });

  it('survives node --cpu-prof (SIGPROF every millisecond) through seconds of products', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainrule-sigprof-'));
    try {
      const script = join(dir, 'products.mjs');
      const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
      writeFileSync(
        script,
        `import { NDArray, matmul, backendInfo } from ${JSON.stringify(entry)};
const a = new NDArray(new Float32Array(512 * 512).fill(0.5), [512, 512]);
const start = Date.now();
let n = 0, bad = 0;
while (Date.now() - start < 3000) { const c = matmul(a, a); if (c.data[12345] !== 128) bad++; n++; }
console.log(JSON.stringify({ blas: backendInfo().blas, n, bad }));
`,
      );
      const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, script], {
        env: { ...process.env, CHAINRULE_BLAS: dnnl! },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.stderr).not.toMatch(/corrupted|invalid pointer|double free/);
      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as { blas: string; n: number; bad: number };
      expect(report.blas).toBe(dnnl);
      expect(report.n).toBeGreaterThan(100);
      expect(report.bad).toBe(0);
      expect(readdirSync(dir).some((f) => f.endsWith('.cpuprofile'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
