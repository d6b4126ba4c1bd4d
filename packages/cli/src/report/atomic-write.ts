import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { CliError, oneLine } from '../errors.js';

/** A file to write: its path and its bytes or text. */
export interface OutputFile {
  path: string;
  data: Uint8Array | string;
}

/**
 * Temporary files are named `.<name>.chainrule-cli-<host>-<pid>-<random>.tmp`, beside their target:
 * `host` is 8 hex digits of a hash of the host name and `pid` the writer's process id, so a later
 * write can tell the left-overs of a process that was killed (see removeStaleTemps).
 */
const TEMP_PATTERN = /^\..+\.chainrule-cli-([0-9a-f]{8})-(\d+)-[0-9a-f]{12}\.tmp$/;

/**
 * A temporary file not modified for this long (ms) is stale whoever wrote it: a live write goes on
 * without pause and renames at once, so even a slow disk never leaves its own this old.
 */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/** 8 hex digits of a hash of the host name ('unknown' when the host has none to give). */
function hostTag(): string {
  let name = 'unknown';
  try {
    name = hostname();
  } catch {
    // keep 'unknown': then only the age rule removes other processes' files
  }
  return createHash('sha256').update(name).digest('hex').slice(0, 8);
}

/**
 * A fresh temporary name for target file `name` written by process `pid` (see TEMP_PATTERN).
 * @example
 * ```ts
 * temporaryName('a.html'); // '.a.html.chainrule-cli-1f2e3d4c-4242-0a1b2c3d4e5f.tmp'
 * ```
 */
export function temporaryName(name: string, pid = process.pid): string {
  return `.${name}.chainrule-cli-${hostTag()}-${pid}-${randomBytes(6).toString('hex')}.tmp`;
}

/** Whether process `pid` of this host may still be running (only "no such process" says it is not). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: unknown }).code !== 'ESRCH';
  }
}

/**
 * Removes from `dir` the temporary files that killed writes left, and nothing else: regular files
 * named like ours (TEMP_PATTERN) whose writer was a process of this host that has exited, or that
 * nobody has modified for STALE_TEMP_MS; and, by age only, those of the older naming
 * `.<name>.<12 hex digits>.tmp` for one of the `targets` (file names in `dir`). Best effort: a
 * file that cannot be read or removed is left alone. Returns the names removed.
 * @example
 * ```ts
 * removeStaleTemps('runs', ['a.safetensors', 'a.html']); // ['.a.html.chainrule-cli-1f2e3d4c-977-…tmp']
 * ```
 */
export function removeStaleTemps(dir: string, targets: readonly string[], now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // the write itself reports a folder it cannot use
  }
  const host = hostTag();
  const removed: string[] = [];
  for (const entry of names) {
    const ours = TEMP_PATTERN.exec(entry);
    const legacy =
      ours === null &&
      targets.some((t) => entry.startsWith(`.${t}.`) && /^[0-9a-f]{12}\.tmp$/.test(entry.slice(t.length + 2)));
    if (ours === null && !legacy) continue;
    const full = join(dir, entry);
    try {
      const st = lstatSync(full);
      if (!st.isFile()) continue;
      const aged = now - st.mtimeMs > STALE_TEMP_MS;
      const pid = ours === null ? Number.NaN : Number(ours[2]);
      const orphan = ours !== null && ours[1] === host && pid !== process.pid && !processAlive(pid);
      if (!aged && !orphan) continue;
      unlinkSync(full);
      removed.push(entry);
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed;
}

/**
 * Writes several files all or nothing, as far as a file system allows: the missing folders are
 * created, every file is first written in full (and fsynced) to a temporary name next to its
 * target, and only when all of them are written are they renamed over their targets. A failure
 * while writing removes the temporary files and the folders it created, and leaves every target
 * untouched. Before writing, the temporary files that killed writes left in the target folders
 * are removed (see removeStaleTemps).
 * @throws CliError naming the file that could not be written.
 * @example
 * ```ts
 * writeFilesAtomic([{ path: 'runs/a.safetensors', data: bytes }, { path: 'runs/a.html', data: html }]);
 * ```
 */
export function writeFilesAtomic(files: readonly OutputFile[]): void {
  const byFolder = new Map<string, string[]>();
  for (const file of files)
    byFolder.set(dirname(file.path), [...(byFolder.get(dirname(file.path)) ?? []), basename(file.path)]);
  for (const [dir, names] of byFolder) removeStaleTemps(dir, names);
  const temps: string[] = [];
  const folders: string[] = [];
  try {
    for (const file of files) {
      const made = makeFolder(dirname(file.path), file.path);
      if (made !== undefined) folders.push(made);
      const tmp = join(dirname(file.path), temporaryName(basename(file.path)));
      temps.push(tmp);
      writeSynced(tmp, file.data, file.path);
    }
  } catch (e) {
    for (const tmp of temps) rmSync(tmp, { force: true });
    for (const folder of folders.reverse()) rmSync(folder, { recursive: true, force: true });
    throw e;
  }
  files.forEach((file, i) => {
    try {
      renameSync(temps[i]!, file.path);
    } catch (e) {
      for (const tmp of temps.slice(i)) rmSync(tmp, { force: true });
      throw new CliError(`cannot write '${file.path}': ${oneLine(e)}`);
    }
  });
}

/** Creates `dir` and its missing parents; returns the first folder created (undefined: none). */
function makeFolder(dir: string, target: string): string | undefined {
  try {
    return mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`cannot create the folder of '${target}': ${oneLine(e)}`);
  }
}

function writeSynced(tmp: string, data: Uint8Array | string, target: string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw new CliError(`cannot write '${target}': ${oneLine(e)}`);
  }
  try {
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } catch (e) {
    throw new CliError(`cannot write '${target}': ${oneLine(e)}`);
  } finally {
    closeSync(fd);
  }
}
