import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorSurface } from '../error-surface.js';

describe('examples/error-surface', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'error-surface-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));
  const r = errorSurface({ outDir, steps: 25 });

  it('a learning rate below 2/λmax descends towards the least-squares minimum', () => {
    const l = r.good.losses;
    for (let k = 1; k < l.length; k++) expect(l[k]).toBeLessThan(l[k - 1]!);
    expect(l.at(-1)! - r.minimum.loss).toBeLessThan(0.05 * (l[0]! - r.minimum.loss));
    expect(r.minimum.w).toBeCloseTo(2, 0);
    expect(r.minimum.b).toBeCloseTo(1, 0);
  });

  it('one just above 2/λmax diverges: the error grows without bound', () => {
    expect(r.tooLarge.lr).toBeGreaterThan(r.lrLimit);
    const l = r.tooLarge.losses;
    for (let k = 5; k < l.length; k++) expect(l[k]).toBeGreaterThan(l[k - 1]!);
    expect(l.at(-1)!).toBeGreaterThan(100 * l[0]!);
  });

  it('both paths start with the same gradient, scaled by their learning rates', () => {
    const [[w0, b0], [w1, b1]] = r.good.path as [[number, number], [number, number]];
    expect(r.tooLarge.path[0]).toEqual([w0, b0]);
    const [w1l, b1l] = r.tooLarge.path[1]!;
    const ratio = r.tooLarge.lr / r.good.lr;
    expect(w1l - w0).toBeCloseTo(ratio * (w1 - w0), 10);
    expect(b1l - b0).toBeCloseTo(ratio * (b1 - b0), 10);
  });

  it('writes contours and both paths', () => {
    const svg = readFileSync(r.svgPath, 'utf8');
    expect(svg.match(/<path d="M/g)!.length).toBeGreaterThan(5);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
  });
});
