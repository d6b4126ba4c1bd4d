// Head against base: every row of `npm run bench` in which chainrule is timed (each matmul and
// elementwise column of kernels.ts, FMA and plain; each training.ts workload, FMA and plain; each
// scalar-chain.ts chain), timed for this checkout ('head') and for another checkout of the
// repository ('base') in the same run, with the bench's own rounds and warm-up.
//
//   npx tsx bench/compare.ts <other-checkout> [--quick] [--build] [--recheck] [--repeat <n>] [--only <text>]...
//   npm run compare --workspace bench -- <other-checkout> [flags]
//
// <other-checkout> is another checkout that has run `npm ci` (node_modules and built dist/). Each
// row is timed by timeInProcesses (lib/processes.ts) with two candidates, head and base: the same
// candidate module path (e.g. bench/lib/kernels-chainrule.ts), one under each checkout, so each
// imports its own checkout's chainrule (sources, or through its node_modules the built packages),
// each in its own child process, interleaved round by round. The order alternates from row to row
// (head first, then base first), so neither is always the one that runs first in a round.
// Before timing, the candidate module and factory signature of each row are compared between the
// checkouts (lib/compare-check.ts): a row whose module or signature differs is reported and
// skipped, one whose bench files merely differ is timed and footnoted; a row whose child fails is
// reported and the run goes on. The rows and their options are restated in lib/compare-rows.ts.
//
// Output: a Markdown table (row, base, head, head/base as speed: > 1 is faster), printed and
// written to bench/COMPARE.md (overwritten per run). A row is flagged when head takes more than
// 5% longer than base (head/base speed < 1/1.05 ≈ 0.952), the issue's "stays within 5% of the
// commit before the change on every row"; the exit code is 1 if any row is flagged (with
// --recheck: flagged in both measurements) or failed.
// Flags: --quick halves the rounds (at least 2; the same warm-up); --build runs `npm run build`
// in both checkouts first (the training rows import the built packages, and `npm run bench`
// builds first too; without it a warning names any package whose dist/ is older than its src/);
// --only <text> keeps the rows whose name contains the text (case-insensitive; repeatable);
// --recheck times every flagged row a second time after all rows (the other one first), and shows
// that speed in its own column. On a shared machine one measurement of a row proves little: a row
// flagged in both is worth a look, one flagged once is most likely noise. --repeat <n> times each
// row n times, each time in fresh child processes (order alternating), and keeps the best of each
// side: some rows are bimodal from one child process to the next (a process settles in a fast or a
// slow state and keeps it through every round), which more rounds in one process cannot fix.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CompareRow, compareRows, quickOptions } from './lib/compare-rows.js';
import { checkCandidate, staleBuilds } from './lib/compare-check.js';
import { type ChildCandidate, timeInProcesses } from './lib/processes.js';
import { machine, toMarkdown } from './lib/report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const HEAD = resolve(HERE, '..');
/** Head may take at most this factor of base's time per call. */
const TOLERANCE = 1.05;

interface Options {
  readonly base: string;
  readonly quick: boolean;
  readonly build: boolean;
  readonly recheck: boolean;
  readonly repeat: number;
  readonly only: readonly string[];
}

const USAGE =
  'usage: npx tsx bench/compare.ts <other-checkout> [--quick] [--build] [--recheck] [--repeat <n>] [--only <text>]...';

function parseArgs(argv: readonly string[]): Options {
  let base: string | undefined,
    quick = false,
    build = false,
    recheck = false,
    repeat = 1;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--build') build = true;
    else if (a === '--recheck') recheck = true;
    else if (
      a === '--repeat' &&
      i + 1 < argv.length &&
      Number.isInteger(Number(argv[i + 1])) &&
      Number(argv[i + 1]) >= 1
    )
      repeat = Number(argv[++i]);
    else if (a === '--only' && i + 1 < argv.length) only.push(argv[++i]!.toLowerCase());
    else if (a.startsWith('--only=')) only.push(a.slice('--only='.length).toLowerCase());
    else if (!a.startsWith('--') && base === undefined) base = a;
    else throw new Error(`compare: unexpected argument ${a}\n${USAGE}`);
  }
  if (base === undefined) throw new Error(USAGE);
  // Under `npm run --workspace bench` the working directory is bench/; INIT_CWD is where npm was run.
  return { base: resolve(process.env.INIT_CWD ?? process.cwd(), base), quick, build, recheck, repeat, only };
}

/** One row's outcome: seconds per call of each, or why there are none. */
interface Outcome {
  readonly row: CompareRow;
  readonly base?: number;
  readonly head?: number;
  readonly problem?: string;
  readonly note?: string;
  /** --recheck: the second measurement of a flagged row. */
  readonly again?: Outcome;
}

