// writeFilesAtomic after a killed write (issue 16): the temporary file a killed process left is
// removed by the next write into that folder; nothing else is (other files, live writers' temps,
// folders, other programs' names).
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_TEMP_MS, removeStaleTemps, temporaryName, writeFilesAtomic } from '../src/report/atomic-write.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainrule-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  expect(r.status).toBe(0);
  return r.pid!;
}

/**
 * Starts a process that writes part of its temporary file for target `name` in `dir` (named as
 * writeFilesAtomic names it, with the child's pid) and then hangs; kills it once the bytes are on
 * disk. Resolves to the temporary file's name.
 */
async function killedWrite(name: string): Promise<string> {
  const code = `const fs = require('node:fs');
    process.stdin.once('data', (path) => {
      const fd = fs.openSync(String(path), 'wx'); fs.writeSync(fd, 'partial'); fs.fsyncSync(fd);
      process.stdout.write('ready'); setInterval(() => {}, 1000);
    });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const tmp = temporaryName(name, child.pid!);
  const ready = new Promise((r) => child.stdout.once('data', r));
  child.stdin.write(join(dir, tmp));
  await ready;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  return tmp;
}

describe('writeFilesAtomic and stale temporary files', () => {
  it('a write killed halfway leaves its temporary file; the next write into the folder removes it', async () => {
    const tmp = await killedWrite('report.html');
    expect(readdirSync(dir)).toEqual([tmp]);
    expect(readFileSync(join(dir, tmp), 'utf8')).toBe('partial');

    writeFilesAtomic([{ path: join(dir, 'report.html'), data: '<html></html>' }]);
    expect(readdirSync(dir)).toEqual(['report.html']);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe('<html></html>');
  });

  it('removes temps of exited processes and old ones, never a live writer’s, another name or a folder', () => {
    const gone = deadPid();
    const orphan = temporaryName('model.safetensors', gone);
    const old = temporaryName('model.safetensors', process.ppid);
    const live = temporaryName('model.safetensors', process.ppid);
    const mine = temporaryName('model.safetensors');
    const legacyOld = '.model.safetensors.0123456789ab.tmp';
    const legacyFresh = '.model.safetensors.ba9876543210.tmp';
    const legacyOther = '.other.bin.0123456789ab.tmp';
    const keep = ['notes.txt', '.model.safetensors.tmp', `${orphan}.bak`, live, mine, legacyFresh, legacyOther];
    for (const f of [orphan, old, legacyOld, ...keep]) writeFileSync(join(dir, f), 'x');
    const hourAgo = (Date.now() - STALE_TEMP_MS - 60_000) / 1000;
    for (const f of [old, legacyOld, legacyOther]) utimesSync(join(dir, f), hourAgo, hourAgo);
    const folder = temporaryName('model.safetensors', gone);
    mkdirSync(join(dir, folder));

    const removed = removeStaleTemps(dir, ['model.safetensors']);
    expect(removed.sort()).toEqual([orphan, old, legacyOld].sort());
    expect(readdirSync(dir).sort()).toEqual([...keep, folder].sort());
  });

  it('cleans every target folder of a multi-file write, and a missing folder is no error', () => {
    const sub = join(dir, 'runs');
    mkdirSync(sub);
    const stale = temporaryName('a.html', deadPid());
    writeFileSync(join(sub, stale), 'x');
    writeFilesAtomic([
      { path: join(dir, 'a.safetensors'), data: new Uint8Array([1, 2, 3]) },
      { path: join(sub, 'a.html'), data: 'hi' },
      { path: join(dir, 'new', 'deeper', 'b.txt'), data: 'b' },
    ]);
    expect(existsSync(join(sub, stale))).toBe(false);
    expect(readdirSync(sub)).toEqual(['a.html']);
    expect(readFileSync(join(dir, 'new', 'deeper', 'b.txt'), 'utf8')).toBe('b');
    expect(removeStaleTemps(join(dir, 'nothing-here'), ['x'])).toEqual([]);
  });
});
