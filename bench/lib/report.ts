import os from 'node:os';

/** One table of results, as a bench file returns it to run.ts. */
export interface BenchSection {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly notes?: readonly string[];
}

/**
 * The contract of a bench file under bench/: a default export that runs the workloads and returns
 * its tables. run.ts imports every bench/*.ts file (but itself) and calls it.
 */
export type BenchFile = () => Promise<readonly BenchSection[]>;

/** The largest of the figures that were measured (NaN where none was: a skipped column reads NaN). */
export function bestMeasured(values: readonly number[]): number {
  const measured = values.filter((v) => !Number.isNaN(v));
  return measured.length === 0 ? Number.NaN : Math.max(...measured);
}

/** The machine the numbers were taken on. */
export function machine(): string {
  const cpus = os.cpus();
  return (
    `${cpus[0]?.model ?? 'unknown CPU'} × ${os.availableParallelism()} (${os.arch()}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`
  );
}

function cell(v: string | number): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '–';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** A section as Markdown. */
export function toMarkdown(s: BenchSection): string {
  const lines = [`## ${s.title}`, '', `| ${s.columns.join(' | ')} |`, `| ${s.columns.map(() => '---').join(' | ')} |`];
  for (const row of s.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  if (s.notes !== undefined && s.notes.length > 0) lines.push('', ...s.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}