/** base/head of seconds per call: speed of head relative to base (> 1: head is faster). */
const speed = (o: Outcome): number => (o.base !== undefined && o.head !== undefined ? o.base / o.head : NaN);
const flagged = (o: Outcome): boolean => speed(o) < 1 / TOLERANCE;
/** Flagged, and (where it was measured again) flagged the second time too. */
const confirmed = (o: Outcome): boolean =>
  flagged(o) && (o.again === undefined || flagged(o.again) || o.again.problem !== undefined);

function candidate(root: string, row: CompareRow): ChildCandidate {
  return {
    module: pathToFileURL(join(root, row.module)).href,
    factory: row.factory,
    args: row.args,
    ...(row.env === undefined ? {} : { env: row.env }),
    ...(row.nodeFlags === undefined ? {} : { nodeFlags: row.nodeFlags }),
  };
}

async function measure(row: CompareRow, opts: Options, headFirst: boolean): Promise<Outcome> {
  const check = checkCandidate(HEAD, opts.base, row.module, row.factory);
  if (check.skip !== undefined) return { row, problem: `skipped: ${check.skip}` };
  const head = candidate(HEAD, row),
    other = candidate(opts.base, row);
  try {
    let bestBase = Infinity,
      bestHead = Infinity;
    for (let k = 0; k < opts.repeat; k++) {
      const candidates: Record<string, ChildCandidate> =
        headFirst === (k % 2 === 0) ? { head, base: other } : { base: other, head };
      const t = await timeInProcesses(candidates, opts.quick ? quickOptions(row.options) : row.options);
      bestBase = Math.min(bestBase, t.base!);
      bestHead = Math.min(bestHead, t.head!);
    }
    return { row, base: bestBase, head: bestHead, ...(check.note === undefined ? {} : { note: check.note }) };
  } catch (e) {
    return { row, problem: `failed: ${(e as Error).message.split('\n')[0]}` };
  }
}

function describe(dir: string): string {
  try {
    const git = (...a: string[]): string =>
      execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = git('status', '--porcelain', '--untracked-files=no')
      .split('\n')
      .filter((l) => l !== '').length;
    const modified = changed > 0 ? ` plus ${changed} modified tracked files (working tree)` : '';
    return `${dir} at ${git('rev-parse', '--short', 'HEAD')}${modified}`;
  } catch {
    return dir;
  }
}

const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

