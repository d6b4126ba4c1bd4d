// Each package's public names are its own: where two packages export the same name, it is the same
// object re-exported (autograd passes on tensor's error classes), never a different thing that
// shadows the other's (nn's own `sigmoid` once hid autograd's). @chainrule/tensor is the layer
// below: its functions of the same names (`exp`, `zeros`, ...) take and give NDArrays, as NumPy's
// do beside jax.numpy's, so it is compared only for the names autograd passes on from it.
import { describe, expect, it } from 'vitest';
import * as autograd from '@chainrule/autograd';
import * as cli from '@chainrule/cli';
import * as interpret from '@chainrule/interpret';
import * as nn from '@chainrule/nn';
import * as onnx from '@chainrule/onnx';
import * as playground from '@chainrule/playground';
import * as pytorch from '@chainrule/pytorch';
import * as teaching from '@chainrule/teaching';
import * as tensor from '@chainrule/tensor';
import * as viz from '@chainrule/viz';

const PACKAGES: Record<string, Record<string, unknown>> = {
  autograd,
  teaching,
  viz,
  nn,
  interpret,
  onnx,
  pytorch,
  playground,
  cli,
};

describe('public exports', () => {
  const names = Object.keys(PACKAGES);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = names[i]!,
        b = names[j]!;
      it(`@chainrule/${a} and @chainrule/${b} share no name for different things`, () => {
        const shared = Object.keys(PACKAGES[a]!).filter((k) => k in PACKAGES[b]!);
        expect(shared.filter((k) => PACKAGES[a]![k] !== PACKAGES[b]![k])).toEqual([]);
      });
    }
  }

  it('finds a shadowed name when there is one (the check itself)', () => {
    const shadow = { sigmoid: () => 0 };
    expect(
      Object.keys(shadow).filter((k) => k in autograd && (autograd as Record<string, unknown>)[k] !== shadow.sigmoid),
    ).toEqual(['sigmoid']);
  });

  it("what autograd passes on from tensor is tensor's own", () => {
    for (const k of ['NDArray', 'ShapeError', 'DTypeError', 'RangeError', 'Rng', 'manualSeed']) {
      expect((autograd as Record<string, unknown>)[k], k).toBe((tensor as Record<string, unknown>)[k]);
    }
  });

  it('autograd exports none of its internals', () => {
    for (const internal of [
      'OPS',
      'apply',
      'applyScalar',
      'sliceBackward',
      'sumToShape',
      'fit',
      'floatInput',
      'scalarTensor',
    ]) {
      expect(internal in autograd, internal).toBe(false);
    }
  });
});
