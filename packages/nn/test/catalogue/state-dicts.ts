import { type Tensor, zeros } from '@chainrule/autograd';
import {
  BatchNorm1d,
  Conv2d,
  Embedding,
  LSTM,
  Linear,
  ModuleError,
  ReLU,
  Sequential,
  StateDictError,
} from '../../src/index.js';
import { type Case, refuse } from './types.js';

const lin = () => new Linear(3, 2);
const linState = () =>
  new Map<string, Tensor>([
    ['weight', zeros([2, 3])],
    ['bias', zeros([2])],
  ]);
const load = (m: { loadStateDict(s: Map<string, Tensor>, o?: { strict?: boolean }): void }, s: Map<string, Tensor>) =>
  m.loadStateDict(s);
const SD = 'loadStateDict: cannot load into';

export const stateDictCases: Case[] = [
  refuse(
    'Module.loadStateDict: a missing key',
    StateDictError,
    `${SD} Linear (nothing was loaded): missing key(s): "bias"`,
    () => [lin(), zeros([2, 3])] as const,
    (m, w) => load(m, new Map([['weight', w]])),
  ),
  refuse(
    'Module.loadStateDict: an unexpected key',
    StateDictError,
    'unexpected key(s): "extra"',
    () => [lin()] as const,
    (m) => load(m, new Map([...linState(), ['extra', zeros([1])]])),
  ),
  refuse(
    'Module.loadStateDict: a transposed weight',
    StateDictError,
    '"weight": shape [3,2] in the state dict, [2,3] in the model',
    () => [lin()] as const,
    (m) => load(m, new Map([...linState(), ['weight', zeros([3, 2])]])),
  ),
  refuse(
    'Module.loadStateDict: a float64 weight',
    StateDictError,
    '"weight": dtype float64 in the state dict, float32 in the model',
    () => [lin()] as const,
    (m) => load(m, new Map([...linState(), ['weight', zeros([2, 3], { dtype: 'float64' })]])),
  ),
  refuse(
    'Module.loadStateDict: a plain array as a value',
    StateDictError,
    '"weight": the value is not an NDArray or a Tensor',
    () => [lin()] as const,
    (m) => m.loadStateDict({ weight: [1, 2] as never, bias: zeros([2]) }),
  ),
  refuse(
    'Module.loadStateDict: every problem at once',
    StateDictError,
    /missing key\(s\): "bias"; unexpected key\(s\): "b"; "weight": shape \[3\]/,
    () => [lin()] as const,
    (m) =>
      load(
        m,
        new Map([
          ['weight', zeros([3])],
          ['b', zeros([2])],
        ]),
      ),
  ),
  refuse(
    'Module.loadStateDict: strict false still refuses a shape',
    StateDictError,
    '"bias": shape [3]',
    () => [lin()] as const,
    (m) => m.loadStateDict(new Map([['bias', zeros([3])]]), { strict: false }),
  ),
  refuse(
    'Sequential.loadStateDict: a nested missing key',
    StateDictError,
    `${SD} Sequential (nothing was loaded): missing key(s): "2.bias"`,
    () => [new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1))] as const,
    (m) => {
      const s = m.stateDict();
      s.delete('2.bias');
      load(m, s);
    },
  ),
  refuse(
    'BatchNorm1d.loadStateDict: a missing running_mean buffer',
    StateDictError,
    'missing key(s): "running_mean"',
    () => [new BatchNorm1d(3)] as const,
    (m) => {
      const s = m.stateDict();
      s.delete('running_mean');
      load(m, s);
    },
  ),
  refuse(
    'BatchNorm1d.loadStateDict: a float num_batches_tracked',
    StateDictError,
    '"num_batches_tracked": dtype float32 in the state dict, int32 in the model',
    () => [new BatchNorm1d(3)] as const,
    (m) => load(m, new Map([...m.stateDict(), ['num_batches_tracked', zeros([])]])),
  ),
  refuse(
    'Conv2d.loadStateDict: a kernel of the wrong size',
    StateDictError,
    '"weight": shape [2,1,5,5] in the state dict, [2,1,3,3] in the model',
    () => [new Conv2d(1, 2, 3)] as const,
    (m) => load(m, new Map([...m.stateDict(), ['weight', zeros([2, 1, 5, 5])]])),
  ),
  refuse(
    'LSTM.loadStateDict: a missing layer weight',
    StateDictError,
    'missing key(s): "weight_hh_l0"',
    () => [new LSTM(2, 3)] as const,
    (m) => {
      const s = m.stateDict();
      s.delete('weight_hh_l0');
      load(m, s);
    },
  ),
  refuse(
    'Embedding.loadStateDict: a table with a row too few',
    StateDictError,
    '"weight": shape [3,2] in the state dict, [4,2] in the model',
    () => [new Embedding(4, 2)] as const,
    (m) => load(m, new Map([['weight', zeros([3, 2])]])),
  ),
  // not a state dict at all (a JavaScript caller, or untyped data)
  refuse(
    'Module.loadStateDict: null',
    ModuleError,
    'loadStateDict: expected a state dict (a Map or a plain object of tensors by name), got null',
    () => [lin()] as const,
    (m) => m.loadStateDict(null as never),
  ),
  refuse(
    'Module.loadStateDict: undefined',
    ModuleError,
    'loadStateDict: expected a state dict (a Map or a plain object of tensors by name), got undefined',
    () => [lin()] as const,
    (m) => m.loadStateDict(undefined as never),
  ),
  refuse(
    'Module.loadStateDict: a string',
    ModuleError,
    'loadStateDict: expected a state dict (a Map or a plain object of tensors by name), got string',
    () => [lin()] as const,
    (m) => m.loadStateDict('weights.safetensors' as never),
  ),
  refuse(
    'Module.loadStateDict: an array of entries',
    ModuleError,
    'got an array',
    () => [lin()] as const,
    (m) => m.loadStateDict([...linState()] as never),
  ),
  refuse(
    'Module.loadStateDict: an option key strcit',
    ModuleError,
    'loadStateDict: unknown option key "strcit"; the valid ones are "strict"',
    () => [lin()] as const,
    (m) => m.loadStateDict(linState(), { strcit: false } as never),
  ),
  refuse(
    'Module.loadStateDict: options null',
    ModuleError,
    'loadStateDict: options must be an object, got null',
    () => [lin()] as const,
    (m) => m.loadStateDict(linState(), null as never),
  ),
  refuse(
    'Sequential.loadStateDict: null',
    ModuleError,
    'loadStateDict: expected a state dict',
    () => [new Sequential(new Linear(2, 3), new ReLU())] as const,
    (m) => m.loadStateDict(null as never),
  ),
];
