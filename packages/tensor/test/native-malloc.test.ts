/**
 * glibc malloc tuned for tensor buffers (src/backends/native/malloc.ts): when it is done, what it
 * asks glibc for, and, where it can be done (Linux, glibc, koffi), that in a process which made it
 * 1 MiB arrays come from malloc's heap (where freed ones can be reused) rather than each from its
 * own mmap, and still read zero when fresh.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ForeignLibrary } from '../src/backends/native/ffi.js';
import { mallocTuningBlocked, mmapThreshold, tuneMalloc, tuneProcessMalloc } from '../src/backends/native/malloc.js';
import { backendInfo } from '../src/index.js';

/** A fake glibc: records mallopt's calls, answers with `answer`. */
function fakeLibc(answer: number, calls: Array<[number, number]>): ForeignLibrary {
  return {
    func(signature: string) {
      if (signature.includes('gnu_get_libc_version')) return () => '2.36';
      if (signature.includes('mallopt'))
        return (...args: unknown[]) => {
          calls.push([args[0] as number, args[1] as number]);
          return answer;
        };
      throw new Error(`no ${signature}`);
    },
  };
}

describe('when malloc is tuned', () => {
  it('on Linux, unless CHAINRULE_MALLOC=off, the environment sets the thresholds, or malloc is preloaded', () => {
    expect(mallocTuningBlocked({}, 'linux')).toBeNull();
    expect(mallocTuningBlocked({ CHAINRULE_MALLOC: 'on', GLIBC_TUNABLES: 'glibc.cpu.x86_ibt=on' }, 'linux')).toBeNull();
    expect(mallocTuningBlocked({ CHAINRULE_MALLOC: 'off' }, 'linux')).toBe('CHAINRULE_MALLOC=off');
    expect(mallocTuningBlocked({ CHAINRULE_MALLOC: '0' }, 'linux')).toBe('CHAINRULE_MALLOC=off');
    expect(mallocTuningBlocked({}, 'darwin')).toBe('not Linux (darwin)');
    expect(mallocTuningBlocked({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1' }, 'linux')).toMatch(/GLIBC_TUNABLES/);
    expect(mallocTuningBlocked({ GLIBC_TUNABLES: 'a=1:glibc.malloc.mmap_threshold=9' }, 'linux')).toMatch(/GLIBC/);
    expect(mallocTuningBlocked({ MALLOC_MMAP_THRESHOLD_: '1' }, 'linux')).toBe('MALLOC_MMAP_THRESHOLD_ is set');
    expect(mallocTuningBlocked({ MALLOC_TRIM_THRESHOLD_: '1' }, 'linux')).toBe('MALLOC_TRIM_THRESHOLD_ is set');
    expect(mallocTuningBlocked({ MALLOC_TRIM_THRESHOLD_: '' }, 'linux')).toBeNull();
    expect(mallocTuningBlocked({ LD_PRELOAD: '/usr/lib/libjemalloc.so.2' }, 'linux')).toBe(
      'LD_PRELOAD replaces malloc (jemalloc)',
    );
    expect(mallocTuningBlocked({ LD_PRELOAD: '/opt/libfaketime.so' }, 'linux')).toBeNull();
  });

  it('asks glibc for its largest mmap threshold first, then twice that to trim', () => {
    const calls: Array<[number, number]> = [];
    expect(tuneMalloc(() => fakeLibc(1, calls))).toEqual({
      tuned: 'glibc 2.36: mmap threshold 32 MiB, trim threshold 64 MiB',
    });
    // M_MMAP_THRESHOLD is -3, M_TRIM_THRESHOLD -1 (malloc.h)
    expect(calls).toEqual([
      [-3, 32 * 2 ** 20],
      [-1, 64 * 2 ** 20],
    ]);
    // a 32-bit C long: glibc's largest is 16 MiB there
    expect(mmapThreshold(4)).toBe(16 * 2 ** 20);
    expect(tuneMalloc(() => fakeLibc(1, []), 4)).toEqual({
      tuned: 'glibc 2.36: mmap threshold 16 MiB, trim threshold 32 MiB',
    });
  });

  it('reports, rather than throws, a libc that is not glibc or refuses; a refusal sets nothing more', () => {
    const musl = () => {
      throw new Error('libc.so.6: cannot open shared object file');
    };
    expect(tuneMalloc(musl)).toEqual({ reason: 'no glibc (libc.so.6: cannot open shared object file)' });
    const calls: Array<[number, number]> = [];
    expect(tuneMalloc(() => fakeLibc(0, calls))).toEqual({
      reason: `glibc 2.36 refused an mmap threshold of ${32 * 2 ** 20}`,
    });
    expect(calls).toEqual([[-3, 32 * 2 ** 20]]);
  });

  it('is decided once per process: a second copy of the package reports the first outcome', () => {
    // this test file imported the package, which tuned (or not) from the real environment
    const first = backendInfo();
    const again = tuneProcessMalloc({ CHAINRULE_MALLOC: 'off' });
    expect(again).toEqual(first.malloc !== null ? { tuned: first.malloc } : { reason: first.mallocReason });
  });
});

/**
 * A child process that imports the package (so it tunes, per its environment), then holds eight
 * 1 MiB Float32Arrays, each checked to read zero before a value goes into each of its pages, and
 * prints how many bytes glibc's mallinfo2 counts in mmapped chunks before and after them, with
 * backendInfo's malloc fields. A second round after dropping the first eight checks zeros again on
 * reused memory.
 */
const CHILD = (koffiPath: string) => `
import { createRequire } from 'node:module';
import { backendInfo } from ${JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)))};
const koffi = createRequire(import.meta.url)(${JSON.stringify(koffiPath)});
const fields = ['arena', 'ordblks', 'smblks', 'hblks', 'hblkhd',
  'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost'];
const info = koffi.struct('mallinfo2_t', Object.fromEntries(fields.map((f) => [f, 'size_t'])));
const mallinfo2 = koffi.load('libc.so.6').func('mallinfo2', info, []);
const mapped = () => Number(mallinfo2().hblkhd);
let nonzero = 0;
const round = () => Array.from({ length: 8 }, () => {
  const a = new Float32Array(2 ** 18);
  for (let j = 0; j < a.length; j += 64) { if (a[j] !== 0) nonzero++; a[j] = 1; }
  return a;
});
globalThis.gc();
const before = mapped();
let held = round();
const after = mapped();
held = null;
globalThis.gc();
held = round();
const { malloc, mallocReason } = backendInfo();
console.log(JSON.stringify({ mappedMiB: (after - before) / 2 ** 20, nonzero, malloc, mallocReason }));
`;

interface ChildResult {
  mappedMiB: number;
  nonzero: number;
  malloc: string | null;
  mallocReason: string | null;
}

function runChild(koffiPath: string, env: Record<string, string>): ChildResult {
  // without the environment's own malloc settings, which would stop the tuning
  const { GLIBC_TUNABLES, MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, CHAINRULE_MALLOC, LD_PRELOAD, ...rest } =
    process.env;
  const args = ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', CHILD(koffiPath)];
  // from the repository root, where `--import tsx` resolves
  const cwd = fileURLToPath(new URL('../../..', import.meta.url));
  const out = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...rest, ...env } });
  if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

/** koffi's path, or why the live check cannot run. */
function live(): { koffi: string } | { reason: string } {
  if (process.platform !== 'linux') return { reason: 'not Linux' };
  const require = createRequire(import.meta.url);
  let koffi: { load(path: string): { func(signature: string): unknown } };
  try {
    koffi = require('koffi') as typeof koffi;
  } catch {
    return { reason: 'the optional dependency koffi is not installed' };
  }
  try {
    // the check reads glibc's mallinfo2 (glibc 2.33 and later)
    koffi.load('libc.so.6').func('void *mallinfo2(void)');
  } catch {
    return { reason: 'no glibc 2.33+ (libc.so.6 or its mallinfo2 does not load)' };
  }
  return { koffi: require.resolve('koffi') };
}

const setup = live();
const skipped = 'reason' in setup ? ` (skipped: ${setup.reason})` : '';
describe.skipIf('reason' in setup)(`in a process that tuned it${skipped}`, () => {
  it('1 MiB arrays come from the heap, not from mmap, and fresh ones still read zero', () => {
    const koffi = (setup as { koffi: string }).koffi;
    const off = runChild(koffi, { CHAINRULE_MALLOC: 'off' });
    const tuned = runChild(koffi, {});
    // untuned, glibc maps each 1 MiB array on its own (its mmap threshold starts at 128 KiB)
    expect(off).toMatchObject({ malloc: null, mallocReason: 'CHAINRULE_MALLOC=off', nonzero: 0 });
    expect(off.mappedMiB).toBeGreaterThanOrEqual(8);
    expect(tuned.malloc).toMatch(/^glibc [\d.]+: mmap threshold \d+ MiB, trim threshold \d+ MiB$/);
    expect(tuned.mallocReason).toBeNull();
    expect(tuned.mappedMiB).toBeLessThan(8);
    expect(tuned.nonzero).toBe(0);
  }, 60_000);
});
