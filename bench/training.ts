// Training benchmarks: samples per second of full steps (forward + backward + optimizer update) of
// MLPs, LeNet and an LSTM, chainrule (with and without a native BLAS) against tfjs-cpu, tfjs-wasm,
// PyTorch and JAX, interleaved round by round, each framework in its own child process
// (lib/processes.ts; the Python peers through lib/peer_child.py). Run through run.ts (npm run
// bench, which builds first: chainrule is imported as the built packages), or alone:
// npx tsx training.ts   (CHAINRULE_BENCH_QUICK=1: one short round, to check the wiring)
import { rmSync } from 'node:fs';
import { BLIS_LIBRARY, blasNote, blisBlas, mallocNote, nativeBlas } from './lib/blas-probe.js';
import { bestTorch, peerCandidates, peerNotes } from './lib/peers.js';
import { type BenchSection, bestMeasured, machine, toMarkdown } from './lib/report.js';
import { type ChildCandidate, timeInProcesses } from './lib/processes.js';
import { LSTM_SHAPE, SAMPLES, WORKLOADS, writeBatchesFile } from './lib/training-data.js';

/** Peer figures issue #4 set as targets (samples/s), for the notes. */
const TARGETS = ['≥ 150k', '≥ 333k', '≥ 40k'];

const COLUMNS = [
  'chainrule BLIS compiled',
  'chainrule BLAS compiled',
  'chainrule compiled',
  'chainrule BLAS',
  'chainrule',
  'chainrule FMA',
  'tfjs-cpu',
  'tfjs-wasm',
  'PyTorch',
  'JAX',
];
/** The chainrule columns, of which the best is compared with the peers. */
const OURS = [
  'chainrule BLIS compiled',
  'chainrule BLAS compiled',
  'chainrule compiled',
  'chainrule BLAS',
  'chainrule',
];

/** The candidates of WORKLOADS[index]; `data`: the batches file the Python peers read. */
function candidatesOf(index: number, data: { path: string; batches: number }): Record<string, ChildCandidate> {
  const chainrule = new URL('./lib/training-chainrule.ts', import.meta.url).href;
  const tfjs = new URL('./lib/training-tfjs.ts', import.meta.url).href;
  const w = WORKLOADS[index]!;
  const mlp = (w.model ?? 'mlp') === 'mlp';
  return {
    ...(blisBlas() !== null
      ? {
          'chainrule BLIS compiled': {
            module: chainrule,
            factory: 'chainruleTraining',
            args: [index, false, true, true],
            env: { CHAINRULE_WASM: 'simd', CHAINRULE_BLAS: BLIS_LIBRARY },
          },
        }
      : {}),
    ...(nativeBlas().library !== null
      ? {
          'chainrule BLAS compiled': {
            module: chainrule,
            factory: 'chainruleTraining',
            args: [index, false, true, true],
            env: { CHAINRULE_WASM: 'simd', CHAINRULE_BLAS: 'on' },
          },
          'chainrule BLAS': {
            module: chainrule,
            factory: 'chainruleTraining',
            args: [index, false, true],
            env: { CHAINRULE_WASM: 'simd', CHAINRULE_BLAS: 'on' },
          },
        }
      : {}),
    'chainrule compiled': {
      module: chainrule,
      factory: 'chainruleTraining',
      args: [index, false, false, true],
      env: { CHAINRULE_WASM: 'simd', CHAINRULE_BLAS: 'off' },
    },
    chainrule: {
      module: chainrule,
      factory: 'chainruleTraining',
      args: [index, false, false],
      env: { CHAINRULE_WASM: 'simd', CHAINRULE_BLAS: 'off' },
    },
    'chainrule FMA': {
      module: chainrule,
      factory: 'chainruleTraining',
      args: [index, true, false],
      nodeFlags: ['--experimental-wasm-relaxed-simd'],
      env: { CHAINRULE_BLAS: 'off' },
    },
    // tfjs: the MLP rows only
    ...(mlp
      ? {
          'tfjs-cpu': { module: tfjs, factory: 'tfjsTraining', args: ['cpu', index] },
          'tfjs-wasm': { module: tfjs, factory: 'tfjsTraining', args: ['wasm', index] },
        }
      : {}),
    ...peerCandidates('training', [w, LSTM_SHAPE, data.path, data.batches]),
  };
}

