// chainrule's candidates of the kernel benchmark (kernels.ts), built in a child process that loads
// no other framework.
import { NDArray, createWasmBackend, jsBackend, wasmKernelVariant, withNativeBlas, type Backend } from './chainrule.js';
import { ELEMENTWISE_CASES, ELEMENTWISE_N, MATMUL_CASES, elementwiseInputs, random } from './kernel-cases.js';
import type { Candidate } from './timing.js';
import { BLIS_LIBRARY } from './blas-probe.js';

/** The chainrule backends the tables compare. */
export type ChainruleBackendName = 'js' | 'wasm 1T' | 'wasm 2T' | 'wasm FMA 1T' | 'wasm FMA 2T' | 'BLAS' | 'BLIS';

function backendOf(name: ChainruleBackendName): Backend {
  if (name === 'js') return jsBackend;
  if (name === 'BLAS' || name === 'BLIS') {
    // the wasm 2T backend with its matmuls on the native BLAS (CHAINRULE_BLAS=on), or on BLIS
    const setting = name === 'BLAS' ? 'on' : BLIS_LIBRARY;
    const found = withNativeBlas(createWasmBackend(jsBackend, { threads: 2 }), { CHAINRULE_BLAS: setting });
    if (found.blas === null) throw new Error(`kernels-chainrule: no native BLAS (${found.blasReason})`);
    return found.backend;
  }
  // The FMA rows run in a child started with --experimental-wasm-relaxed-simd (Node 20 needs the
  // flag; Node 22+ accepts relaxed SIMD by default): make sure the fused kernels were chosen.
  const fma = name.startsWith('wasm FMA');
  if (fma !== (wasmKernelVariant() === 'relaxed-simd'))
    throw new Error(
      `kernels-chainrule: '${name}' expects the ${fma ? 'relaxed-SIMD (FMA)' : 'plain SIMD'} kernels, ` +
        'but the other build was chosen',
    );
  return createWasmBackend(jsBackend, { threads: name.endsWith('1T') ? 1 : 2 });
}

/** The matmul candidate MATMUL_CASES[index] on one backend. */
export function chainruleMatmul(backend: ChainruleBackendName, index: number): Candidate {
  const { n, transB } = MATMUL_CASES[index]!;
  const be = backendOf(backend);
  const a = new NDArray(random(n * n, 1), [n, n]);
  const b = transB ? new NDArray(random(n * n, 2), [n, n]).transpose() : new NDArray(random(n * n, 2), [n, n]);
  return { fn: () => void be.matmul(a, b, 'float32') };
}

/** The elementwise candidate ELEMENTWISE_CASES[index] on one backend. */
export function chainruleElementwise(backend: ChainruleBackendName, index: number): Candidate {
  const be = backendOf(backend);
  const { xd, yd, bias } = elementwiseInputs();
  const x = new NDArray(xd, [ELEMENTWISE_N]),
    y = new NDArray(yd, [ELEMENTWISE_N]);
  const x2 = new NDArray(xd, [1024, 1024]),
    b2 = new NDArray(bias, [1024]).expand([1024, 1024]);
  const runs: (() => NDArray)[] = [
    () => be.binary('add', x, y, 'float32'),
    () => be.binary('add', x2, b2, 'float32'),
    () => be.unary('relu', x, 'float32'),
    () => be.unary('exp', x, 'float32'),
    () => be.unary('sigmoid', x, 'float32'),
    () => be.unary('tanh', x, 'float32'),
    () => be.reduce('sum', x, [0], 'float32'),
    () => be.reduce('sum', x2, [0], 'float32'),
    () => be.argReduce('argmax', x2, 1),
  ];
  if (runs.length !== ELEMENTWISE_CASES.length) throw new Error('kernels-chainrule: one run per elementwise case');
  const run = runs[index]!;
  return { fn: () => void run() };
}
