import { describe, expect, it } from 'vitest';
import { chainRule } from '../chain-rule.js';
import { INITIAL, NOTES, PARAMETER_NAMES, workedExample } from '../worked-example.js';

describe('examples/chain-rule', () => {
  it('gives the notes values for f = (x+y)z at (-2, 5, -4)', () => {
    expect(chainRule()).toEqual({ q: 3, f: -12, dfdx: -4, dfdy: -4, dfdz: 3, dfdq: -4 });
  });
});

describe('examples/worked-example', () => {
  const r = workedExample();
  it('forward values match the notes (to their 3 decimals)', () => {
    for (const [k, v] of Object.entries(r.nodes)) expect(v, k).toBeCloseTo(NOTES[k as keyof typeof r.nodes], 3);
  });
  it('errors match the notes (which compute them from outputs rounded to 3 decimals)', () => {
    // e.g. the notes' Err6 = 0.474 · 0.526 · 0.526 = 0.13114 uses o6 rounded to 0.474; exactly it is 0.131169.
    // The float64 test below checks the exact values; here the notes' inputs carry ±5e-4.
    for (const [k, v] of Object.entries(r.errors)) expect(v, k).toBeCloseTo(NOTES[k as keyof typeof r.errors], 3);
  });
  it('the updated weights match the notes (to their 3 decimals)', () => {
    for (const k of PARAMETER_NAMES) expect(r.updated[k], k).toBeCloseTo(NOTES.updated[k], 3);
  });
  it('agrees with the closed-form sigmoid backprop in float64', () => {
    const s = (v: number): number => 1 / (1 + Math.exp(-v));
    const p = INITIAL;
    const o4 = s(p.w14 + p.w34 + p.b4),
      o5 = s(p.w15 + p.w35 + p.b5);
    const o6 = s(o4 * p.w46 + o5 * p.w56 + p.b6);
    const err6 = o6 * (1 - o6) * (1 - o6);
    expect(r.errors.err6).toBeCloseTo(err6, 14);
    expect(r.errors.err4).toBeCloseTo(o4 * (1 - o4) * err6 * p.w46, 14);
    expect(r.updated.w46).toBeCloseTo(p.w46 + 0.9 * err6 * o4, 14);
  });
});
