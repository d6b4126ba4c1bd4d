// The scalar path: a chain of 10,000 ops on 0-d float32 tensors, forward and backward, in
// microseconds per op — the cost of recording and differentiating one op, with no arithmetic to
// hide it. chainrule's autograd against tfjs-cpu (tf.grads), interleaved round by round, each in
// its own child process (lib/processes.ts).
// Run through run.ts (npm run bench), or alone: npx tsx scalar-chain.ts
import { type BenchSection, machine, toMarkdown } from './lib/report.js';
import { type ChildCandidate, timeInProcesses } from './lib/processes.js';
import { SCALAR_CHAIN_CASES, stepsOf } from './lib/scalar-chain-cases.js';
import { bestTorch, peerCandidates, peerNotes } from './lib/peers.js';

const CHAINRULE = new URL('./lib/scalar-chain-chainrule.ts', import.meta.url).href;
const TFJS = new URL('./lib/scalar-chain-tfjs.ts', import.meta.url).href;
const NAMES = ['chainrule', 'tfjs-cpu', 'PyTorch', 'JAX'];

/** Runs the scalar-chain benchmark; returns its table. */
export default async function scalarChain(): Promise<BenchSection[]> {
  const rows: (string | number)[][] = [];
  const goal: string[] = [];
  for (const [index, chain] of SCALAR_CHAIN_CASES.entries()) {
    const ops = stepsOf(index) * chain.perStep;
    const candidates: Record<string, ChildCandidate> = {
      chainrule: { module: CHAINRULE, factory: 'chainruleScalarChain', args: [index] },
      'tfjs-cpu': { module: TFJS, factory: 'tfjsScalarChain', args: [index] },
      ...peerCandidates('scalar_chain', [index, stepsOf(index)]),
    };
    const t = await timeInProcesses(candidates, { rounds: 5, targetMs: 150, warmup: 2 });
    const seconds: Record<string, number | undefined> = { ...t, PyTorch: bestTorch(t).seconds };
    const us = (name: string): number => ((seconds[name] ?? Number.NaN) * 1e6) / ops;
    rows.push([
      chain.label,
      ops,
      ...NAMES.map(us),
      us('tfjs-cpu') / us('chainrule'),
      us('PyTorch') / us('chainrule'),
      us('JAX') / us('chainrule'),
    ]);
    console.log(`${chain.label}: ${NAMES.map((k) => `${k} ${us(k).toFixed(2)}`).join(', ')} µs/op`);
    goal.push(`${chain.label}: ${(us('PyTorch') / us('chainrule')).toFixed(1)}x`);
  }
  return [
    {
      title: 'scalar chain, forward + backward, µs per op (lower is better)',
      columns: ['chain', 'ops', ...NAMES, 'speed-up vs tfjs-cpu', 'speed-up vs PyTorch', 'speed-up vs JAX (eager)'],
      rows,
      notes: [
        `Goal (issue #13): at least 5x faster per op than PyTorch. Speed-up vs PyTorch: ${goal.join('; ')}.`,
        'One call builds the whole chain on 0-d float32 tensors from leaves w and b, runs backward, and reads ' +
          'both gradients.',
        'chainrule: `x.backward()` (an iterative engine, graph freed after use); ' +
          'tfjs-cpu: `tf.grads` inside `tf.tidy`.',
        'An op is one mul, add or tanh; the chain has 10,000 of them (or the nearest multiple of the step).',
        'PyTorch: 0-d float32 tensors, `x.backward()`, the better of 1 and 2 threads. JAX: `jax.grad` of the ' +
          'chain on 0-d float32 arrays, eager (no jit: a jitted chain is one fused XLA program, which says ' +
          'nothing of the cost of recording an op), both gradients read.',
        ...peerNotes(),
        'Each implementation runs in its own child process (one per implementation and chain), timed round by ' +
          "round in turn, so chainrule's garbage collector never works through tfjs's heap.",
      ],
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(machine());
  for (const s of await scalarChain()) console.log(`\n${toMarkdown(s)}`);
}
