// vmap against the loop it replaces: per-example gradients (`vmap(grad(loss))` against a loop of
// `grad` over the examples) and a Jacobian (`jacobian(f, { vectorize: true })` against one reverse
// pass per output element), each candidate in its own child process, interleaved round by round.
// Run through run.ts (npm run bench), or alone: npx tsx vmap.ts
import { type BenchSection, machine, toMarkdown } from './lib/report.js';
import { type ChildCandidate, timeInProcesses } from './lib/processes.js';
import { VMAP_CASES } from './lib/vmap-chainrule.js';

const MODULE = new URL('./lib/vmap-chainrule.ts', import.meta.url).href;

/** Runs the vmap benchmark; returns its table. */
export default async function vmapBench(): Promise<BenchSection[]> {
  const rows: (string | number)[][] = [];
  for (const [index, label] of VMAP_CASES.entries()) {
    const candidates: Record<string, ChildCandidate> = {
      vmap: { module: MODULE, factory: 'chainruleVmap', args: [index, 'vmap'] },
      loop: { module: MODULE, factory: 'chainruleVmap', args: [index, 'loop'] },
    };
    const t = await timeInProcesses(candidates, { rounds: 5, targetMs: 150, warmup: 2 });
    const ms = (name: string): number => t[name]! * 1e3;
    rows.push([label, ms('vmap'), ms('loop'), ms('loop') / ms('vmap')]);
    console.log(`${label}: vmap ${ms('vmap').toFixed(2)} ms, loop ${ms('loop').toFixed(2)} ms`);
  }
  return [
    {
      title: 'vmap against a loop over the examples, ms per call (lower is better)',
      columns: ['workload', 'vmap', 'loop', 'speed-up of vmap'],
      rows,
      notes: [
        'Both columns are chainrule, float64, the default backend: `vmap(grad(loss), { inAxes: [null, 0, 0] })` ' +
          'against `stack` of `grad(loss)` per example; `jacobian(f, { vectorize: true })` against `jacobian(f)`.',
        'The results are the same (test/vmap in packages/autograd checks every op against the loop).',
      ],
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(machine());
  for (const s of await vmapBench()) console.log(`\n${toMarkdown(s)}`);
}
