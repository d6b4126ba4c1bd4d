// The classification metrics against scikit-learn 1.9 (float64): every case of the fixture to 1e-12
// (relative to the value's size where it exceeds 1, as for summed log losses), curves point by point.
// Regenerate the fixture: .venv/bin/python scripts/fixtures/metrics.py
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  balancedAccuracy,
  f1Score,
  logLoss,
  precision,
  precisionRecallCurve,
  recall,
  rocAuc,
  rocCurve,
  topKAccuracy,
} from '@chainrule/nn';

type Json = number | string | boolean | null | Json[] | { [key: string]: Json };
interface Case {
  name: string;
  fn: string;
  args: {
    yTrue: number[];
    yPred?: number[];
    yScore?: number[] | number[][];
    yProb?: number[] | number[][];
    options: Record<string, Json>;
  };
  expected: Json;
}
const doc = JSON.parse(readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8')) as {
  sklearn: string;
  cases: Case[];
};

/** The fixture writes NaN and ±∞ as strings. */
function decode(x: Json): Json {
  if (x === 'NaN') return Number.NaN;
  if (x === 'Infinity') return Number.POSITIVE_INFINITY;
  if (x === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (Array.isArray(x)) return x.map(decode);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, decode(v)]));
  return x;
}

function expectSame(actual: unknown, expected: Json, where: string): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), where).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${where} length`).toBe(expected.length);
    for (const [i, e] of expected.entries()) expectSame(a[i], e, `${where}[${i}]`);
  } else if (expected !== null && typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected))
      expectSame((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else if (typeof expected === 'number') {
    expect(typeof actual, where).toBe('number');
    const a = actual as number;
    if (Number.isNaN(expected) || !Number.isFinite(expected)) expect(a, where).toBe(expected);
    else
      expect(Math.abs(a - expected), `${where}: ${a} vs ${expected}`).toBeLessThanOrEqual(
        1e-12 * Math.max(1, Math.abs(expected)),
      );
  } else throw new Error(`${where}: unexpected expected value ${String(expected)}`);
}

// biome-ignore lint/suspicious/noExplicitAny: the fixture's options are checked by the functions themselves
type Fn = (a: any, b: any, options: any) => unknown;
const FNS: Record<string, Fn> = {
  precision,
  recall,
  f1Score,
  balancedAccuracy,
  topKAccuracy,
  logLoss,
  rocCurve,
  precisionRecallCurve,
  rocAuc,
  averagePrecision,
};

describe(`metrics against scikit-learn ${doc.sklearn}`, () => {
  it('covers every metric', () => {
    expect(new Set(doc.cases.map((c) => c.fn))).toEqual(new Set(Object.keys(FNS)));
  });
  for (const fn of Object.keys(FNS)) {
    const cases = doc.cases.filter((c) => c.fn === fn);
    it(`${fn}: ${cases.length} cases`, () => {
      for (const c of cases) {
        const { yTrue, options } = c.args;
        const second = c.args.yPred ?? c.args.yScore ?? c.args.yProb;
        const result = FNS[fn]!(yTrue, second, decode(options));
        expectSame(result, decode(c.expected), `${fn} ${c.name}`);
      }
    });
  }
});
