/** Catalogue cases: optimizers (options, steps, state loading), schedulers and clipGradNorm. */
import * as T from '@chainrule/tensor';
import { type Tensor, tensor } from '@chainrule/autograd';
import {
  Adagrad,
  Adam,
  AdamW,
  ModuleError,
  type Optimizer,
  type OptimizerStateDict,
  RMSprop,
  SGD,
} from '../../src/index.js';
import { type Case, refuse, refuseNew } from './types.js';

const { ShapeError, DTypeError, RangeError } = T;
const leaf = (xs: number[]) => tensor(xs, { requiresGrad: true });
type Make = (p: Tensor[], o?: object) => Optimizer;

const OPTIMIZERS: [string, Make][] = [
  ['SGD', (p, o) => new SGD(p, { lr: 0.1, momentum: 0.9, ...o })],
  ['Adagrad', (p, o) => new Adagrad(p, { lr: 0.1, ...o })],
  ['RMSprop', (p, o) => new RMSprop(p, { lr: 0.01, momentum: 0.5, ...o })],
  ['Adam', (p, o) => new Adam(p, { lr: 0.1, ...o })],
  ['AdamW', (p, o) => new AdamW(p, { lr: 0.1, ...o })],
];

/** Parameters p [2] and q [2] with an optimizer that has taken one step, so it holds state. */
function stepped(make: Make, edit?: (p: Tensor, q: Tensor, opt: Optimizer) => void): [Tensor, Tensor, Optimizer] {
  const p = leaf([1, 2]);
  const q = leaf([3, 4]);
  const opt = make([p, q]);
  p.grad = tensor([0.5, -0.5]);
  q.grad = tensor([1, 0.25]);
  opt.step();
  edit?.(p, q, opt);
  return [p, q, opt];
}

/** The optimizer's state dict with the first parameter's `key` set to `value`. */
function edited(opt: Optimizer, key: string, value: unknown): OptimizerStateDict {
  const s = opt.stateDict();
  return { ...s, state: { ...s.state, '0': { ...s.state['0']!, [key]: value } as never } };
}

const perOptimizer: Case[] = OPTIMIZERS.flatMap(([name, make]): Case[] => {
  const stateKey =
    name === 'SGD' ? 'momentum_buffer' : name === 'Adagrad' ? 'sum' : name === 'RMSprop' ? 'square_avg' : 'exp_avg';
  const cases: Case[] = [
    refuse(
      `${name}.step: a gradient of shape [3] for a [2] parameter`,
      ShapeError,
      `${name}.step: parameter 1 has shape [2] but its gradient [3] (nothing was updated)`,
      () =>
        stepped(make, (_p, q) => {
          q.grad = tensor([1, 1, 1]);
        }),
      (_p, _q, opt) => opt.step(),
    ),
    refuse(
      `${name}.step: a float64 gradient for a float32 parameter`,
      DTypeError,
      `${name}.step: parameter 0 is float32 and its gradient float64`,
      () =>
        stepped(make, (p) => {
          p.grad = tensor([1, 1], { dtype: 'float64' });
        }),
      (_p, _q, opt) => opt.step(),
    ),
    refuse(
      `${name}.step: a NaN learning rate set on the group`,
      RangeError,
      `${name}: lr must be a finite number, got NaN`,
      () =>
        stepped(make, (_p, _q, opt) => {
          opt.paramGroups[0]!.lr = NaN;
        }),
      (_p, _q, opt) => opt.step(),
    ),
    refuseNew(
      `${name}: weight_decay (PyTorch's spelling)`,
      ModuleError,
      `${name}: unknown option "weight_decay" (did you mean "weightDecay"?)`,
      () => make([leaf([1])], { weight_decay: 0.1 }),
    ),
    refuseNew(`${name}: an empty parameter list`, ModuleError, `${name}: got an empty parameter list`, () => make([])),
    refuseNew(`${name}: a negative learning rate`, RangeError, `${name}: learning rate must be >= 0, got -0.5`, () =>
      make([leaf([1])], { lr: -0.5 }),
    ),
    refuseNew(
      `${name}: an infinite learning rate`,
      RangeError,
      `${name}: lr must be a finite number, got Infinity`,
      () => make([leaf([1])], { lr: Infinity }),
    ),
    refuseNew(`${name}: the same parameter twice`, ModuleError, `${name}: a parameter appears more than once`, () => {
      const p = leaf([1]);
      return make([p, p]);
    }),
    refuse(
      `${name}.loadStateDict: ${stateKey} of the wrong shape`,
      ShapeError,
      `${name}.loadStateDict: state 0.${stateKey} has shape [3], its parameter [2]`,
      () => stepped(make),
      (_p, _q, opt) => opt.loadStateDict(edited(opt, stateKey, tensor([1, 2, 3]))),
    ),
    refuse(
      `${name}.loadStateDict: ${stateKey} holding Infinity`,
      RangeError,
      `${name}.loadStateDict: state 0.${stateKey} must be finite, got Infinity at element 1`,
      () => stepped(make),
      (_p, _q, opt) => opt.loadStateDict(edited(opt, stateKey, tensor([0, Infinity]))),
    ),
    refuse(
      `${name}.loadStateDict: two groups for one`,
      ModuleError,
      `${name}.loadStateDict: the state has 2 parameter group(s), the optimizer 1`,
      () => stepped(make),
      (_p, _q, opt) => {
        const s = opt.stateDict();
        opt.loadStateDict({ ...s, paramGroups: [...s.paramGroups, ...s.paramGroups] });
      },
    ),
    refuse(
      `${name}.loadStateDict: a missing hyperparameter`,
      ModuleError,
      `${name}.loadStateDict: group 0 lacks the hyperparameter "`,
      () => stepped(make),
      (_p, _q, opt) => {
        const s = opt.stateDict();
        opt.loadStateDict({ ...s, paramGroups: [{ ...s.paramGroups[0]!, options: { lr: 0.1 } }] });
      },
    ),
  ];
  if (name !== 'SGD')
    cases.push(
      ...[NaN, -1, 0.5].map((step) =>
        refuse(
          `${name}.loadStateDict: step ${step}`,
          RangeError,
          `${name}.loadStateDict: state 0.step must be a non-negative integer (a step count), got ${step}`,
          () => stepped(make),
          (_p, _q, opt) => opt.loadStateDict(edited(opt, 'step', step)),
        ),
      ),
    );
  return cases;
});

