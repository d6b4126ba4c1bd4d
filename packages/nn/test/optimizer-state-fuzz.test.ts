/**
 * A seeded fuzz test of the optimizer state loader: random mutations of a valid state dict
 * (dropped and renamed keys, NaN, ±Infinity, negative and fractional steps, wrong shapes and
 * dtypes, extra keys, wrong group counts and ids, bad hyperparameters). Whatever the mutation:
 * - a refusal is a typed error naming the optimizer's loadStateDict;
 * - a refusal changes nothing (parameters, gradients, hyperparameters, state);
 * - an accepted dict then steps to finite weights (never NaN).
 * A few hundred cases run in `npm test`; set CHAINRULE_FUZZ_RUNS to a multiplier for more (and
 * CHAINRULE_FUZZ_SEED to another seed).
 */
import * as T from '@chainrule/tensor';
import { Tensor, tensor } from '@chainrule/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  ModuleError,
  type Optimizer,
  type OptimizerStateDict,
  RMSprop,
  SGD,
} from '../src/index.js';
import { snapshotAll } from './snapshot.js';

const MULTIPLIER = Number(process.env.CHAINRULE_FUZZ_RUNS ?? '1');
if (!(MULTIPLIER > 0)) throw new Error(`CHAINRULE_FUZZ_RUNS must be a positive multiplier, got ${MULTIPLIER}`);
const RUNS = Math.ceil(400 * MULTIPLIER);
/** The seed: fixed, so a failure reproduces; CHAINRULE_FUZZ_SEED picks another for a long run. */
const SEED = Number(process.env.CHAINRULE_FUZZ_SEED ?? '16');

type Groups = Tensor[] | { params: Tensor[] }[];
const MAKERS: [string, (g: Groups) => Optimizer][] = [
  ['SGD', (g) => new SGD(g, { lr: 0.05, momentum: 0.9 })],
  ['SGD', (g) => new SGD(g, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01 })],
  ['Adagrad', (g) => new Adagrad(g, { lr: 0.1, lrDecay: 0.01 })],
  ['RMSprop', (g) => new RMSprop(g, { lr: 0.01 })],
  ['RMSprop', (g) => new RMSprop(g, { lr: 0.01, momentum: 0.5, centered: true })],
  ['Adam', (g) => new Adam(g, { lr: 0.05 })],
  ['Adam', (g) => new Adam(g, { lr: 0.05, amsgrad: true })],
  ['AdamW', (g) => new AdamW(g, { lr: 0.05 })],
];

const ODD_NUMBERS: unknown[] = [NaN, Infinity, -Infinity, -1, 0.5, -0.25, 1e300, 2 ** 53, 2 ** 53 - 1, 0, 7];
const ODD_VALUES: unknown[] = [...ODD_NUMBERS, '1', null, true, undefined, [], {}, [1, 2]];
/**
 * Hyperparameter values: out of range, non-finite, of the wrong type, or in range. Not huge finite
 * ones: weightDecay 1e300 overflows a float32 weight to NaN whether it comes from the constructor
 * or a state dict (as in PyTorch), which is not the loader's doing.
 */
const OPTION_VALUES: unknown[] = [NaN, Infinity, -Infinity, -1, -0.25, 0, 0.5, 1, 7, '1', null, true, undefined, []];
const NAMES = ['stp', 'e_avg', 'step', 'exp_avg', 'exp_avg_sq', 'sum', 'square_avg', 'momentum_buffer', 'x', '__proto'];

/** A tensor that may or may not fit a parameter of shape [2] (float32) or [3, 1] (float64). */
const tensorArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<number[]>([2], [3, 1], [3], [1, 3], [], [2, 2]).chain((shape) =>
    fc
      .tuple(
        fc.constantFrom<T.DType>('float32', 'float64', 'int32'),
        fc.array(
          fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity, 0)),
          {
            minLength: 6,
            maxLength: 6,
          },
        ),
      )
      .map(([dtype, values]) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const data = values.slice(0, size).map((v) => (dtype !== 'int32' ? v : Number.isFinite(v) ? Math.trunc(v) : 0));
        return new Tensor(T.array(data, dtype).reshape(shape));
      }),
  ),
  fc.constantFrom(...ODD_VALUES),
);

