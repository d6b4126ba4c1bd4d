/** The in-place forms of the indexing writes (indexPutInPlace, scatterInPlace, ...). */
import { AutogradError } from '../errors.js';
import { isGradEnabled, noGrad } from '../grad-mode.js';
import { copyInPlace } from '../in-place.js';
import { Tensor } from '../tensor.js';
import { type TensorLike, checkOperand } from './operands.js';

/**
 * Writes `compute()` (the out-of-place result, computed without recording) into x in place, under
 * the in-place rules: x must need no grad, or grad mode be off; so must the values written, whose
 * gradient an unrecorded write would lose. Bumps x's version.
 */
export function writeInPlace(op: string, x: Tensor, values: TensorLike, compute: () => Tensor): Tensor {
  checkOperand(op, x, 'x', false);
  if (isGradEnabled() && (x.requiresGrad || (values instanceof Tensor && values.requiresGrad))) {
    throw new AutogradError(
      op,
      `${x.requiresGrad ? 'x requires' : 'the values require'} grad, and in-place writes are not recorded; ` +
        'use the out-of-place form, or run under noGrad',
    );
  }
  return copyInPlace(x, noGrad(compute));
}
