/**
 * Signals held off around oneDNN's gemm (signals.ts, oneDNN issue #4845): the hold blocks the
 * asynchronous signals on the calling thread and puts the mask back (how it lingers first:
 * native-signals-linger.test.ts), nested holds count, a run (a compiled replay) holds them from its
 * first oneDNN call to its end, OpenMP's threads start with them blocked, and a process profiled
 * with `node --cpu-prof` (SIGPROF every millisecond) survives seconds of oneDNN products, which
 * aborted with glibc's "corrupted size vs. prev_size" before, with its samples taken during the
 * products. The live parts need koffi and glibc (else skipped, with the reason), the last four
 * oneDNN too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBlas } from '../src/backends/native/blas.js';
import type { ForeignLibrary, Koffi } from '../src/backends/native/ffi.js';
import { withNativeBlas } from '../src/backends/native/index.js';
import { signalHold } from '../src/backends/native/signals.js';
import { getBackend, ones, residentMemory } from '../src/index.js';
import { firstOnednn } from './onednn-helpers.js';
import {
  SIGBUS,
  SIGCHLD,
  SIGINT,
  SIGPROF,
  SIGSEGV,
  SIGTERM,
  SIGUSR2,
  blockedNow,
  libcReason,
  live,
  skipped,
  threadsBlockingAll,
} from './signal-helpers.js';

describe.skipIf(live === null)(skipped('signalHold', libcReason), () => {
  const { koffi, lib } = live ?? ({} as { koffi: Koffi; lib: ForeignLibrary });
  const ASYNC = [SIGINT, SIGUSR2, SIGTERM, SIGCHLD];
  const none = ASYNC.map(() => false),
    all = ASYNC.map(() => true);

  it('blocks asynchronous signals, leaves faults open, counts nested holds and restores', () => {
    const hold = signalHold(koffi)!;
    expect(hold).not.toBeNull();
    expect(ASYNC.map((s) => blockedNow(lib, s))).toEqual(none);
    hold.hold();
    try {
      expect(ASYNC.map((s) => blockedNow(lib, s))).toEqual(all);
      expect([SIGSEGV, SIGBUS].map((s) => blockedNow(lib, s))).toEqual([false, false]);
      hold.hold(); // nested: the inner release must not reopen
      hold.release();
      expect(blockedNow(lib, SIGINT)).toBe(true);
    } finally {
      hold.release();
    }
    hold.settle(); // (where SIGPROF is open, the mask lingers: this restores it)
    expect(ASYNC.map((s) => blockedNow(lib, s))).toEqual(none);
    hold.release(); // one too many: a no-op
    expect(blockedNow(lib, SIGINT)).toBe(false);
  });

  it('keeps them blocked from the first hold of a run to its end, and blocks nothing in a run without one', () => {
    const hold = signalHold(koffi)!;
    expect(hold.during(() => blockedNow(lib, SIGINT))).toBe(false);
    const inside = hold.during(() => {
      hold.hold();
      hold.release();
      return blockedNow(lib, SIGINT); // still held: the run holds it to its end
    });
    expect(inside).toBe(true);
    hold.settle();
    expect(blockedNow(lib, SIGINT)).toBe(false);
    expect(() =>
      hold.during(() => {
        hold.hold();
        hold.release();
        throw new Error('inside');
      }),
    ).toThrow('inside');
    hold.settle();
    expect(blockedNow(lib, SIGINT)).toBe(false);
  });

  it('opens SIGPROF only with an alternate signal stack of 64 KiB or more on the thread', () => {
    const hold = signalHold(koffi)!;
    expect(hold.openProfiler()).toBe(true);
    const stack = new DataView(new ArrayBuffer(24));
    expect(lib.func('int sigaltstack(void *, void *)')(null, new Uint8Array(stack.buffer))).toBe(0);
    expect(stack.getInt32(8, true) & 2).toBe(0); // not SS_DISABLE
    expect(stack.getBigUint64(16, true)).toBeGreaterThanOrEqual(64n * 1024n);
    hold.hold();
    try {
      expect([blockedNow(lib, SIGPROF), blockedNow(lib, SIGINT)]).toEqual([false, true]);
    } finally {
      hold.release();
    }
  });

  it('is one hold per thread, so that nesting counts across callers', () => {
    const hold = signalHold(koffi);
    expect(hold).not.toBeNull();
    expect(signalHold(koffi)).toBe(hold);
  });
});

/** The first oneDNN that loads, or why none does. */
const onednn = libcReason !== null ? { reason: libcReason } : firstOnednn();
const dnnl = 'reason' in onednn ? null : onednn.library;

const dnnlReason = 'reason' in onednn ? onednn.reason : null;

