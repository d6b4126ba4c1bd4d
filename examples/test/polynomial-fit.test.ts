import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { polyfit, polynomialFit, polyval } from '../polynomial-fit.js';

describe('examples/polynomial-fit', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'polynomial-fit-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));
  const r = polynomialFit({ outDir, testPoints: 300 });
  const [linear, cubic, high] = r.fits;

  it('polyfit recovers an exact polynomial', () => {
    const x = [-1, -0.5, 0, 0.3, 0.7, 1];
    const c = polyfit(
      x,
      x.map((v) => 1 - 2 * v + 0.5 * v ** 3),
      3,
    );
    for (const [k, ck] of [1, -2, 0, 0.5].entries()) expect(c[k]).toBeCloseTo(ck, 10);
    expect(polyval([1, 2, 3], 2)).toBe(1 + 4 + 12);
  });

  it('degree 11 goes through all 12 points: zero training error', () => {
    expect(high!.degree).toBe(11);
    expect(high!.trainMse).toBeLessThan(1e-12);
    for (let i = 0; i < 12; i++) expect(polyval(high!.coefficients, r.train.x[i]!)).toBeCloseTo(r.train.y[i]!, 6);
    expect(linear!.trainMse).toBeGreaterThan(1e-3);
  });

  it('the line generalises, the degree-11 polynomial does not, even between the training points', () => {
    expect(linear!.testMse).toBeLessThan(0.05);
    expect(high!.testMse).toBeGreaterThan(100 * linear!.testMse);
    expect(high!.testMseInside).toBeGreaterThan(10 * linear!.testMseInside);
    expect(cubic!.testMse).toBeLessThan(high!.testMse);
  });

  it('writes the picture', () => {
    const svg = readFileSync(r.svgPath, 'utf8');
    expect(svg.startsWith('<svg xmlns')).toBe(true);
    expect(svg).toContain('degree 11');
    expect(svg.match(/<polyline/g)).toHaveLength(3);
  });
});
