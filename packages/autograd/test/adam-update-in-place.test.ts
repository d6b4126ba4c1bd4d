// adamUpdateInPlace: the Adam step on tensors. It writes p, m, v (and vmax) as the tensor package's
// adamUpdate does, bumps each written tensor's version once, and refuses what does not fit with a
// typed error before writing anything: operands that are not tensors, a parameter that requires
// grad while grad mode is on, arrays adamUpdate does not take.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { AutogradError, Tensor, adamUpdateInPlace, noGrad, tensor } from '../src/index.js';

const c = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const coefficients = T.array([Math.sqrt(1 - 0.999), -0.001 / (1 - 0.9)], 'float32');
const f32 = (v: number[]) => tensor(v, { dtype: 'float32' });
const values = (t: Tensor) => Array.from(t.value.data);

describe('adamUpdateInPlace', () => {
  it('writes p, m and v as T.adamUpdate does and bumps each version once', () => {
    const [p, g, m, v] = [f32([1, 2, 3]), f32([0.5, -0.5, 0]), f32([0, 0.1, 0]), f32([0, 0.2, 0])];
    const want = [p, m, v].map((t) => T.getBackend().copy(t.value, t.dtype));
    T.adamUpdate(want[0]!, g.value, want[1]!, want[2]!, undefined, coefficients, c);
    const versions = [p, g, m, v].map((t) => t.versionCounter.value);
    adamUpdateInPlace(p, g, m, v, undefined, coefficients, c);
    for (const [i, t] of [p, m, v].entries()) expect(values(t)).toEqual(Array.from(want[i]!.data));
    expect([p, g, m, v].map((t, i) => t.versionCounter.value - versions[i]!)).toEqual([1, 0, 1, 1]);
    expect(values(p)).not.toEqual([1, 2, 3]);
  });

  it('refuses with a typed error and writes nothing', () => {
    const p = new Tensor(T.array([1, 2, 3], 'float32'), { requiresGrad: true });
    const [g, m, v] = [f32([0.5, -0.5, 1]), f32([0, 0, 0]), f32([0, 0, 0])];
    const before = [p, g, m, v].map(values);
    const cases: [() => void, new (...a: never[]) => Error, RegExp][] = [
      // a leaf that requires grad, with grad mode on
      [() => adamUpdateInPlace(p, g, m, v, undefined, coefficients, c), AutogradError, /in-place operation/],
      [() => adamUpdateInPlace(p, g.value as never, m, v, undefined, coefficients, c), T.DTypeError, /as g/],
      [() => adamUpdateInPlace(p, g, m, v, undefined, [1, 2] as never, c), T.DTypeError, /NDArray of coefficients/],
      [
        () => adamUpdateInPlace(p, g, m, v, undefined, coefficients, { ...c, eps: '1e-8' as never }),
        T.DTypeError,
        /eps must be a number/,
      ],
    ];
    for (const [call, type, message] of cases) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
    noGrad(() => {
      expect(() => adamUpdateInPlace(p, g, m, f32([0, 0]), undefined, coefficients, c)).toThrow(/v has shape \[2\]/);
      expect(() => adamUpdateInPlace(p, g, m, m, undefined, coefficients, c)).toThrow(/m and v share storage/);
    });
    for (const [i, t] of [p, g, m, v].entries()) expect(values(t)).toEqual(before[i]);
  });
});
