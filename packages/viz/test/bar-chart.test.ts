import { describe, expect, it } from 'vitest';
import { barChartSvg, renderTrainingReport } from '../src/index.js';

const spec = {
  title: 'Per-class <scores>',
  categories: ['a', 'b', 'c'],
  yMax: 1,
  series: [
    { name: 'precision', values: [0.5, 1, Number.NaN] },
    { name: 'recall', values: [0.25, 0.75, 0] },
  ],
};

describe('barChartSvg', () => {
  it('draws one bar per finite value, with heights proportional to the values', () => {
    const svg = barChartSvg(spec);
    expect(svg).toMatch(/^<svg class="bars"/);
    expect(svg).toContain('Per-class &lt;scores&gt;');
    const bars = [
      ...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="[^"]+"><title>/g),
    ];
    expect(bars).toHaveLength(5); // the NaN draws none
    const heights = bars.map((b) => Number(b[2]));
    // in order a: precision 0.5, recall 0.25; b: 1, 0.75; c: recall 0
    expect(heights[1]! / heights[0]!).toBeCloseTo(0.5, 2);
    expect(heights[3]! / heights[2]!).toBeCloseTo(0.75, 2);
    expect(heights[2]! / heights[0]!).toBeCloseTo(2, 1);
    expect(heights[4]).toBe(0);
    expect(svg).toContain('c (n/a)');
    expect(svg).toContain('<title>b, recall: 0.75</title>');
    expect(svg).not.toMatch(/<script|href=/);
  });

  it('refuses series of the wrong length and negative values', () => {
    expect(() => barChartSvg({ ...spec, series: [{ name: 'p', values: [1, 2] }] })).toThrow(
      /barChartSvg: series "p" has 2 values for 3 categories/,
    );
    expect(() => barChartSvg({ ...spec, series: [{ name: 'p', values: [1, -2, 0] }] })).toThrow(RangeError);
  });

  it('is drawn by the training report, which checks it first', () => {
    const html = renderTrainingReport({ title: 't', curves: [], bars: [spec] });
    expect(html).toContain('<svg class="bars"');
    expect(() => renderTrainingReport({ title: 't', curves: [], bars: [{ ...spec, categories: ['a'] }] })).toThrow(
      RangeError,
    );
  });
});
