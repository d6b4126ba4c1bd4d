import { rangeError } from './errors.js';
import { escapeXml, px } from './escape.js';

/** A confusion matrix: `matrix[t][p]` counts examples of true class t predicted as p. */
export interface ConfusionSpec {
  matrix: readonly (readonly number[])[];
  /** Class names (default 0..n-1). */
  labels?: readonly string[];
  /** Default `Confusion matrix`; an empty string draws no title. */
  title?: string;
}

/** Checks that the matrix is square with non-negative finite counts and matching labels. */
export function checkConfusion(spec: ConfusionSpec): void {
  const n = spec.matrix.length;
  spec.matrix.forEach((row, t) => {
    if (!Array.isArray(row) || row.length !== n)
      throw rangeError(
        'confusion matrix',
        `row ${t} has ${Array.isArray(row) ? row.length : 'no'} entries, expected ${n} (the matrix must be square)`,
      );
    row.forEach((v, p) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw rangeError('confusion matrix', `entry [${t}][${p}] is ${String(v)}, expected a non-negative count`);
    });
  });
  if (spec.labels !== undefined && spec.labels.length !== n)
    throw rangeError('confusion matrix', `${spec.labels.length} labels for ${n} classes`);
}

/**
 * An inline SVG heat map of a confusion matrix: rows are true classes, columns predictions; each
 * cell shows its count, shaded by its share of the row (the recall of the diagonal).
 * @example confusionMatrixSvg({ matrix: [[50, 2], [3, 45]], labels: ['cat', 'dog'] });
 */
export function confusionMatrixSvg(spec: ConfusionSpec): string {
  checkConfusion(spec);
  const n = spec.matrix.length;
  const labels = spec.labels ?? Array.from({ length: n }, (_, i) => String(i));
  const cell = n <= 12 ? 40 : Math.max(14, Math.floor(480 / n));
  const labelW = Math.max(24, 8 * Math.max(0, ...labels.map((l) => l.length)) + 8);
  const left = 22 + labelW;
  const titled = spec.title !== '';
  const top = titled ? 46 : 28;
  const width = left + n * cell + 12;
  const height = top + n * cell + 26;
  const out: string[] = [];
  out.push(
    `<svg class="confusion" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" ` +
      `aria-label="${escapeXml(spec.title ?? 'confusion matrix')}">`,
  );
  if (titled) out.push(`<text x="4" y="18" class="title">${escapeXml(spec.title ?? 'Confusion matrix')}</text>`);
  out.push(`<text x="${px(left + (n * cell) / 2)}" y="${top - 8}" text-anchor="middle" class="label">predicted</text>`);
  out.push(
    `<text transform="translate(12 ${px(top + (n * cell) / 2)}) rotate(-90)" text-anchor="middle" ` +
      `class="label">true</text>`,
  );
  spec.matrix.forEach((row, t) => {
    const rowSum = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      const share = rowSum > 0 ? count / rowSum : 0;
      // white to deep blue as the row share goes 0 → 1
      const red = Math.round(255 - 247 * share);
      const green = Math.round(255 - 207 * share);
      const blue = Math.round(255 - 148 * share);
      const fill = `rgb(${red},${green},${blue})`;
      const x = left + p * cell;
      const y = top + t * cell;
      out.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff">` +
          `<title>true ${escapeXml(labels[t]!)}, predicted ${escapeXml(labels[p]!)}: ${count}</title></rect>`,
      );
      out.push(
        `<text x="${px(x + cell / 2)}" y="${px(y + cell / 2 + 4)}" text-anchor="middle" class="count" ` +
          `fill="${share > 0.5 ? '#fff' : '#222'}">${count}</text>`,
      );
    });
    out.push(
      `<text x="${left - 6}" y="${px(top + t * cell + cell / 2 + 4)}" text-anchor="end" ` +
        `class="tick">${escapeXml(labels[t]!)}</text>`,
    );
  });
  labels.forEach((l, p) => {
    out.push(
      `<text x="${px(left + p * cell + cell / 2)}" y="${top + n * cell + 16}" text-anchor="middle" ` +
        `class="tick">${escapeXml(l)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
