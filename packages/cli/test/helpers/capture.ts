import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../../src/io.js';
import { main } from '../../src/main.js';

/** What a command printed and returned. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `chainrule <argv>` in-process, capturing both streams (not a TTY: plain progress lines). */
export async function run(argv: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: {
      write: (s: string) => {
        stdout += s;
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        return true;
      },
    },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(prefix = 'chainrule-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