/** One edit of a state dict, applied in place to a deep copy (indices are taken modulo the sizes). */
type Mutation =
  | { kind: 'dropStateKey' | 'renameStateKey'; entry: number; key: number; name: string }
  | { kind: 'setStateKey'; entry: number; key: number; value: unknown }
  | { kind: 'addStateKey'; entry: number; name: string; value: unknown }
  | { kind: 'setStep'; entry: number; value: unknown }
  | { kind: 'dropEntry' | 'renameEntry'; entry: number; name: string }
  | { kind: 'groups'; op: 'drop' | 'duplicate' | 'empty' | 'notArray'; group: number }
  | { kind: 'ids'; op: 'drop' | 'repeat' | 'shift' | 'fraction' | 'negative' | 'extra'; group: number; by: number }
  | { kind: 'option'; group: number; key: number; value: unknown }
  | { kind: 'dropOption' | 'addOption'; group: number; key: number; name: string }
  | { kind: 'top'; op: 'extraKey' | 'nullState' | 'arrayState' | 'dropGroups' | 'dropState' };

const idx = fc.nat({ max: 20 });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('dropStateKey', 'renameStateKey'),
    entry: idx,
    key: idx,
    name: fc.constantFrom(...NAMES),
  }),
  fc.record({ kind: fc.constant('setStateKey'), entry: idx, key: idx, value: tensorArb }),
  fc.record({ kind: fc.constant('addStateKey'), entry: idx, name: fc.constantFrom(...NAMES), value: tensorArb }),
  fc.record({ kind: fc.constant('setStep'), entry: idx, value: fc.oneof(fc.constantFrom(...ODD_VALUES), fc.nat()) }),
  fc.record({
    kind: fc.constantFrom('dropEntry', 'renameEntry'),
    entry: idx,
    name: fc.constantFrom('2', '-1', '01', '1.0', 'a'),
  }),
  fc.record({ kind: fc.constant('groups'), op: fc.constantFrom('drop', 'duplicate', 'empty', 'notArray'), group: idx }),
  fc.record({
    kind: fc.constant('ids'),
    op: fc.constantFrom('drop', 'repeat', 'shift', 'fraction', 'negative', 'extra'),
    group: idx,
    by: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('option'),
    group: idx,
    key: idx,
    value: fc.oneof(fc.constantFrom(...OPTION_VALUES), fc.double({ min: 0, max: 0.99, noNaN: true }), fc.boolean()),
  }),
  fc.record({
    kind: fc.constantFrom('dropOption', 'addOption'),
    group: idx,
    key: idx,
    name: fc.constantFrom('lrr', 'betas', 'weight_decay', 'params'),
  }),
  fc.record({
    kind: fc.constant('top'),
    op: fc.constantFrom('extraKey', 'nullState', 'arrayState', 'dropGroups', 'dropState'),
  }),
);

type Obj = Record<string, unknown>;
const pick = <X>(xs: readonly X[], i: number): X | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);

