/** Wrapping help text to the terminal's width. */

/**
 * The width help text wraps to: the terminal's columns when stdout is one, else 80.
 *
 * @example
 * ```ts
 * import { terminalWidth } from '@chainrule/cli';
 * console.log(terminalWidth()); // 80 when piped, the window's width in a terminal
 * ```
 */
export function terminalWidth(): number {
  const columns = (process.stdout as { columns?: number }).columns;
  return typeof columns === 'number' && Number.isInteger(columns) && columns > 0 ? columns : 80;
}

/**
 * Breaks `text` into lines of at most `width` characters at spaces (a word longer than a line gets
 * a line of its own), the first line starting with `first` and the others with `rest`.
 *
 * @example
 * ```ts
 * import { wrapText } from '@chainrule/cli';
 * console.log(wrapText('one two three four', 10, '  ', '    ')); // '  one two\n    three\n    four'
 * ```
 */
export function wrapText(text: string, width: number, first = '', rest = first): string {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/ +/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

/**
 * Two columns: each left cell padded to the widest, and its text wrapped beside it to `width`; where
 * that leaves less than 24 columns for the text, the text goes under the left cell, indented.
 */
export function twoColumns(rows: readonly (readonly [string, string])[], width: number): string[] {
  const left = Math.max(...rows.map(([l]) => l.length)) + 2;
  const out: string[] = [];
  for (const [l, r] of rows) {
    if (width - left >= 24) out.push(wrapText(r, width, l.padEnd(left), ' '.repeat(left)));
    else out.push(l, wrapText(r, width, '      '));
  }
  return out;
}
