/**
 * BLIS setup (src/backends/native/blis.ts): the kernel set chosen on CPUs newer than the BLIS build, the
 * CPU facts it reads, and the thread counts. The rules are tested everywhere; where BLIS loads,
 * what it then runs is checked too (its products against the reference: native-blas.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Blas, type Gemm, loadBlas } from '../src/backends/native/blas.js';
import {
  BLIS_ONE_THREAD_WORK,
  type BlisProbe,
  type CpuFacts,
  type ForeignLibrary,
  blisArchOverride,
  blisStartingThreads,
  parseCpuinfo,
  prepareBlis,
} from '../src/backends/native/blis.js';
import { blasMatmul } from '../src/backends/native/matmul.js';
import { full, jsBackend } from '../src/index.js';

/** BLIS 0.9's table of configurations, in id order (as `bli_arch_string` gives it). */
const BLIS_09 = ['skx', 'knl', 'knc', 'haswell', 'sandybridge', 'penryn', 'zen3', 'zen2', 'zen', 'generic'];
const ZEN4_FLAGS = new Set(['sse2', 'avx2', 'fma', 'avx512f', 'avx512dq', 'avx512cd', 'avx512bw', 'avx512vl']);
const zen4 = { vendor: 'AuthenticAMD', flags: ZEN4_FLAGS };

describe('the kernel set on a CPU the BLIS build does not know', () => {
  it('picks skx for an AMD CPU with AVX-512 and a BLIS without zen4', () => {
    expect(blisArchOverride(BLIS_09, zen4, {})).toBe('0');
    expect(blisArchOverride(['haswell', 'skx', 'generic'], zen4, { BLIS_ARCH_TYPE: '' })).toBe('1');
  });

  it("leaves BLIS's own choice everywhere else", () => {
    // the user's setting wins
    expect(blisArchOverride(BLIS_09, zen4, { BLIS_ARCH_TYPE: '3' })).toBeNull();
    // a BLIS that knows Zen 4 chooses for itself
    expect(blisArchOverride([...BLIS_09.slice(0, -1), 'zen4', 'generic'], zen4, {})).toBeNull();
    // Intel CPUs are recognized by BLIS itself (and some AVX-512 ones are faster on its haswell kernels)
    expect(blisArchOverride(BLIS_09, { vendor: 'GenuineIntel', flags: ZEN4_FLAGS }, {})).toBeNull();
    // no AVX-512 (Zen 3 and older), or only part of what skx needs
    const without = (flag: string) => new Set([...ZEN4_FLAGS].filter((f) => f !== flag));
    expect(blisArchOverride(BLIS_09, { vendor: 'AuthenticAMD', flags: without('avx512f') }, {})).toBeNull();
    expect(blisArchOverride(BLIS_09, { vendor: 'AuthenticAMD', flags: without('avx512vl') }, {})).toBeNull();
    // no skx in the table (a BLIS built for another family), or no CPU facts at all
    expect(blisArchOverride(['haswell', 'zen3', 'generic'], zen4, {})).toBeNull();
    expect(blisArchOverride(BLIS_09, null, {})).toBeNull();
  });

  /** A BLIS with BLIS_09's table that runs `own` unless BLIS_ARCH_TYPE (as set through `setEnv`) says otherwise. */
  function fakeBlis(own: string) {
    const env: Record<string, string | undefined> = {};
    const sets: Array<[string, string | undefined]> = [];
    const lib: ForeignLibrary = {
      func: (signature) => {
        if (signature.includes('bli_arch_string')) return (id: unknown) => BLIS_09[id as number];
        if (signature.includes('bli_init')) return () => {};
        if (signature.includes('bli_arch_query_id'))
          return () => (env.BLIS_ARCH_TYPE === undefined ? BLIS_09.indexOf(own) : Number(env.BLIS_ARCH_TYPE));
        throw new Error(`no symbol in ${signature}`);
      },
    };
    const setEnv = (name: string, value: string | undefined) => {
      sets.push([name, value]);
      env[name] = value;
    };
    return { lib, sets, setEnv };
  }
  const probeOf =
    (own: string, skx: string | null): BlisProbe =>
    (arch) =>
      arch === undefined ? own : skx;

  it('sets BLIS_ARCH_TYPE around the first call only where BLIS would run generic and has skx built in', () => {
    const generic = fakeBlis('generic');
    expect(prepareBlis(generic.lib, () => zen4, {}, probeOf('generic', 'skx'), generic.setEnv)).toBe('skx');
    expect(generic.sets).toEqual([
      ['BLIS_ARCH_TYPE', '0'],
      ['BLIS_ARCH_TYPE', undefined],
    ]);
    // BLIS knows the CPU (0.9 runs zen3 on a Zen 4): its choice stands
    const known = fakeBlis('zen3');
    expect(prepareBlis(known.lib, () => zen4, {}, probeOf('zen3', 'skx'), known.setEnv)).toBe('zen3');
    expect(known.sets).toEqual([]);
    // skx not built in (the probe with it set failed: BLIS aborts): generic, but the process lives
    const without = fakeBlis('generic');
    expect(prepareBlis(without.lib, () => zen4, {}, probeOf('generic', null), without.setEnv)).toBe('generic');
    expect(without.sets).toEqual([]);
    // another CPU: no probe at all
    const intel = fakeBlis('skx');
    const never: BlisProbe = () => {
      throw new Error('probed');
    };
    expect(prepareBlis(intel.lib, () => ({ ...zen4, vendor: 'GenuineIntel' }), {}, never, intel.setEnv)).toBe('skx');
    // not BLIS (no configuration table)
    const other: ForeignLibrary = {
      func: () => {
        throw new Error('no such symbol');
      },
    };
    const noCpu = (): CpuFacts | null => {
      throw new Error('asked for the CPU');
    };
    expect(prepareBlis(other, noCpu, {}, never, intel.setEnv)).toBeNull();
  });

  it('reads the vendor and flags of /proc/cpuinfo', () => {
    const text = [
      'processor\t: 0',
      'vendor_id\t: AuthenticAMD',
      'flags\t\t: fpu sse2 avx512f avx512vl',
      '',
      'processor\t: 1',
      'vendor_id\t: Other',
    ].join('\n');
    const facts = parseCpuinfo(text);
    expect(facts?.vendor).toBe('AuthenticAMD');
    expect([...(facts?.flags ?? [])]).toEqual(['fpu', 'sse2', 'avx512f', 'avx512vl']);
    expect(parseCpuinfo('processor\t: 0\nFeatures\t: neon')).toBeNull();
  });
});

