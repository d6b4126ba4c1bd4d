/**
 * The bad-input catalogue: a table of wrong calls over nn (layers, module state dicts, losses,
 * optimizers, schedulers, clipGradNorm). Each case asserts the error class, a message fragment
 * naming the op or layer and what was expected, and that every parameter, tensor, buffer and
 * piece of optimizer or scheduler state involved is unchanged. The cases live in ./catalogue/.
 */
import { describe, expect, it } from 'vitest';
import { configCases } from './catalogue/configs.js';
import { convFamilyCases } from './catalogue/conv-family.js';
import { dtypeCases } from './catalogue/dtypes.js';
import { layerCases } from './catalogue/layers.js';
import { lossCases } from './catalogue/losses.js';
import { optimCases } from './catalogue/optim.js';
import { schedulerCases } from './catalogue/schedulers.js';
import { sequenceCases } from './catalogue/sequences.js';
import { stateDictCases } from './catalogue/state-dicts.js';
import type { Case } from './catalogue/types.js';
import { snapshotAll } from './snapshot.js';

const TABLES: [string, Case[]][] = [
  ['layers', layerCases],
  ['convolution family, pools, resizing and 2-D normalization', convFamilyCases],
  ['layer configurations and axes', configCases],
  ['input dtypes, empty sequences and cell states', dtypeCases],
  ['embedding and recurrent layers', sequenceCases],
  ['module state dicts', stateDictCases],
  ['losses', lossCases],
  ['optimizers', optimCases],
  ['schedulers and clipGradNorm', schedulerCases],
];

describe('bad-input catalogue', () => {
  it('has at least 100 cases', () => {
    expect(TABLES.reduce((n, [, cases]) => n + cases.length, 0)).toBeGreaterThanOrEqual(100);
  });

  for (const [table, cases] of TABLES) {
    describe(table, () => {
      const names = new Set<string>();
      for (const c of cases) {
        if (names.has(c.name)) throw new Error(`duplicate catalogue case "${c.name}"`);
        names.add(c.name);
        it(c.name, () => {
          const { call, watch } = c.setup();
          const before = snapshotAll(watch);
          let error: unknown = null;
          try {
            call();
          } catch (e) {
            error = e;
          }
          expect(error, 'the call was accepted').not.toBeNull();
          expect(error).toBeInstanceOf(c.error);
          const message = (error as Error).message;
          if (typeof c.message === 'string') expect(message).toContain(c.message);
          else expect(message).toMatch(c.message);
          expect(snapshotAll(watch)).toEqual(before);
        });
      }
    });
  }
});
