import type { ElementComparison, FormulaReport, InputComparison, SweepReport } from './check-formula.js';
import { formatNumber, formatShape } from './format.js';

/** Options of `formatCheck`. */
export interface FormatCheckOptions {
  /** Plain text (default) or Markdown. */
  format?: 'text' | 'markdown';
  /** Rows shown per input: all elements when there are at most this many, else the worst ones (default 8). */
  maxRows?: number;
  /** Significant digits of the gradients (default 6). */
  digits?: number;
}

/**
 * A checkFormula report as a readable table: per input, ok or FAIL, the maximum absolute and
 * relative error, the worst index, and the elements (hand, autograd, finite differences, errors).
 * @example
 * ```ts
 * console.log(formatCheck(checkFormula(f, myGrad, [[1, 2, 3]])));
 * ```
 */
export function formatCheck(report: FormulaReport | SweepReport, options: FormatCheckOptions = {}): string {
  return `${(report.kind === 'sweep' ? sweepText(report, options) : pointText(report, options)).join('\n')}\n`;
}

const sci = (v: number): string => formatNumber(v, 2);

function pointText(r: FormulaReport, o: FormatCheckOptions): string[] {
  const md = o.format === 'markdown';
  const lines: string[] = [];
  const verdict = r.ok
    ? 'OK: the hand-derived gradient matches autograd'
    : 'FAIL: the hand-derived gradient differs from autograd';
  lines.push(
    `${md ? '**' : ''}checkFormula ${verdict}${md ? '**' : ''} (float64; ` +
      `tolerance |Δ| ≤ ${sci(r.atol)} + ${sci(r.rtol)}·|autograd|; finite differences with eps ${sci(r.eps)})`,
  );
  lines.push(`f = ${formatNumber(r.value, o.digits ?? 6)}`);
  if (!r.ok) {
    const w = r.inputs[r.worstInput]!;
    const e = w.worst!;
    const digits = o.digits ?? 6;
    lines.push(
      `worst: ${w.name} at ${formatShape(e.index)}: hand ${formatNumber(e.hand, digits)} vs autograd ` +
        `${formatNumber(e.autograd, digits)} (hand − autograd = ${formatNumber(e.hand - e.autograd, digits)})`,
    );
  }
  if (!r.truthAgrees)
    lines.push(
      'warning: autograd and finite differences disagree here (a kink nearby, or a bug in an op); ' +
        'trust neither at this point',
    );
  for (const input of r.inputs) if (input.hint !== null) lines.push(`hint for ${input.name}: ${input.hint}`);
  for (const input of r.inputs) lines.push('', ...inputLines(input, md, o));
  return lines;
}

function inputLines(c: InputComparison, md: boolean, o: FormatCheckOptions): string[] {
  const digits = o.digits ?? 6;
  const maxRows = o.maxRows ?? 8;
  const status = c.ok ? 'ok' : 'FAIL';
  const worst =
    c.worstIndex === null
      ? 'empty'
      : `max |Δ| ${sci(c.maxAbsError)} at ${formatShape(c.worstIndex)}, max rel ${sci(c.maxRelError)}`;
  const head =
    `${c.name} ${formatShape(c.shape)}: ${status}, ${worst}; ` +
    `autograd vs finite differences ${sci(c.autogradVsFiniteDiff)}`;
  const rows = shownRows(c.elements, maxRows);
  const cells = (e: ElementComparison): string[] => [
    formatShape(e.index),
    formatNumber(e.hand, digits),
    formatNumber(e.autograd, digits),
    formatNumber(e.finiteDiff, digits),
    sci(e.absError),
    sci(e.relError),
    e.ok ? '' : '✗',
  ];
  const header = ['index', 'hand', 'autograd', 'finite diff', '|hand − autograd|', 'rel', ''];
  const note =
    rows.length < c.elements.length ? `(the ${rows.length} worst of ${c.elements.length} elements)` : undefined;
  if (md) {
    const out = [`${c.ok ? '' : '**'}${head}${c.ok ? '' : '**'}`, ''];
    const row = (r: readonly string[]): string => `| ${r.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
    out.push(row(header), `|${header.map(() => ' --- ').join('|')}|`);
    for (const e of rows) out.push(row(cells(e)));
    if (note !== undefined) out.push('', note);
    return out;
  }
  const table = [header, ...rows.map(cells)];
  const widths = header.map((_, j) => Math.max(...table.map((r) => r[j]!.length)));
  const out = [head];
  for (const r of table)
    out.push(
      `  ${r
        .map((cell, j) => cell.padEnd(widths[j]!))
        .join('  ')
        .trimEnd()}`,
    );
  if (note !== undefined) out.push(`  ${note}`);
  return out;
}

/** All elements in index order when few, else the worst ones by |Δ|. */
function shownRows(elements: readonly ElementComparison[], maxRows: number): readonly ElementComparison[] {
  if (elements.length <= maxRows) return elements;
  return [...elements].sort((a, b) => b.absError - a.absError || (Number.isNaN(b.absError) ? 1 : 0)).slice(0, maxRows);
}

function sweepText(r: SweepReport, o: FormatCheckOptions): string[] {
  const md = o.format === 'markdown';
  const range = `values in [${r.range[0]}, ${r.range[1]}]`;
  if (r.failure === null) {
    return [
      `${md ? '**' : ''}checkFormula sweep OK${md ? '**' : ''}: ` +
        `${r.runs} random points (fast-check seed ${r.seed}, ${range}); the worst point:`,
      '',
      ...pointText(r.worst, o),
    ];
  }
  const lines = [
    `${md ? '**' : ''}checkFormula sweep FAIL${md ? '**' : ''}: the hand-derived gradient differs from ` +
      `autograd at random point ${r.runs} (fast-check seed ${r.seed}, ${range})`,
    '',
  ];
  lines.push(...pointText(r.failure.first, o));
  if (r.failure.shrinks > 0) {
    lines.push(
      '',
      `fast-check shrank it in ${r.failure.shrinks} steps to this failing point:`,
      '',
      ...pointText(r.failure.shrunk, o),
    );
  }
  return lines;
}