describe.skipIf(dnnl === null)(skipped('oneDNN with signals held off', dnnlReason), () => {
  it("blocks them from a compiled run's first oneDNN product to the run's end, and not in a run without one", () => {
    const { backend } = withNativeBlas(getBackend(), { CHAINRULE_BLAS: dnnl! });
    const memory = residentMemory(backend);
    if (memory === undefined) return expect(getBackend().name).toBe('js'); // no resident memory: no runs
    const a = ones([64, 64]);
    const lib = live!.lib;
    expect(memory.withoutGrowth(() => blockedNow(lib, SIGINT))).toBe(false); // no oneDNN call: no system call
    const after = memory.withoutGrowth(() => {
      backend.matmul(a, a, 'float32'); // 64³ multiply-adds: oneDNN's
      return blockedNow(lib, SIGINT);
    });
    expect(after).toBe(true);
    const hold = signalHold(live!.koffi)!;
    hold.settle();
    expect(blockedNow(lib, SIGINT)).toBe(false);
    expect(() =>
      memory.withoutGrowth(() => {
        backend.matmul(a, a, 'float32');
        throw new Error('inside');
      }),
    ).toThrow('inside');
    hold.settle();
    expect(blockedNow(lib, SIGINT)).toBe(false);
  });

  it("starts OpenMP's threads with every asynchronous signal blocked", () => {
    const blas = loadBlas(dnnl!, process.platform);
    if ('reason' in blas) throw new Error(blas.reason);
    const max = blas.threads?.max ?? 1;
    expect(threadsBlockingAll()).toBeGreaterThanOrEqual(max - 1);
  });

  it("holds them around the float64 library's gemms where the default selection pairs it with oneDNN", () => {
    const chosen = loadBlas(undefined, process.platform);
    // another selection here: nothing paired
    if ('reason' in chosen || chosen.library !== dnnl || chosen.float64 === null) return expect(chosen).toBeDefined();
    expect(chosen.hold).not.toBeNull();
    expect(chosen.float64.hold).toBe(chosen.hold);
    const { backend } = withNativeBlas(getBackend(), {});
    const a = ones([64, 64], 'float64');
    expect(backend.matmul(a, a, 'float64').data[0]).toBe(64);
    chosen.hold?.settle(); // (it may linger after the held dgemm)
    expect(blockedNow(live!.lib, SIGINT)).toBe(false);
  });

  it('survives node --cpu-prof (SIGPROF every millisecond) through seconds of products, with samples all along', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainrule-sigprof-'));
    try {
      const source = JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname);
      const script = `
        const { NDArray, matmul, backendInfo } = await import(${source});
        const a = new NDArray(new Float32Array(1024 * 1024).fill(0.5), [1024, 1024]);
        matmul(a, a);
        const start = Date.now(), from = process.hrtime.bigint();
        let n = 0, bad = 0;
        while (Date.now() - start < 3000) { const c = matmul(a, a); if (c.data[12345] !== 256) bad++; n++; }
        const to = process.hrtime.bigint(), info = backendInfo();
        // the loop's window in µs of CLOCK_MONOTONIC, the profile's clock
        const window = [Number(from / 1000n), Number(to / 1000n)];
        console.log(JSON.stringify({ blas: info.blas, kernels: info.blasKernels, n, bad, window }));
      `;
      const args = ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', '--input-type=module', '-e', script];
      const run = spawnSync(process.execPath, args, {
        cwd: new URL('..', import.meta.url).pathname,
        env: { ...process.env, CHAINRULE_BLAS: dnnl! },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.stderr).not.toMatch(/corrupted|invalid pointer|double free/);
      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
        blas: string;
        kernels: string;
        n: number;
        bad: number;
        window: [number, number];
      };
      // the abort needs oneDNN's JIT gemm (AVX-512 or AVX2 kernels); `kernels` says which ran
      expect({ blas: report.blas, bad: report.bad }).toEqual({ blas: dnnl, bad: 0 });
      expect(report.n).toBeGreaterThan(50);
      // SIGPROF was taken during the products (on the alternate stack): samples inside the loop,
      // at least one every 2 ms and two a product
      // (the main thread's profile: CPU.<date>.<time>.<pid>.<thread id 0>.<n>.cpuprofile)
      const main = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.split('.')[4] === '0');
      expect(main).toHaveLength(1);
      const profile = JSON.parse(readFileSync(join(dir, main[0]!), 'utf8')) as {
        startTime: number;
        timeDeltas: number[];
      };
      let at = profile.startTime,
        inLoop = 0;
      for (const d of profile.timeDeltas) {
        at += d;
        if (at >= report.window[0] && at <= report.window[1]) inLoop++;
      }
      const ms = (report.window[1] - report.window[0]) / 1000;
      // held off during each product, there would be about one sample a product
      const seen = `${inLoop} samples in ${ms.toFixed(0)} ms of ${report.n} products (${report.kernels})`;
      expect(inLoop, seen).toBeGreaterThan(Math.max(2 * report.n, ms / 2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
