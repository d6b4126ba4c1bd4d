/**
 * `loadStateDict` of every optimizer checks keys, shapes, dtypes and ranges before it writes:
 * `step: NaN` or a misspelt `{ stp, e_avg }` used to be taken, and the next step made every
 * weight NaN.
 */
import * as T from '@chainrule/tensor';
import { type Tensor, tensor } from '@chainrule/autograd';
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

type Make = (params: Tensor[]) => Optimizer;
/** Each optimizer with the state keys its saved state holds. */
const MAKERS: [string, Make, string[]][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.1, momentum: 0.9 }), ['momentum_buffer']],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1 }), ['step', 'sum']],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true }), ['step', 'square_avg']],
  ['Adam', (p) => new Adam(p, { lr: 0.1, amsgrad: true }), ['step', 'exp_avg', 'exp_avg_sq']],
  ['AdamW', (p) => new AdamW(p, { lr: 0.1 }), ['step', 'exp_avg', 'exp_avg_sq']],
];

function trained(make: Make): { p: Tensor; q: Tensor; opt: Optimizer; saved: OptimizerStateDict } {
  const p = tensor([1, 2], { requiresGrad: true });
  const q = tensor([[3], [4]], { requiresGrad: true });
  const opt = make([p, q]);
  for (let i = 0; i < 3; i++) {
    p.grad = tensor([0.5 - i, 0.25]);
    q.grad = tensor([[1], [i]]);
    opt.step();
  }
  return { p, q, opt, saved: opt.stateDict() };
}

function withState(saved: OptimizerStateDict, key: string, value: unknown): OptimizerStateDict {
  return { ...saved, state: { ...saved.state, '0': { ...saved.state['0']!, [key]: value } as never } };
}

const TYPED = [ModuleError, T.ShapeError, T.DTypeError, T.RangeError];

