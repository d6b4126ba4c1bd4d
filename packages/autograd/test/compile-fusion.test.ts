// Elementwise fusion in compiled plans: runs of unary, binary and activation-gradient kernels become
// one loop, with the bits of the unfused kernels and of eager execution (nothing is reordered),
// on random chains with broadcasting, in float32 and float64, forward and backward, in place too.
import { type Tensor, compile, noGrad, randn, tensor } from '@chainrule/autograd';
import * as T from '@chainrule/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const bits = (t: Tensor): number[] => Array.from(t.value.contiguous().data as ArrayLike<number>);

type Step = (x: Tensor, w: Tensor) => Tensor;
/** Elementwise steps: unary ops on the running value, binary ones with a broadcast operand. */
const STEPS: readonly [string, Step][] = [
  ['exp∘tanh', (x) => x.tanh().exp()],
  ['sigmoid', (x) => x.sigmoid()],
  ['relu', (x) => x.relu()],
  ['softplus', (x) => x.softplus()],
  ['sqrt|x|+1', (x) => x.abs().add(1).sqrt()],
  ['log1p(x²)', (x) => x.square().log1p()],
  ['+w', (x, w) => x.add(w)],
  ['−w', (x, w) => x.sub(w)],
  ['·w', (x, w) => x.mul(w)],
  ['/(1+w²)', (x, w) => x.div(w.square().add(1))],
  ['max(x, w)', (x, w) => x.maximum(w)],
  ['tanh', (x) => x.tanh()],
];

describe('elementwise fusion in compiled plans', () => {
  it('gives eager execution bits on random elementwise chains with broadcasting, forward and backward', () => {
    const dim = fc.integer({ min: 1, max: 4 });
    fc.assert(
      fc.property(
        dim,
        dim,
        fc.constantFrom('float32', 'float64'),
        fc.array(fc.integer({ min: 0, max: STEPS.length - 1 }), { minLength: 2, maxLength: 7 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (m, n, dtype: 'float32' | 'float64', chain, rowW, seed) => {
          T.manualSeed(seed);
          const w = randn(rowW ? [n] : [m, 1], { dtype, requiresGrad: true });
          const body = (x: Tensor): Tensor[] => {
            w.grad = null;
            let y = x;
            for (const k of chain) y = STEPS[k]![1](y, w);
            const loss = y.mul(w).sum();
            loss.backward();
            return [y, loss, w.grad!];
          };
          const fused = compile(body),
            plain = compile(body, { fuse: false });
          for (let i = 0; i < 4; i++) {
            const x = randn([m, n], { dtype });
            const want = body(x).map(bits);
            expect(fused(x).map(bits)).toEqual(want);
            expect(plain(x).map(bits)).toEqual(want);
          }
          expect(fused.stats.replayed).toBe(2);
          expect(fused.plan(randn([m, n], { dtype }))!.fused).toBeGreaterThanOrEqual(2);
          expect(plain.plan(randn([m, n], { dtype }))!.fused).toBe(0);
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });

  it('fuses in-place updates and always writes storage the call did not make (parameters)', () => {
    const w = randn([3, 4], { dtype: 'float64' });
    const v = randn([3, 4], { dtype: 'float64' });
    const body = (x: Tensor): Tensor =>
      noGrad(() => {
        // three in-place kernels on state, nothing reads w in between: still written every call
        w.mulInPlace(0.5);
        w.addInPlace(x);
        w.subInPlace(v);
        return w.sigmoid();
      });
    const f = compile(body);
    const eager = { w: w.clone() };
    const run = (x: Tensor): Tensor =>
      noGrad(() => {
        eager.w.mulInPlace(0.5);
        eager.w.addInPlace(x);
        eager.w.subInPlace(v);
        return eager.w.sigmoid();
      });
    for (let i = 0; i < 5; i++) {
      const x = randn([3, 4], { dtype: 'float64' });
      expect(bits(f(x))).toEqual(bits(run(x)));
      expect(bits(w)).toEqual(bits(eager.w));
    }
    expect(f.plan(randn([3, 4], { dtype: 'float64' }))!.fused).toBeGreaterThanOrEqual(3);
  });

  it('keeps the edge values: ±0, NaN and ±∞ through relu, maximum, sigmoid and their gradients', () => {
    const special = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, -2, 3];
    for (const dtype of ['float32', 'float64'] as const) {
      const w = tensor(
        special.map((v) => -v),
        { dtype },
      );
      const body = (x: Tensor): Tensor[] => {
        const p = x.clone().requiresGrad_(true);
        const y = p.relu().maximum(w).sigmoid().relu();
        y.sum().backward();
        return [y, p.grad!];
      };
      const f = compile(body);
      for (let i = 0; i < 4; i++) {
        const x = tensor(
          special.map((_, k) => special[(k + i) % special.length]!),
          { dtype },
        );
        expect(f(x).map(bits)).toEqual(body(x).map(bits));
      }
      expect(f.stats.replayed).toBe(2);
      expect(f.plan(w)!.fused).toBeGreaterThanOrEqual(3);
    }
  });

  it('fuses large arrays on the reference backend, and on wasm only up to 512 elements', () => {
    const b = randn([20]);
    const body = (x: Tensor): Tensor => noGrad(() => x.add(b).relu().mul(b));
    const run = () => {
      const f = compile(body);
      const small = randn([8, 20]),
        large = randn([40, 20]);
      for (let i = 0; i < 3; i++) {
        expect(bits(f(small))).toEqual(bits(body(small)));
        expect(bits(f(large))).toEqual(bits(body(large)));
      }
      return [f.plan(small)!.fused, f.plan(large)!.fused];
    };
    const before = T.getBackend();
    try {
      T.setBackend(T.jsBackend);
      expect(run()).toEqual([3, 3]);
    } finally {
      T.setBackend(before);
    }
    expect(run()).toEqual(before.name.startsWith('wasm') ? [3, 0] : [3, 3]);
  });
});
