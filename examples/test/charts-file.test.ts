import { describe, expect, it } from 'vitest';
import { chartsSvg } from '../lib/charts-file.js';

describe('examples/lib/charts-file', () => {
  const chart = (title: string) => ({ title, series: [{ name: 'a', values: [3, 1, 2] }] });

  it('wraps the charts in one standalone SVG, laid out in rows', () => {
    const svg = chartsSvg([chart('one'), chart('two'), chart('three')], { columns: 2, width: 300, height: 200 });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"')).toBe(true);
    expect(svg).toContain('<style>');
    expect(svg).toContain('<g transform="translate(300 0)">');
    expect(svg).toContain('<g transform="translate(0 200)">');
    expect(svg.match(/class="title"/g)).toHaveLength(3);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });
});
