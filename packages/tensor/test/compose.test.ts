// The backend contract is complete and composed in one place: composeBackend fills every kernel a
// partial backend lacks from the reference (a class-based one's methods bound to it), the wasm
// backend is complete that way, and every elementwise op of the scalar tables (the one list of
// UnaryOp and BinaryOp) runs on every backend with the reference's bits, wasm kernel or not.
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  type BinaryOp,
  type UnaryOp,
  NDArray,
  SCALAR_BINARY,
  SCALAR_UNARY,
  composeBackend,
  jsBackend,
} from '../src/index.js';
import { createWasmBackend, wasmSupported } from '../src/backends/wasm/index.js';
import { filler } from './helpers.js';
import { expectBitIdentical } from './backend-helpers.js';

/** jsBackend's kernels as a class, whose methods need `this` (the prototype's, not own properties). */
class ClassBackend {
  readonly name = 'class';
  constructor(private readonly inner: Backend) {}
  assign(dst: NDArray, src: NDArray): void {
    this.inner.assign(dst, src);
  }
  matmul(a: NDArray, b: NDArray, outDtype: 'float32' | 'float64'): NDArray {
    return this.inner.matmul(a, b, outDtype);
  }
}

function randomArray(n: number, dtype: 'float32' | 'float64', seed: number): NDArray {
  const r = filler(seed, 0.05);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = r() * 3;
  return new NDArray(data, [n]);
}

describe('composeBackend', () => {
  it("takes the partial backend's kernels and the reference's for every other one, as they are", () => {
    let calls = 0;
    const own = {
      name: 'own',
      matmul: (a: NDArray, b: NDArray, t: 'float32' | 'float64') => {
        calls++;
        return jsBackend.matmul(a, b, t);
      },
    };
    const composed = composeBackend(own, jsBackend);
    expect(composed.name).toBe('own');
    expect(composed.matmul).toBe(own.matmul);
    expect(Object.keys(composed).sort()).toEqual(Object.keys(jsBackend).sort());
    for (const key of Object.keys(jsBackend) as (keyof Backend)[]) {
      if (key !== 'name' && key !== 'matmul') expect(composed[key]).toBe(jsBackend[key]);
    }
    const a = randomArray(6, 'float64', 1).reshape([2, 3]);
    expectBitIdentical(composed.matmul(a, a.transpose(), 'float64'), jsBackend.matmul(a, a.transpose(), 'float64'));
    expect(calls).toBe(1);
  });

  it("binds a class-based reference's inherited methods to it", () => {
    const composed = composeBackend({ name: 'partial' }, new ClassBackend(jsBackend) as unknown as Backend);
    const a = randomArray(4, 'float32', 2).reshape([2, 2]);
    expectBitIdentical(composed.matmul(a, a, 'float32'), jsBackend.matmul(a, a, 'float32'));
    const dst = new NDArray(new Float32Array(4), [2, 2]);
    composed.assign(dst, a);
    expectBitIdentical(dst, a);
  });
});

const backends: [string, Backend][] = [['js', jsBackend]];
if (wasmSupported()) backends.push(['wasm', createWasmBackend(jsBackend, { threads: 1 })]);

describe('the contract', () => {
  if (wasmSupported()) {
    it('the wasm backend has every kernel of the reference', () => {
      const wasm = backends[1]![1];
      expect(Object.keys(wasm).sort()).toEqual(Object.keys(jsBackend).sort());
      for (const key of Object.keys(jsBackend) as (keyof Backend)[])
        expect(typeof wasm[key]).toBe(typeof jsBackend[key]);
    });
  }

  for (const [name, backend] of backends) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(
        `${name} ${dtype}: every op of SCALAR_UNARY and SCALAR_BINARY gives the scalar definition's ` +
          `bits, small and large`,
        () => {
          const round = dtype === 'float32' ? Math.fround : (v: number): number => v;
          for (const n of [5, 1000]) {
            const a = randomArray(n, dtype, 3 + n),
              b = randomArray(n, dtype, 4 + n);
            for (const op of Object.keys(SCALAR_UNARY) as UnaryOp[]) {
              const got = backend.unary(op, a, dtype);
              expect([op, Array.from(got.data)]).toEqual([op, Array.from(a.data, (v) => round(SCALAR_UNARY[op](v)))]);
            }
            for (const op of Object.keys(SCALAR_BINARY) as BinaryOp[]) {
              const got = backend.binary(op, a, b, dtype);
              expect([op, Array.from(got.data)]).toEqual([
                op,
                Array.from(a.data, (v, i) => round(SCALAR_BINARY[op](v, b.data[i]!))),
              ]);
            }
          }
        },
      );
    }
  }
});
