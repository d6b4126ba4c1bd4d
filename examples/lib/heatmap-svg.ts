/**
 * Pictures of 28×28 maps as one SVG: a grid of panels, each a square of pixels. A 'gray' panel
 * shows values in [0, 1] from white to black (a digit); a 'heat' panel scales |v| by the panel's
 * largest and shows it from white to red; a 'signed' panel shows positive values red and
 * negative blue (integrated gradients).
 */

/** One picture in the grid. */
export interface Panel {
  title: string;
  values: ArrayLike<number>;
  style: 'gray' | 'heat' | 'signed';
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function colour(v: number, style: Panel['style'], scale: number): string {
  if (style === 'gray') {
    const g = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
    return `rgb(${g},${g},${g})`;
  }
  const t = scale === 0 ? 0 : Math.min(1, Math.abs(v) / scale);
  const fade = Math.round(255 * (1 - t));
  return style === 'heat' || v >= 0 ? `rgb(255,${fade},${fade})` : `rgb(${fade},${fade},255)`;
}

/** The SVG of `rows` of panels, each `side`×`side` pixels drawn `cell` units wide. */
export function panelsSvg(rows: readonly (readonly Panel[])[], side = 28, cell = 4): string {
  const size = side * cell;
  const gap = 10;
  const titleHeight = 16;
  const columns = Math.max(...rows.map((r) => r.length));
  const width = columns * (size + gap) + gap;
  const height = rows.length * (size + gap + titleHeight) + gap;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  rows.forEach((row, r) => {
    row.forEach((panel, c) => {
      const x0 = gap + c * (size + gap);
      const y0 = gap + r * (size + gap + titleHeight);
      let scale = 0;
      for (let i = 0; i < panel.values.length; i++) scale = Math.max(scale, Math.abs(panel.values[i]!));
      parts.push(
        `<text x="${x0}" y="${y0 + 11}" font-family="sans-serif" font-size="11">${escape(panel.title)}</text>`,
      );
      parts.push(`<g transform="translate(${x0},${y0 + titleHeight})" shape-rendering="crispEdges">`);
      for (let i = 0; i < side * side; i++) {
        const fill = colour(panel.values[i]!, panel.style, scale);
        if (fill === 'rgb(255,255,255)') continue;
        const [x, y] = [(i % side) * cell, Math.floor(i / side) * cell];
        parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}"/>`);
      }
      parts.push(`<rect width="${size}" height="${size}" fill="none" stroke="#999"/></g>`);
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
