/**
 * What every batch and instance normalization layer holds, made and checked in one place: the
 * affine weight and bias (PyTorch's names and starting values), the running statistics and the
 * batch counter as buffers (`running_mean`, `running_var`, `num_batches_tracked`), and the checks
 * of eps and momentum.
 */
import * as T from '@chainrule/tensor';
import { type DType, Tensor } from '@chainrule/autograd';
import type { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/** A normalization layer's parameters and buffers (null where the options leave them out). */
export interface NormState {
  weight: Parameter | null;
  bias: Parameter | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  numBatchesTracked: Tensor | null;
}

/** Refuses an eps that is not a finite positive number, naming `op`. */
export function checkEps(op: string, eps: number): void {
  if (!(typeof eps === 'number' && Number.isFinite(eps) && eps > 0)) {
    throw new T.RangeError(op, `eps must be a finite positive number, got ${String(eps)}`);
  }
}

/** Refuses a momentum outside [0, 1] (null, a cumulative average, only where `allowNull`). */
export function checkMomentum(op: string, momentum: number | null, allowNull: boolean): void {
  if (momentum === null && allowNull) return;
  if (!(typeof momentum === 'number' && momentum >= 0 && momentum <= 1)) {
    throw new T.RangeError(op, `momentum must be in [0, 1]${allowNull ? ' or null' : ''}, got ${String(momentum)}`);
  }
}

/** The affine parameters (ones and zeros) and the running statistics, registered on `owner`. */
export function normState(
  owner: Module<never, unknown>,
  numFeatures: number,
  dtype: DType,
  affine: boolean,
  track: boolean,
): NormState {
  const state: NormState = {
    weight: affine ? new Parameter(T.ones([numFeatures], dtype)) : null,
    bias: affine ? new Parameter(T.zeros([numFeatures], dtype)) : null,
    runningMean: null,
    runningVar: null,
    numBatchesTracked: null,
  };
  if (track) {
    state.runningMean = new Tensor(T.zeros([numFeatures], dtype));
    state.runningVar = new Tensor(T.ones([numFeatures], dtype));
    state.numBatchesTracked = new Tensor(T.zeros([], 'int32'));
    owner.registerBuffer('running_mean', state.runningMean);
    owner.registerBuffer('running_var', state.runningVar);
    owner.registerBuffer('num_batches_tracked', state.numBatchesTracked);
  }
  return state;
}