describe('Optimizer.loadStateDict validates everything and loads nothing on error', () => {
  for (const [name, make, keys] of MAKERS) {
    const tensorKey = keys.find((k) => k !== 'step')!;
    const cases: [string, (s: OptimizerStateDict) => unknown, RegExp][] = [
      ['an unknown state key', (s) => withState(s, 'e_avg', s.state['0']![tensorKey]), /unknown state key "e_avg"/],
      [
        'a misspelt dict key',
        (s) => ({ ...s, param_groups: s.paramGroups }),
        /unknown key "param_groups" \(did you mean "paramGroups"\?\); the valid ones are "state", "paramGroups"/,
      ],
      ['a state tensor of the wrong shape', (s) => withState(s, tensorKey, tensor([1, 2, 3])), /has shape \[3\]/],
      [
        'a state tensor of the wrong dtype',
        (s) => withState(s, tensorKey, tensor([1, 2], { dtype: 'float64' })),
        /is float64, its parameter float32/,
      ],
      ['a NaN in a state tensor', (s) => withState(s, tensorKey, tensor([1, NaN])), /must be finite, got NaN/],
      ['an infinite state tensor', (s) => withState(s, tensorKey, tensor([-Infinity, 0])), /must be finite/],
      ['a number where a tensor belongs', (s) => withState(s, tensorKey, 3), /must be a Tensor of shape \[2\]/],
      [
        'two groups for one',
        (s) => ({ ...s, paramGroups: [...s.paramGroups, ...s.paramGroups] }),
        /the state has 2 parameter group\(s\), the optimizer 1/,
      ],
      [
        'a group with one parameter too many',
        (s) => ({ ...s, paramGroups: [{ ...s.paramGroups[0]!, params: [0, 1, 2] }] }),
        /group 0 has 3 parameter\(s\) in the state, 2 in the optimizer/,
      ],
      [
        'a repeated parameter id',
        (s) => ({ ...s, paramGroups: [{ ...s.paramGroups[0]!, params: [0, 0] }] }),
        /parameter id 0 appears more than once/,
      ],
      [
        'a fractional parameter id',
        (s) => ({ ...s, paramGroups: [{ ...s.paramGroups[0]!, params: [0, 0.5] }] }),
        /parameter id 0.5 is not a non-negative integer/,
      ],
      [
        'a missing hyperparameter',
        (s) => ({ ...s, paramGroups: [{ ...s.paramGroups[0]!, options: { lr: 0.1 } }] }),
        /group 0 lacks the hyperparameter/,
      ],
      [
        'an unknown hyperparameter',
        (s) => ({ ...s, paramGroups: [{ ...s.paramGroups[0]!, options: { ...s.paramGroups[0]!.options, lrr: 1 } }] }),
        new RegExp(`group 0: unknown hyperparameter of ${name} "lrr"`),
      ],
      [
        'an infinite learning rate',
        (s) => ({
          ...s,
          paramGroups: [{ ...s.paramGroups[0]!, options: { ...s.paramGroups[0]!.options, lr: Infinity } }],
        }),
        /group 0: lr must be a finite number, got Infinity/,
      ],
      ['state for a parameter that does not exist', (s) => ({ ...s, state: { ...s.state, '5': {} } }), /parameter 5/],
      ['a state key that is not a canonical id', (s) => ({ ...s, state: { '01': s.state['0'] } }), /parameter 01/],
      ['a state that is not an object', (s) => ({ ...s, state: [] }), /"state" must be an object, got an array/],
      ['a parameter state that is null', (s) => ({ ...s, state: { '0': null } }), /state 0 must be an object/],
    ];
    if (keys.includes('step')) {
      for (const bad of [NaN, -1, 0.5, Infinity, 2 ** 60, '3'])
        cases.push([
          `step ${String(bad)}`,
          (s) => withState(s, 'step', bad),
          /state 0.step must be a non-negative integer \(a step count\)/,
        ]);
      cases.push([
        'a missing step',
        (s) => ({ ...s, state: { '0': { ...s.state['0']!, step: undefined } } }),
        /must be a non-negative integer/,
      ]);
      cases.push([
        `a dropped key (${tensorKey})`,
        (s) => {
          const { [tensorKey]: _, ...rest } = s.state['0']!;
          return { ...s, state: { ...s.state, '0': rest } };
        },
        new RegExp(`state 0 lacks "${tensorKey}"`),
      ]);
    }
    if (keys.includes('exp_avg_sq') || keys.includes('sum') || keys.includes('square_avg')) {
      const second = keys.find((k) => ['exp_avg_sq', 'sum', 'square_avg'].includes(k))!;
      cases.push([
        `a negative ${second}`,
        (s) => withState(s, second, tensor([0.5, -1e-3])),
        new RegExp(`state 0.${second} must be >= 0`),
      ]);
    }

    for (const [what, mutate, message] of cases) {
      it(`${name}: refuses ${what}`, () => {
        const { p, q, opt, saved } = trained(make);
        const before = snapshotAll([p, q, opt]);
        let error: unknown;
        try {
          opt.loadStateDict(mutate(saved) as never);
        } catch (e) {
          error = e;
        }
        expect(TYPED.some((c) => error instanceof c)).toBe(true);
        expect((error as Error).message).toMatch(new RegExp(`^${name}.loadStateDict: `));
        expect((error as Error).message).toMatch(message);
        expect(snapshotAll([p, q, opt])).toEqual(before);
      });
    }

    it(`${name}: loads its own state and steps on without NaN`, () => {
      const { p, q, saved } = trained(make);
      const fresh = make([p, q]);
      fresh.loadStateDict(saved);
      p.grad = tensor([1, 1]);
      q.grad = tensor([[1], [1]]);
      fresh.step();
      expect([...(p.toArray() as number[]), ...(q.toArray() as number[][]).flat()].every(Number.isFinite)).toBe(true);
    });
  }

  it('Adam: the reported reproduction (step NaN, then { stp, e_avg }) is refused', () => {
    const { p, q, opt, saved } = trained((ps) => new Adam(ps, { lr: 0.1 }));
    expect(() => opt.loadStateDict(withState(saved, 'step', NaN))).toThrow(T.RangeError);
    const misspelt = { ...saved, state: { '0': { stp: 3, e_avg: tensor([1, 1]) } } };
    expect(() => opt.loadStateDict(misspelt as never)).toThrow(
      /Adam.loadStateDict: state 0: unknown state key "stp"; the valid ones are "step", "exp_avg"/,
    );
    const missing = { ...saved, state: { '0': { step: 3, exp_avg: tensor([1, 1]) } } };
    expect(() => opt.loadStateDict(missing as never)).toThrow(/state 0 lacks "exp_avg_sq"/);
    p.grad = tensor([1, 1]);
    q.grad = tensor([[1], [1]]);
    opt.step();
    expect((p.toArray() as number[]).every(Number.isFinite)).toBe(true);
  });

  it('RMSprop: a centered state with grad_avg² > square_avg is refused (its sqrt would be NaN)', () => {
    const { p, q, opt, saved } = trained((ps) => new RMSprop(ps, { lr: 0.01, centered: true }));
    const before = snapshotAll([p, q, opt]);
    const bad = withState(withState(saved, 'square_avg', tensor([0, 0])), 'grad_avg', tensor([1, 0]));
    expect(() => opt.loadStateDict(bad)).toThrow(/grad_avg² must not exceed square_avg/);
    expect(snapshotAll([p, q, opt])).toEqual(before);
  });

  it('state for a never-stepped parameter may be absent, and max_exp_avg_sq is optional', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const q = tensor([3, 4], { requiresGrad: true });
    const opt = new Adam([p, q], { amsgrad: true });
    p.grad = tensor([1, 1]);
    opt.step();
    const saved = opt.stateDict();
    expect(Object.keys(saved.state)).toEqual(['0']);
    const { max_exp_avg_sq: _, ...rest } = saved.state['0']!;
    const other = new Adam([p, q], { amsgrad: true });
    other.loadStateDict({ ...saved, state: { '0': rest } });
    p.grad = tensor([1, 1]);
    q.grad = tensor([1, 1]);
    other.step();
    expect([...(p.toArray() as number[]), ...(q.toArray() as number[])].every(Number.isFinite)).toBe(true);
  });
});
