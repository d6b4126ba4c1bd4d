/**
 * Finds a Python with the modules a live cross-check needs: $CHAINRULE_PYTHON, the repository's
 * `.venv` (see the README: `python3 -m venv .venv && .venv/bin/pip install ...`), then `python3`.
 * A test that needs one and finds none reports itself skipped with the returned reason, so it
 * never passes silently.
 * @example
 * ```ts
 * const py = findPython(['torch']);
 * it.skipIf(py.python === null)(`agrees with PyTorch${py.python === null ? ` (skipped: ${py.reason})` : ''}`, ...);
 * ```
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A Python that imports every module asked for, or why there is none. */
export type FoundPython = { python: string; reason: null } | { python: null; reason: string };

export function findPython(modules: readonly string[]): FoundPython {
  const candidates = [process.env.CHAINRULE_PYTHON, join(root, '.venv', 'bin', 'python'), 'python3'];
  const tried: string[] = [];
  for (const python of candidates) {
    if (python === undefined || python === '') continue;
    if (python.includes('/') && !existsSync(python)) continue;
    const probe = spawnSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ') || 'pass'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (probe.status === 0) return { python, reason: null };
    tried.push(`${python}: ${(probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? '').slice(0, 120)}`);
  }
  return { python: null, reason: `no Python with ${modules.join(', ')} (${tried.join('; ') || 'none found'})` };
}

/** Runs `code` with `python` and returns its stdout; throws with stderr when it fails. */
export function runPython(python: string, code: string, args: readonly string[] = []): string {
  const run = spawnSync(python, ['-c', code, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`python failed (${run.status}): ${run.stderr || run.error?.message}`);
  return run.stdout;
}