/** Runs the training benchmark; returns its table. */
export default async function training(): Promise<BenchSection[]> {
  const rows: (string | number)[][] = [];
  const torchThreads: string[] = [];
  const goal: string[] = [];
  for (const [index, w] of WORKLOADS.entries()) {
    const data = writeBatchesFile(index);
    let t: Record<string, number>;
    try {
      t = await timeInProcesses(candidatesOf(index, data), { rounds: 5, targetMs: 200, warmup: 3, warmupMs: 2000 });
    } finally {
      rmSync(data.path, { force: true });
    }
    const torch = bestTorch(t);
    const seconds: Record<string, number | undefined> = { ...t, PyTorch: torch.seconds };
    const sps = (name: string): number => w.batch / (seconds[name] ?? Number.NaN);
    const best = bestMeasured(OURS.map(sps));
    torchThreads.push(`${torch.threads ?? '–'}`);
    const peer = bestMeasured(['PyTorch', 'JAX'].map(sps));
    goal.push(`${w.label}: ${(best / peer).toFixed(2)}x`);
    rows.push([
      w.label,
      ...COLUMNS.map(sps),
      best / sps('PyTorch'),
      best / sps('JAX'),
      sps('chainrule') / sps('tfjs-wasm'),
    ]);
    console.log(`${w.label}: ${COLUMNS.map((k) => `${k} ${sps(k).toFixed(0)}`).join(', ')} samples/s`);
  }
  return [
    {
      title: 'training, float32, samples/s (forward + backward + optimizer update; higher is better)',
      columns: ['workload', ...COLUMNS, 'best chainrule / PyTorch', 'best chainrule / JAX', 'chainrule / tfjs-wasm'],
      rows,
      notes: [
        `Goal (issue #13): at least 1.0x the best of PyTorch and JAX on every row. Best chainrule / best peer, ` +
          `by row: ${goal.join('; ')}.`,
        `Real MNIST digits (the \`mnist\` package via @chainrule/cli's loadMnist), ${SAMPLES} of them in a ` +
          'seeded random order, cut into batches up front; each timed call is one step on the next batch. ' +
          `The LSTM row: seeded random sequences [batch, ${LSTM_SHAPE.steps}, ${LSTM_SHAPE.input}] in [-1, 1) ` +
          'and labels 0..9. The Python peers read the same batches from a file the parent writes.',
        'chainrule: @chainrule/nn Sequential of Linear + Sigmoid/ReLU, quadraticCost (1/(2n) Σ‖a − y‖² against ' +
          'one-hot rows) or crossEntropy (int32 labels), SGD (lr 3 and 0.1); LeNet: Conv2d(1, 8, 5), ReLU, ' +
          'MaxPool2d(2), Conv2d(8, 16, 5), ReLU, MaxPool2d(2), Flatten, Linear(256, 10); LSTM: ' +
          'LSTM(32, 128, { batchFirst: true }), its last hidden state into Linear(128, 10); both Adam (lr 1e-3). ' +
          'Backend wasm (plain SIMD), threads as chosen automatically.',
        `${blasNote()} ${mallocNote()}`,
        'compiled: the same step through `compileStep` (@chainrule/nn), which replays a plan recorded by ' +
          "autograd's `compile` (the same kernels on storage allocated once, runs of up to 512-element " +
          'elementwise kernels fused into one loop; bit-identical losses), the optimizer update (SGD or Adam, ' +
          'bias corrections and step counts included) inside the plan. Best chainrule = the best of the ' +
          'chainrule columns without FMA.',
        'chainrule FMA: the same, in a child started with `--experimental-wasm-relaxed-simd`, so the ' +
          'relaxed-SIMD kernels (fused multiply-add in the matmuls) are chosen, as they are by default on ' +
          'Node 22+ and Chrome 114+; its losses differ from the plain build in the last bits.',
        "tfjs (MLP rows only): the same nets with W as [in, out] (tfjs's own layout), the same losses written " +
          'with tf ops (cross-entropy through tf.logSoftmax), tf.train.sgd(lr).minimize over the variables.',
        'PyTorch (lib/peers_torch.py): the same nets from torch.nn (nn.LSTM(batch_first=True) with its fused ' +
          'CPU kernel), F.cross_entropy or the quadratic cost, torch.optim.SGD/Adam; zero_grad, forward, ' +
          `backward, step per call. Threads of the better run, by row: ${torchThreads.join(', ')}.`,
        'JAX (lib/peers_jax.py): the same nets in jax.numpy and jax.lax (conv_general_dilated, reduce_window, ' +
          'an LSTM cell under lax.scan), PyTorch-layout parameters, SGD or Adam written out (as torch.optim.Adam ' +
          'computes it); one jax.jit over forward, backward and update (parameters donated), ' +
          'block_until_ready after each step.',
        ...peerNotes(),
        'Each framework runs in its own child process (lib/processes.ts; one process per framework and ' +
          'workload, started one at a time, then timed round by round in turn), so none shares a heap, a JIT or ' +
          'global state with another. With tfjs loaded and trained in the same process, 3,000 chainrule batch-10 ' +
          'steps spent 118–164 ms in GC pauses against 42–51 ms alone (`node --trace-gc`).',
        'Warm-up: each child first runs the step for at least 2 s (thousands of steps at batch 10: the JIT ' +
          'tiers up and the heap settles over that many; JAX compiles its step in the first call).',
        `Issue #4 targets for chainrule, the first three rows: ${TARGETS.join(', ')} samples/s ` +
          '(PyTorch measured 75k, 333k, 67k on one thread).',
      ],
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(machine());
  for (const s of await training()) console.log(`\n${toMarkdown(s)}`);
}
