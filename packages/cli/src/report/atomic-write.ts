import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, oneLine } from '../errors.js';

/**
 * Writes `text` to `path` atomically: to a temporary file in the same folder, then renamed over
 * `path`, so a reader sees the old file or the new one, never half of one.
 * @throws CliError when the file cannot be written (the temporary file is removed, `path` is untouched).
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new CliError(`cannot write '${path}': ${oneLine(e)}`);
  }
}
