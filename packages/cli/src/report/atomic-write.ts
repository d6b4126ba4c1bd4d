import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, oneLine } from '../errors.js';

/** A file to write: its path and its bytes or text. */
export interface OutputFile {
  path: string;
  data: Uint8Array | string;
}

/**
 * Writes several files all or nothing, as far as a file system allows: the missing folders are
 * created, every file is first written in full (and fsynced) to a temporary name next to its
 * target, and only when all of them are written are they renamed over their targets. A failure
 * while writing removes the temporary files and the folders it created, and leaves every target
 * untouched.
 * @throws CliError naming the file that could not be written.
 * @example
 * ```ts
 * writeFilesAtomic([{ path: 'runs/a.safetensors', data: bytes }, { path: 'runs/a.html', data: html }]);
 * ```
 */
export function writeFilesAtomic(files: readonly OutputFile[]): void {
  const temps: string[] = [];
  const folders: string[] = [];
  try {
    for (const file of files) {
      const made = makeFolder(dirname(file.path), file.path);
      if (made !== undefined) folders.push(made);
      const tmp = join(dirname(file.path), `.${basename(file.path)}.${randomBytes(6).toString('hex')}.tmp`);
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
