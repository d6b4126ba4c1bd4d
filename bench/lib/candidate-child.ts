// Child-process entry of timeInProcesses (lib/processes.ts): builds one Candidate from a factory
// exported by a module (argv: module URL, export name, JSON array of arguments), then times it
// on request over IPC. Only that module's imports are loaded in this process, so one framework
// never shares a heap, a JIT or global state with another.
import type { Candidate } from './timing.js';
import type { ChildReply, ChildRequest } from './processes.js';

const [moduleUrl, exportName, argsJson] = process.argv.slice(2);
const mod = (await import(moduleUrl!)) as Record<string, unknown>;
const factory = mod[exportName!];
if (typeof factory !== 'function') throw new Error(`${moduleUrl} has no export ${exportName}`);
const candidate = await (factory as (...a: unknown[]) => Promise<Candidate> | Candidate)(
  ...(JSON.parse(argsJson!) as unknown[]),
);

const reply = (r: ChildReply): void => {
  process.send!(r);
};

process.on('message', (raw) => {
  void (async () => {
    const req = raw as ChildRequest;
    if (req.kind === 'exit') {
      process.disconnect();
      return;
    }
    await candidate.before?.();
    if (req.kind === 'calibrate') {
      // Warm up for at least `warmup` calls and `warmupMs` (the JIT tiers up and the heap settles
      // over thousands of small calls), then estimate one call's time over at least 20 ms.
      const until = performance.now() + (req.warmupMs ?? 0);
      for (let i = 0; i < req.warmup || performance.now() < until; i++) candidate.fn();
      const t0 = performance.now();
      let calls = 0;
      do {
        candidate.fn();
        calls++;
      } while (performance.now() - t0 < 20);
      reply({ kind: 'timed', seconds: (performance.now() - t0) / 1000 / calls });
      return;
    }
    const t0 = performance.now();
    for (let i = 0; i < req.reps; i++) candidate.fn();
    reply({ kind: 'timed', seconds: (performance.now() - t0) / 1000 / req.reps });
  })();
});
reply({ kind: 'ready' });
