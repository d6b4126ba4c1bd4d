import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainDigits, explainTabular } from '../interpretation.js';

// A short version: 500 training digits, 2 epochs, 2 digits, 32 integration steps; 400 tabular rows.
describe('examples/interpretation', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'interpretation-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('draws saliency, SmoothGrad and integrated gradients of digits, complete within the Riemann error', () => {
    const r = explainDigits({ trainSize: 500, epochs: 2, explain: 2, nSteps: 32, nSamples: 4, outDir });
    expect(r.testAccuracy).toBeGreaterThan(0.6);
    r.completenessGap.forEach((gap, i) => void expect(gap).toBeLessThan(0.02 * Math.abs(r.logitGap[i]!) + 1e-3));
    const svg = readFileSync(r.svgPath, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/integrated gradients/g)).toHaveLength(2);
  });

  it('ranks the tabular features by their known importances', () => {
    const t = explainTabular({ tabularRows: 400, tabularSteps: 200 });
    expect(t.r2).toBeGreaterThan(0.9);
    for (const scores of [t.permutation, t.meanAbsShap]) {
      expect(scores[0]).toBeGreaterThan(scores[1]!);
      expect(scores[1]).toBeGreaterThan(scores[2]!);
      expect(scores[2]).toBeGreaterThan(Math.max(scores[3]!, scores[4]!));
    }
    expect(t.pdSlope[0]).toBeGreaterThan(2.5); // the true slope is 3
    expect(t.pdSlope[0]).toBeLessThan(3.5);
  });
});
