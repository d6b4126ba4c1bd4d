/** Shades from dark to bright; each pixel is drawn as two characters so the digit keeps its shape. */
const SHADES = ' .:-=+*#%@';

/**
 * A greyscale image (levels in [0, 1], bright = ink as in MNIST) as ASCII art in a frame.
 * @example
 * ```ts
 * console.log(asciiDigit(pixels, 28)); // 28 lines of 56 characters between │ │
 * ```
 */
export function asciiDigit(pixels: ArrayLike<number>, width: number): string {
  const height = Math.ceil(pixels.length / width);
  const lines = [`┌${'─'.repeat(2 * width)}┐`];
  for (let y = 0; y < height; y++) {
    let row = '';
    for (let x = 0; x < width; x++) {
      const v = Math.min(1, Math.max(0, pixels[y * width + x] ?? 0));
      const c = SHADES[Math.min(SHADES.length - 1, Math.floor(v * SHADES.length))]!;
      row += c + c;
    }
    lines.push(`│${row}│`);
  }
  lines.push(`└${'─'.repeat(2 * width)}┘`);
  return lines.join('\n');
}

/**
 * One line per class: the class, its probability as a percentage and a bar; the most likely
 * class is marked with `◀`.
 * @example classBars([0.1, 0.9]); // '0   10.00% ████ ...'
 */
export function classBars(probabilities: readonly number[], width = 40): string {
  let best = 0;
  probabilities.forEach((p, i) => {
    if (p > probabilities[best]!) best = i;
  });
  return probabilities
    .map((p, i) => {
      const cells = Math.round(Math.min(1, Math.max(0, p)) * width);
      return (
        `${String(i).padStart(2)} ${`${(100 * p).toFixed(2)}%`.padStart(8)} ` +
        `${'█'.repeat(cells)}${'·'.repeat(width - cells)}${i === best ? ' ◀' : ''}`
      );
    })
    .join('\n');
}

/** Per-class scores to print beside a confusion matrix (fractions; NaN prints as n/a). */
export interface ClassScoreColumns {
  precision: readonly number[];
  recall: readonly number[];
  f1: readonly number[];
  macro: { precision: number; recall: number; f1: number };
}

const pct = (v: number): string => (Number.isNaN(v) ? 'n/a' : `${(100 * v).toFixed(1)}%`);

/**
 * A confusion matrix as a text table: rows are true classes, columns predictions. Without `scores`,
 * each row ends with its recall; with them, with the class's precision, recall and F1, and a last
 * `macro avg` line holds their means.
 * @example
 * ```ts
 * console.log(confusionTable([[3, 1], [0, 4]], classScores([[3, 1], [0, 4]])));
 * ```
 */
export function confusionTable(matrix: readonly (readonly number[])[], scores?: ClassScoreColumns): string {
  const n = matrix.length;
  const cell = Math.max(4, ...matrix.flat().map((v) => String(v).length + 1));
  const columns = Array.from({ length: n }, (_, j) => String(j).padStart(cell)).join('');
  if (scores !== undefined) {
    const line = (cells: readonly string[]): string => `  ${cells.map((c) => c.padStart(9)).join('')}`;
    const three = (p: number, r: number, f: number): string => line([p, r, f].map(pct));
    const head = `${'true\\pred'.padEnd(10)}${columns}${line(['precision', 'recall', 'f1'])}`;
    const rows = matrix.map(
      (row, i) =>
        `${String(i).padEnd(10)}${row.map((v) => String(v).padStart(cell)).join('')}` +
        three(scores.precision[i]!, scores.recall[i]!, scores.f1[i]!),
    );
    const { macro } = scores;
    return [
      head,
      ...rows,
      `${'macro avg'.padEnd(10 + n * cell)}${three(macro.precision, macro.recall, macro.f1)}`,
    ].join('\n');
  }
  const head = `${'true\\pred'.padEnd(10)}${columns}   recall`;
  const rows = matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const recall = total > 0 ? `${((100 * row[i]!) / total).toFixed(1)}%` : 'n/a';
    return `${String(i).padEnd(10)}${row.map((v) => String(v).padStart(cell)).join('')}   ${recall.padStart(6)}`;
  });
  return [head, ...rows].join('\n');
}
