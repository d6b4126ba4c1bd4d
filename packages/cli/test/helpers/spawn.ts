/**
 * Runs the real `chainrule` process from the TypeScript sources with tsx (no build needed), for
 * the few behaviours an in-process run cannot show: exit codes, stack traces of unhandled
 * errors, and a reader that closes the pipe early.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));

let tsconfig: string | undefined;
/** A tsconfig mapping @chainrule/* to the sources, like vitest's aliases (in node_modules/.cache, not left in /tmp). */
function sourceTsconfig(): string {
  if (tsconfig === undefined) {
    const dir = join(ROOT, 'node_modules', '.cache', 'chainrule');
    mkdirSync(dir, { recursive: true });
    tsconfig = join(dir, 'cli-tsx-tsconfig.json');
    const paths = Object.fromEntries(
      ['tensor', 'autograd', 'viz', 'nn'].map((p) => [`@chainrule/${p}`, [`packages/${p}/src/index.ts`]]),
    );
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { baseUrl: ROOT, paths } }));
  }
  return tsconfig;
}

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `chainrule <argv>` as a process. With `closeStdout`, the reading end of its stdout is
 * closed at once, as `| head -0` would: every write then fails with EPIPE.
 */
export function spawnCli(argv: readonly string[], options: { closeStdout?: boolean } = {}): Promise<ProcessRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: sourceTsconfig() };
  delete env.CHAINRULE_DEBUG;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), ENTRY, ...argv], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let [stdout, stderr] = ['', ''];
    if (options.closeStdout === true) child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