function report(
  outcomes: readonly Outcome[],
  opts: Options,
  meta: { started: Date; seconds: number; loadBefore: string; warnings: readonly string[] },
): string {
  const notes: string[] = [];
  const rows = outcomes.map((o) => {
    const value = (s: number | undefined): string => (s === undefined ? '–' : o.row.value(s).toPrecision(4));
    let mark = flagged(o)
      ? o.again === undefined
        ? '**> 5% slower**'
        : confirmed(o)
          ? '**> 5% slower, twice**'
          : 'noise (not on recheck)'
      : '';
    if (o.problem !== undefined) mark = o.problem;
    if (o.note !== undefined) {
      notes.push(`[${notes.length + 1}] ${o.row.name}: ${o.note}.`);
      mark = `${mark} [${notes.length}]`.trim();
    }
    const r = speed(o);
    const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '–');
    const again = o.again === undefined ? [] : [o.again.problem ?? ratio(speed(o.again))];
    return [
      o.row.name,
      o.row.unit,
      value(o.base),
      value(o.head),
      ratio(r),
      ...(opts.recheck ? (again.length > 0 ? again : ['']) : []),
      mark,
    ];
  });
  const slow = outcomes.filter(confirmed),
    failed = outcomes.filter((o) => o.problem !== undefined);
  /** A flagged row's speed, and its recheck's. */
  const speeds = (o: Outcome): string =>
    [o, ...(o.again === undefined ? [] : [o.again])].map((x) => speed(x).toFixed(3)).join(', ');
  const table = toMarkdown({
    title:
      "chainrule, head against base, in the bench's units " +
      '(ms and µs/op: lower is better; GFLOP/s and samples/s: higher is better)',
    columns: [
      'row',
      'unit',
      'base',
      'head',
      'head/base (speed, > 1 faster)',
      ...(opts.recheck ? ['recheck head/base'] : []),
      '',
    ],
    rows,
    notes: [
      `Flagged: head takes more than ${Math.round((TOLERANCE - 1) * 100)}% longer per call than base ` +
        `(speed < ${(1 / TOLERANCE).toFixed(3)}).`,
      ...notes,
    ],
  });
  return [
    '# chainrule: head against base, every chainrule row of `npm run bench`',
    '',
    `Machine: ${machine()}.`,
    `Run: ${meta.started.toISOString()}, ${(meta.seconds / 60).toFixed(1)} min ` +
      `(\`npx tsx bench/compare.ts ${process.argv.slice(2).join(' ')}\`; ` +
      'generated by bench/compare.ts, overwritten per run).',
    `Head: ${describe(HEAD)}. Base: ${describe(opts.base)}.`,
    'Timing: each row is one timeInProcesses call with two candidates (head, base), each in its own child process, ' +
      "interleaved round by round, best round reported, with the bench's rounds and warm-up" +
      (opts.quick ? ', except --quick: half the rounds (at least 2)' : '') +
      (opts.repeat > 1
        ? `; each row timed ${opts.repeat} times in fresh processes, best of each side (--repeat)`
        : '') +
      (opts.recheck ? '; flagged rows timed a second time after all rows (--recheck)' : '') +
      `. Load average (1, 5, 15 min) before: ${meta.loadBefore}; after: ${load()}.`,
    ...meta.warnings.map((w) => `Warning: ${w}`),
    '',
    table,
    '',
    slow.length === 0
      ? `No row is more than 5% slower${opts.recheck ? ' in both measurements' : ''}.`
      : `More than 5% slower${opts.recheck ? ' in both measurements' : ''} (${slow.length}): ` +
        `${slow.map((o) => `${o.row.name} (${speeds(o)})`).join('; ')}.`,
    ...(failed.length === 0
      ? []
      : ['', `Not measured (${failed.length}): ${failed.map((o) => `${o.row.name}: ${o.problem}`).join('; ')}.`]),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(opts.base, 'bench', 'lib')) || !existsSync(join(opts.base, 'node_modules'))) {
    throw new Error(
      `compare: ${opts.base} is not a checkout of this repository that has run npm ci (no bench/lib or node_modules)`,
    );
  }
  if (opts.build) {
    for (const dir of [HEAD, opts.base]) {
      console.log(`npm run build in ${dir}`);
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: 'inherit' });
    }
  }
  const warnings: string[] = [];
  for (const [who, dir] of [
    ['head', HEAD],
    ['base', opts.base],
  ] as const) {
    const stale = staleBuilds(dir);
    if (stale.length > 0)
      warnings.push(
        `${who}'s built packages ${stale.join(', ')} are missing or older than their src/ ` +
          '(the training rows, and the scalar chain through @chainrule/tensor, import dist/); ' +
          'run `npm run build` there or pass --build.',
      );
  }
  for (const w of warnings) console.warn(`warning: ${w}`);
  const rows = (await compareRows()).filter(
    (r) => opts.only.length === 0 || opts.only.some((o) => r.name.toLowerCase().includes(o)),
  );
  if (rows.length === 0) throw new Error('compare: no row matches --only');
  console.log(
    `${machine()}\nhead ${HEAD}, base ${opts.base}: ${rows.length} rows` +
      `${opts.quick ? ' (--quick)' : ''}${opts.repeat > 1 ? ` (--repeat ${opts.repeat})` : ''}`,
  );
  const started = new Date(),
    loadBefore = load(),
    t0 = performance.now();
  const outcomes: Outcome[] = [];
  for (const [i, row] of rows.entries()) {
    const o = await measure(row, opts, i % 2 === 0);
    outcomes.push(o);
    const figures =
      o.problem ??
      `base ${row.value(o.base!).toPrecision(4)}, head ${row.value(o.head!).toPrecision(4)} ${row.unit}, ` +
        `head/base speed ${speed(o).toFixed(3)}${flagged(o) ? '  <-- more than 5% slower' : ''}`;
    console.log(`[${i + 1}/${rows.length}] ${row.name}: ${figures}`);
  }
  if (opts.recheck) {
    const again = outcomes.filter(flagged);
    if (again.length > 0) console.log(`\nrecheck: ${again.length} flagged rows, measured again`);
    for (const [i, o] of again.entries()) {
      const second = await measure(o.row, opts, outcomes.indexOf(o) % 2 === 1);
      outcomes[outcomes.indexOf(o)] = { ...o, again: second };
      console.log(
        `[recheck ${i + 1}/${again.length}] ${o.row.name}: ` +
          (second.problem ?? `head/base speed ${speed(second).toFixed(3)} (first ${speed(o).toFixed(3)})`),
      );
    }
  }
  const text = report(outcomes, opts, { started, seconds: (performance.now() - t0) / 1000, loadBefore, warnings });
  writeFileSync(join(HERE, 'COMPARE.md'), text);
  console.log(`\n${text}\nwrote ${join(HERE, 'COMPARE.md')}`);
  if (outcomes.some((o) => confirmed(o) || o.problem !== undefined)) process.exitCode = 1;
}

// Only when run as a command: run.ts leaves this file out of the benchmarks, and importing it does nothing.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