describe('BLIS threads', () => {
  it('asks for BLIS_NUM_THREADS, else OMP_NUM_THREADS, else the cores, never more than the cores', () => {
    expect(blisStartingThreads(8, {})).toBe(8);
    expect(blisStartingThreads(8, { OMP_NUM_THREADS: '3' })).toBe(3);
    expect(blisStartingThreads(8, { BLIS_NUM_THREADS: '2', OMP_NUM_THREADS: '3' })).toBe(2);
    expect(blisStartingThreads(2, { BLIS_NUM_THREADS: '16' })).toBe(2);
    expect(blisStartingThreads(4, { BLIS_NUM_THREADS: '0' })).toBe(4);
  });

  it("runs products below the library's own one-thread threshold on one thread", () => {
    const asked: number[] = [];
    const gemm: Gemm = () => {};
    const threads = { max: 2, oneThreadWork: BLIS_ONE_THREAD_WORK, use: (n: number) => asked.push(n) };
    const fake: Blas = {
      sgemm: gemm,
      dgemm: gemm,
      library: 'fake',
      threads,
      kernels: 'skx',
      split: null,
      primitive: null,
      float64: null,
      hold: null,
    };
    const mm = blasMatmul(fake, jsBackend.matmul.bind(jsBackend));
    expect(BLIS_ONE_THREAD_WORK).toBe(256 * 512 * 512);
    mm(full([256, 512], 0, 'float32'), full([512, 511], 0, 'float32'), 'float32'); // just below: one thread
    mm(full([256, 512], 0, 'float32'), full([512, 512], 0, 'float32'), 'float32'); // from there on: all
    expect(asked).toEqual([1, 2]);
  });
});

const userArchType = process.env.BLIS_ARCH_TYPE;
const blis = process.platform === 'linux' ? loadBlas('libblis.so.4', 'linux') : { reason: 'not Linux' };
const cpu = (() => {
  try {
    return parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return null;
  }
})();

describe.skipIf('reason' in blis)(`BLIS as loaded here${'reason' in blis ? ` (skipped: ${blis.reason})` : ''}`, () => {
  it('never runs its generic kernels on an AMD CPU with AVX-512', () => {
    const b = blis as Blas;
    expect(b.kernels).not.toBeNull();
    // this machine's case: BLIS 0.9 alone picks generic on an AMD Zen 5 (CPU family 0x1A)
    if (cpu?.vendor === 'AuthenticAMD' && cpu.flags.has('avx512f')) expect(b.kernels).not.toBe('generic');
    // the variable did its work at BLIS's first call and is gone: child processes do not inherit it
    if (userArchType === undefined) expect(process.env.BLIS_ARCH_TYPE).toBeUndefined();
    expect(b.threads).not.toBeNull();
  });
});