export const optimCases: Case[] = [
  ...perOptimizer,
  refuse(
    'Adam.loadStateDict: { stp, e_avg } for { step, exp_avg }',
    ModuleError,
    'Adam.loadStateDict: state 0: unknown state key "stp"; the valid ones are "step", "exp_avg"',
    () => stepped((p) => new Adam(p)),
    (_p, _q, opt) => opt.loadStateDict({ ...opt.stateDict(), state: { '0': { stp: 1, e_avg: tensor([0, 0]) } } }),
  ),
  refuse(
    'Adam.loadStateDict: a negative exp_avg_sq',
    RangeError,
    'Adam.loadStateDict: state 0.exp_avg_sq must be >= 0 (a mean of squares), got -1',
    () => stepped((p) => new Adam(p)),
    (_p, _q, opt) => opt.loadStateDict(edited(opt, 'exp_avg_sq', tensor([-1, 0]))),
  ),
  refuse(
    'Adam.loadStateDict: a float64 exp_avg',
    DTypeError,
    'Adam.loadStateDict: state 0.exp_avg is float64, its parameter float32',
    () => stepped((p) => new Adam(p)),
    (_p, _q, opt) => opt.loadStateDict(edited(opt, 'exp_avg', tensor([0, 0], { dtype: 'float64' }))),
  ),
  refuse(
    "Adam.loadStateDict: SGD's hyperparameters",
    ModuleError,
    'Adam.loadStateDict: group 0: unknown hyperparameter of Adam "momentum"',
    () => stepped((p) => new Adam(p)),
    (_p, _q, opt) => opt.loadStateDict(new SGD(opt.params, { lr: 0.1, momentum: 0.9 }).stateDict()),
  ),
  refuse(
    'Adam.loadStateDict: beta1 of 1',
    RangeError,
    'Adam.loadStateDict: group 0: beta1 must be in [0, 1), got 1',
    () => stepped((p) => new Adam(p)),
    (_p, _q, opt) => {
      const s = opt.stateDict();
      opt.loadStateDict({
        ...s,
        paramGroups: [{ ...s.paramGroups[0]!, options: { ...s.paramGroups[0]!.options, beta1: 1 } }],
      });
    },
  ),
  refuse(
    'RMSprop.loadStateDict: grad_avg² above square_avg',
    RangeError,
    'RMSprop.loadStateDict: state 0: grad_avg² must not exceed square_avg',
    () => stepped((p) => new RMSprop(p, { centered: true })),
    (_p, _q, opt) => {
      const s = edited(opt, 'grad_avg', tensor([2, 0]));
      s.state['0']!.square_avg = tensor([1, 1]);
      opt.loadStateDict(s);
    },
  ),
  refuseNew(
    'Adam: betas of one number',
    ModuleError,
    'Adam: "betas" must be two numbers [beta1, beta2]',
    () => new Adam([leaf([1])], { betas: [0.9] as never }),
  ),
  refuseNew(
    'AdamW: beta2 of 1 through betas',
    RangeError,
    'AdamW: beta2 must be in [0, 1), got 1',
    () => new AdamW([leaf([1])], { betas: [0.9, 1] }),
  ),
  refuseNew(
    'Adam: lrr for lr',
    ModuleError,
    'Adam: unknown option "lrr"; the valid ones are "lr"',
    () => new Adam([leaf([1])], { lrr: 0.1 } as never),
  ),
  refuseNew(
    'SGD: no learning rate',
    ModuleError,
    'SGD: lr (the learning rate) is required',
    () => new SGD([leaf([1])], {} as never),
  ),
  refuseNew(
    'SGD: a learning rate given as a string',
    ModuleError,
    'SGD: "lr" must be a number, got the string "0.1"',
    () => new SGD([leaf([1])], { lr: '0.1' } as never),
  ),
  refuseNew(
    'SGD: Nesterov without momentum',
    RangeError,
    'SGD: Nesterov momentum needs momentum > 0 and dampening 0',
    () => new SGD([leaf([1])], { lr: 0.1, nesterov: true }),
  ),
  refuseNew(
    'SGD: a non-leaf parameter',
    ModuleError,
    'SGD: cannot optimize a non-leaf tensor',
    () => new SGD([leaf([1]).mul(2)], { lr: 0.1 }),
  ),
  refuseNew(
    'SGD: a lone tensor for a list',
    ModuleError,
    'SGD: params must be an iterable of Tensors, got a single Tensor',
    () => new SGD(leaf([1]) as never, { lr: 0.1 }),
  ),
  refuseNew(
    'RMSprop: alpha 2',
    RangeError,
    'RMSprop: alpha must be in [0, 1], got 2',
    () => new RMSprop([leaf([1])], { alpha: 2 }),
  ),
  refuseNew(
    'Adagrad: lrDecay -1',
    RangeError,
    'Adagrad: lrDecay must be >= 0, got -1',
    () => new Adagrad([leaf([1])], { lrDecay: -1 }),
  ),
];
