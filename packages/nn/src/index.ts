/**
 * @chainrule/nn: layers, losses, initializers, optimizers and training utilities on top of
 * @chainrule/autograd.
 *
 * @example
 * ```ts
 * import { Sequential, Linear, Sigmoid, SGD, mseLoss } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * const net = new Sequential(new Linear(2, 2), new Sigmoid(), new Linear(2, 1), new Sigmoid());
 * const opt = new SGD(net.parameters(), { lr: 2 });
 * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y = tensor([[0], [1], [1], [0]]);
 * for (let i = 0; i < 2000; i++) {
 *   opt.zeroGrad();
 *   mseLoss(net.forward(x), y).backward();
 *   opt.step();
 * }
 * ```
 */
export const PACKAGE = '@chainrule/nn';

export { Module, type AnyModule, type StateDictInput, type LoadStateDictOptions } from './module.js';
export { Parameter } from './parameter.js';
export { StateDictError, ModuleError, type StateDictMismatch } from './errors.js';
export * as init from './init.js';
export type { Nonlinearity, FanMode, XavierOptions, KaimingOptions } from './init.js';
export * as F from './functional/index.js';
export * from './functional/index.js';

export { type LayerOptions } from './layers/options.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Sequential, type TensorModule } from './layers/sequential.js';
export * from './layers/activations.js';
export { Flatten, Dropout, Embedding, type EmbeddingOptions } from './layers/basic.js';
export { Conv2d, MaxPool2d, AvgPool2d, type Conv2dLayerOptions } from './layers/conv.js';
export { RNNCell, LSTMCell, GRUCell, RNN, LSTM, GRU, type CellOptions, type RecurrentOptions } from './layers/recurrent.js';
export { BatchNorm1d, LayerNorm, type BatchNormLayerOptions, type LayerNormOptions } from './layers/normalization.js';

export * from './optim/index.js';
export * from './train/index.js';

export * from './serialization/index.js';
export * from './data/index.js';
export * from './viz/index.js';
