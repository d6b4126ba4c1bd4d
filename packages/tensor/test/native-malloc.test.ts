/**
 * glibc malloc tuned for tensor buffers (src/backends/native/malloc.ts): when it is done, what it
 * asks glibc for, and, where it can be done (Linux, glibc, koffi), that in a process which made it
 * 1 MiB arrays come from malloc's heap (where freed ones are reused) rather than each from its own
 * mmap, and still read zero when fresh.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ForeignLibrary } from '../src/backends/native/blis.js';
import { MMAP_THRESHOLD, TRIM_THRESHOLD, mallocTuningBlocked, tuneMalloc } from '../src/backends/native/malloc.js';

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
  it('on Linux, unless CHAINRULE_MALLOC=off or the environment sets the thresholds itself', () => {
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
  });

  it("asks glibc for both thresholds, glibc's largest mmap threshold and twice that to trim", () => {
    const calls: Array<[number, number]> = [];
    expect(tuneMalloc(() => fakeLibc(1, calls))).toEqual({
      tuned: 'glibc 2.36: mmap threshold 32 MiB, trim threshold 64 MiB',
    });
    // M_TRIM_THRESHOLD is -1, M_MMAP_THRESHOLD -3 (malloc.h)
    expect(calls).toEqual([
      [-1, TRIM_THRESHOLD],
      [-3, MMAP_THRESHOLD],
    ]);
    expect(MMAP_THRESHOLD).toBe(32 * 2 ** 20);
  });

  it('reports, rather than throws, a libc that is not glibc or refuses', () => {
    const musl = () => {
      throw new Error('libc.so.6: cannot open shared object file');
    };
    expect(tuneMalloc(musl)).toEqual({ reason: 'no glibc (libc.so.6: cannot open shared object file)' });
    expect(tuneMalloc(() => fakeLibc(0, []))).toEqual({ reason: 'glibc 2.36 refused mallopt' });
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
  const { GLIBC_TUNABLES, MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, ...rest } = process.env;
  const args = ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', CHILD(koffiPath)];
  const out = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...rest, ...env } });
  if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

/** koffi's path, or why the live check cannot run. */
function live(): { koffi: string } | { reason: string } {
  if (process.platform !== 'linux') return { reason: 'not Linux' };
  const require = createRequire(import.meta.url);
  let koffi: { load(path: string): unknown };
  try {
    koffi = require('koffi') as typeof koffi;
  } catch {
    return { reason: 'the optional dependency koffi is not installed' };
  }
  try {
    koffi.load('libc.so.6');
  } catch {
    return { reason: 'no glibc (libc.so.6 does not load)' };
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
    expect(tuned.malloc).toMatch(/^glibc [\d.]+: mmap threshold 32 MiB, trim threshold 64 MiB$/);
    expect(tuned.mallocReason).toBeNull();
    expect(tuned.mappedMiB).toBe(0);
    expect(tuned.nonzero).toBe(0);
  }, 60_000);
});