function mutate(dict: Obj, m: Mutation): void {
  const state = dict.state as Obj | null;
  const groups = dict.paramGroups as Obj[];
  const entryKey = (i: number) =>
    state !== null && typeof state === 'object' ? pick(Object.keys(state), i) : undefined;
  const entry = (i: number) => {
    const k = entryKey(i);
    return k === undefined ? undefined : ((state as Obj)[k] as Obj);
  };
  const group = (i: number) => (Array.isArray(groups) ? pick(groups, i) : undefined);
  switch (m.kind) {
    case 'dropStateKey':
    case 'renameStateKey':
    case 'setStateKey': {
      const e = entry(m.entry);
      const k = e === undefined ? undefined : pick(Object.keys(e), m.key);
      if (e === undefined || k === undefined) return;
      const v = e[k];
      delete e[k];
      if (m.kind === 'renameStateKey') e[m.name] = v;
      if (m.kind === 'setStateKey') e[k] = m.value;
      return;
    }
    case 'addStateKey': {
      const e = entry(m.entry);
      if (e !== undefined) e[m.name] = m.value;
      return;
    }
    case 'setStep': {
      const e = entry(m.entry);
      if (e !== undefined) e.step = m.value;
      return;
    }
    case 'dropEntry':
    case 'renameEntry': {
      const k = entryKey(m.entry);
      if (k === undefined) return;
      const v = (state as Obj)[k];
      delete (state as Obj)[k];
      if (m.kind === 'renameEntry') (state as Obj)[m.name] = v;
      return;
    }
    case 'groups':
      if (!Array.isArray(groups)) return;
      if (m.op === 'drop') groups.splice(m.group % groups.length, 1);
      else if (m.op === 'duplicate') groups.push(structuredCopy(group(m.group)) as Obj);
      else if (m.op === 'empty') groups.splice(0, groups.length);
      else dict.paramGroups = { 0: groups[0] };
      return;
    case 'ids': {
      const g = group(m.group);
      if (g === undefined || !Array.isArray(g.params)) return;
      const ids = g.params as number[];
      if (m.op === 'drop') ids.pop();
      else if (m.op === 'repeat' && ids.length > 0) ids[ids.length - 1] = ids[0]!;
      else if (m.op === 'shift') {
        // a valid renumbering: the ids and the state entries they name move together
        g.params = ids.map((i) => i + m.by * 10);
        if (state !== null && typeof state === 'object' && !Array.isArray(state))
          for (const i of ids) {
            if (!(String(i) in state)) continue;
            state[String(i + m.by * 10)] = state[String(i)];
            delete state[String(i)];
          }
      } else if (m.op === 'fraction' && ids.length > 0) ids[0] = ids[0]! + 0.5;
      else if (m.op === 'negative' && ids.length > 0) ids[0] = -m.by;
      else if (m.op === 'extra') ids.push(100 + m.by);
      return;
    }
    case 'option': {
      const o = group(m.group)?.options as Obj | undefined;
      const k = o === undefined ? undefined : pick(Object.keys(o), m.key);
      if (o !== undefined && k !== undefined) o[k] = m.value;
      return;
    }
    case 'dropOption':
    case 'addOption': {
      const o = group(m.group)?.options as Obj | undefined;
      if (o === undefined) return;
      if (m.kind === 'addOption') o[m.name] = 1;
      else {
        const k = pick(Object.keys(o), m.key);
        if (k !== undefined) delete o[k];
      }
      return;
    }
    case 'top':
      if (m.op === 'extraKey') dict.param_groups = structuredCopy(groups);
      else if (m.op === 'nullState') dict.state = null;
      else if (m.op === 'arrayState') dict.state = [];
      else if (m.op === 'dropGroups') delete dict.paramGroups;
      else delete dict.state;
      return;
  }
}

/** A deep copy of plain data; Tensors are kept (they are replaced, never edited in place). */
function structuredCopy(v: unknown): unknown {
  if (v instanceof Tensor) return v;
  if (Array.isArray(v)) return v.map(structuredCopy);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCopy(x)]));
  return v;
}

const TYPED = [ModuleError, T.ShapeError, T.DTypeError, T.RangeError];

function setup(make: (g: Groups) => Optimizer, twoGroups: boolean) {
  const p = tensor([0.5, -1.5], { requiresGrad: true });
  const q = tensor([[1], [2], [-3]], { requiresGrad: true, dtype: 'float64' });
  const opt = make(twoGroups ? [{ params: [p] }, { params: [q] }] : [p, q]);
  const grads = (k: number) => {
    p.grad = tensor([0.3 * k, -0.7]);
    q.grad = tensor([[k], [0.5], [-0.25 * k]], { dtype: 'float64' });
  };
  grads(1);
  opt.step();
  grads(-2);
  opt.step();
  return { p, q, opt, saved: opt.stateDict(), grads };
}

describe('fuzzed optimizer state dicts', () => {
  it(`never an untyped error, a half-load, or NaN weights after a load (${RUNS} cases)`, () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: MAKERS.length - 1 }),
        fc.boolean(),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        (which, twoGroups, mutations) => {
          const [name, make] = MAKERS[which]!;
          const { p, q, opt, saved, grads } = setup(make, twoGroups);
          const dict = structuredCopy(saved) as Obj;
          for (const m of mutations) mutate(dict, m);
          const before = snapshotAll([p, q, opt]);
          let error: unknown = null;
          try {
            opt.loadStateDict(dict as unknown as OptimizerStateDict);
          } catch (e) {
            error = e;
          }
          if (error !== null) {
            refused++;
            if (!TYPED.some((c) => error instanceof c)) throw error;
            expect((error as Error).message.startsWith(`${name}.loadStateDict: `)).toBe(true);
            expect(snapshotAll([p, q, opt])).toEqual(before);
            return;
          }
          accepted++;
          grads(0.5);
          opt.step();
          const weights = [...(p.toArray() as number[]), ...(q.toArray() as number[][]).flat()];
          expect(weights.every(Number.isFinite)).toBe(true);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    // the mutations exercise both outcomes
    expect(refused).toBeGreaterThan(RUNS / 4);
    expect(accepted).toBeGreaterThan(RUNS / 50);
  });
});
