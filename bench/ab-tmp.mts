// A/B head (/work/main) vs base (/tmp/base): BLAS/BLIS matmul rows and compiled training rows, interleaved child processes.
import { timeInProcesses } from '/work/main/bench/lib/processes.ts';
import { MATMUL_CASES } from '/work/main/bench/lib/kernel-cases.ts';
import { WORKLOADS } from '/work/main/bench/lib/training-data.ts';
const what = process.argv[2] ?? 'train';
const rows = (process.argv[3] ?? '0,1,2,3,4,5').split(',').map(Number);
const lib = process.argv[4] ?? 'BLIS';
const env = (process.argv[5] ?? '') === '' ? {} : Object.fromEntries(process.argv[5]!.split(',').map((s) => s.split('=')));
for (const index of rows) {
  if (what === 'mm') {
    const { n, label } = MATMUL_CASES[index]!;
    const m = (root: string) => ({ module: new URL(`file://${root}/bench/lib/kernels-chainrule.ts`).href, factory: 'chainruleMatmul', args: [lib, index], env });
    const t = await timeInProcesses({ head: m('/work/main'), base: m('/tmp/base') }, { rounds: n >= 1024 ? 3 : 5, targetMs: 150 });
    const g = (k: string) => (2 * n ** 3) / t[k]! / 1e9;
    console.log(`matmul ${label} ${lib}: head ${g('head').toFixed(1)}, base ${g('base').toFixed(1)} GFLOP/s, ratio ${(g('head') / g('base')).toFixed(3)}`);
  } else {
    const w = WORKLOADS[index]!;
    const libName = lib === 'BLIS' ? 'libblis.so.4' : lib === 'BLAS' ? 'libopenblas.so.0' : 'off';
    const m = (root: string) => ({ module: new URL(`file://${root}/bench/lib/training-chainrule.ts`).href, factory: 'chainruleTraining', args: [index, false, libName !== 'off', what === 'train'], env: { CHAINRULE_WASM: 'simd', CHAINRULE_BLAS: libName, ...env } });
    const t = await timeInProcesses({ head: m('/work/main'), base: m('/tmp/base') }, { rounds: 5, targetMs: 200, warmup: 3, warmupMs: 2000 });
    const sps = (k: string) => w.batch / t[k]!;
    console.log(`${w.label} ${what === 'train' ? 'compiled' : 'eager'} ${lib}: head ${sps('head').toFixed(0)}, base ${sps('base').toFixed(0)} samples/s, ratio ${(sps('head') / sps('base')).toFixed(3)}`);
  }
}
