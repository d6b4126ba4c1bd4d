// Faults of a save: every file-system failure is a CheckpointError naming the path and the cause
// (a failed clean-up never hides it), and the left-overs of killed saves are removed by the next save
// into the folder: only temporary files of our own naming, only stale ones, never anything else.
import { Rng, randn, zeros } from '@chainrule/tensor';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError, loadSafetensors, saveSafetensors } from '../src/serialization/index.js';
import { STALE_TEMP_MS, removeStaleTemps, temporaryName } from '../src/serialization/file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainrule-faults-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function thrown(f: () => unknown): CheckpointError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

/** The pid of a process that has exited (a child that ran and was reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

describe('file-system failures of a save', () => {
  it('a path under a regular file: a CheckpointError naming the path and ENOTDIR, not the raw error', () => {
    const regular = join(dir, 'plain.txt');
    writeFileSync(regular, 'x');
    const target = join(regular, 'x.safetensors');
    const e = thrown(() => saveSafetensors(target, { w: zeros([2]) }));
    expect(e.problem).toBe('io');
    expect(e.message).toContain(`could not write ${target}`);
    expect(e.message).toContain('ENOTDIR');
    expect((e.cause as { code?: string }).code).toBe('ENOTDIR');
    expect(readdirSync(dir)).toEqual(['plain.txt']);
  });

  it('a missing folder, a folder as the target, an empty path: typed, the folder as it was', () => {
    expect(thrown(() => saveSafetensors(join(dir, 'none', 'x'), { w: zeros([1]) })).message).toContain('ENOENT');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'keep'), 'k');
    const e = thrown(() => saveSafetensors(join(dir, 'sub'), { w: zeros([1]) }));
    expect(e.problem).toBe('io');
    expect(e.message).toContain('renaming the temporary file over it');
    expect(readdirSync(dir)).toEqual(['sub']);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['keep']);
    expect(thrown(() => saveSafetensors('', { w: zeros([1]) })).problem).toBe('input');
    expect(thrown(() => loadSafetensors(join(dir, 'sub'))).message).toContain('EISDIR');
  });
});

describe('left-overs of killed saves', () => {
  const name = 'model.safetensors';
  const hoursAgo = (file: string, hours: number): void => {
    const t = new Date(Date.now() - hours * 3600_000);
    utimesSync(join(dir, file), t, t);
  };

  it('the next save removes stale temporary files of its own pattern, and nothing else', () => {
    const dead = deadPid();
    const files = {
      deadWriter: temporaryName(name, dead), // its process is gone: removed
      deadOtherTarget: temporaryName('other.safetensors', dead), // any target's: removed
      liveWriter: temporaryName(name, process.pid), // this process (another thread may be saving): kept
      liveButOld: temporaryName(name, process.pid), // untouched for hours: removed
      otherHost: `.${name}.chainrule-00000000-${dead}-0123456789ab.tmp`, // can't tell if its writer lives: kept
      otherHostOld: `.${name}.chainrule-00000000-${dead}-0123456789ac.tmp`, // old: removed
      legacyOld: `.${name}.0123456789ab.tmp`, // the old naming, for this target, old: removed
      legacyFresh: `.${name}.0123456789ac.tmp`, // the old naming, recent: kept
      legacyOtherOld: '.other.safetensors.0123456789ab.tmp', // old naming of another target: kept
      userTmp: `.${name}.tmp`,
      userNotes: 'notes.tmp',
      userLookalike: `.${name}.chainrule-x-1-0123456789ab.tmp`,
    };
    for (const f of Object.values(files)) writeFileSync(join(dir, f), 'partial');
    mkdirSync(join(dir, temporaryName(name, dead))); // a folder with our pattern: never removed
    for (const f of [files.liveButOld, files.otherHostOld, files.legacyOld, files.legacyOtherOld, files.userNotes])
      hoursAgo(f, 2);
    const folders = readdirSync(dir).filter((f) => !Object.values(files).includes(f));
    saveSafetensors(join(dir, name), { w: randn([4], { rng: new Rng(1) }) });
    const kept = [
      files.liveWriter,
      files.otherHost,
      files.legacyFresh,
      files.legacyOtherOld,
      files.userTmp,
      files.userNotes,
      files.userLookalike,
    ];
    expect(readdirSync(dir).sort()).toEqual([name, ...kept, ...folders].sort());
  });

  it('removeStaleTemps uses the safe age', () => {
    const f = temporaryName(name, process.pid);
    writeFileSync(join(dir, f), 'x');
    expect(removeStaleTemps(dir, name)).toEqual([]);
    expect(removeStaleTemps(dir, name, Date.now() + STALE_TEMP_MS + 60_000)).toEqual([f]);
    expect(readdirSync(dir)).toEqual([]);
    expect(removeStaleTemps(join(dir, 'missing'), name)).toEqual([]);
  });

  it('a save killed mid-write leaves a temporary file, which the next save removes', () => {
    const source = JSON.stringify(new URL('../src/serialization/index.ts', import.meta.url).pathname);
    const script = `
      const { saveSafetensors } = await import(${source});
      const { zeros } = await import('@chainrule/tensor');
      const fs = await import('node:fs');
      const real = fs.default.writeSync;
      fs.default.writeSync = (...args) => { real(...args.slice(0, 2), 0, 64); process.kill(process.pid, 'SIGKILL'); };
      saveSafetensors(${JSON.stringify(join(dir, name))}, { w: zeros([1000]) });
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
    });
    expect(child.signal).toBe('SIGKILL');
    const left = readdirSync(dir);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.model\.safetensors\.chainrule-[0-9a-f]{8}-\d+-[0-9a-f]{12}\.tmp$/);
    saveSafetensors(join(dir, name), { w: zeros([2]) });
    expect(readdirSync(dir)).toEqual([name]);
    expect(loadSafetensors(join(dir, name)).tensors.get('w')!.shape).toEqual([2]);
  });
});
