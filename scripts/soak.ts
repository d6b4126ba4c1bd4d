// Soak checks (not in the unit suite; they take minutes): memory that stays flat over a long run, a very
// long chain differentiated without a stack overflow, and memory that comes back after large arrays.
//
//   npx tsc -b packages/tensor packages/autograd packages/nn   # the soak imports the built packages
//   npx tsx scripts/soak.ts [memory] [training] [chain]        # all three when none is named
//
// It prints the figures and exits 1 if a check fails. Sizes can be scaled down for a quick try:
// SOAK_STEPS (training steps, default 60000), SOAK_CHAIN (ops, default 1000000), SOAK_BIG (elements
// of each large array, default 64·2^20: 244 MiB of float32).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tensor } from '@chainrule/autograd';
import { Linear, SGD, Sequential, Tanh, mseLoss } from '@chainrule/nn';
import { Rng, add, exp, full, getBackend, randn, sum } from '@chainrule/tensor';

setFlagsFromString('--expose_gc');
const collect = runInNewContext('gc') as () => void;

const MiB = 2 ** 20;
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
const failures: string[] = [];
function check(ok: boolean, what: string): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

/**
 * Lets the garbage collector and the event loop finish what was dropped: three rounds of a full
 * collection and a 50 ms pause (memory the wasm backend drops once the event loop turns, and the
 * buffers the collector frees in tasks after it, need them).
 */
async function settle(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage();
}

/** (c) Two 244 MiB arrays, an add, an exp and a sum over them, then dropped: RSS back within 2x of before. */
async function memoryComesBack(): Promise<void> {
  const n = env('SOAK_BIG', 64 * MiB);
  console.log(
    `\n(c) memory after dropping two arrays of ${n} float32 (${mib(4 * n)} each), backend ${getBackend().name}`,
  );
  const before = (await settle()).rss;
  let a: ReturnType<typeof full> | undefined = full([n], 1.5);
  let b: ReturnType<typeof full> | undefined = full([n], 2.5);
  const t0 = performance.now();
  let c: ReturnType<typeof full> | undefined = add(a, b);
  const tAdd = performance.now() - t0;
  const added = c.get(0);
  c = exp(a);
  const s = sum(b).item() + c.get(0) + added;
  const peak = process.memoryUsage().rss;
  a = b = c = undefined;
  const after = (await settle()).rss;
  console.log(`  rss before ${mib(before)}, at the peak ${mib(peak)}, after dropping ${mib(after)}`);
  console.log(`  add of the two arrays: ${tAdd.toFixed(0)} ms; a checksum of the results: ${s}`);
  check(after <= 2 * before, `rss after (${mib(after)}) is within 2x of before (${mib(before)})`);
}

interface Sample {
  step: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
}

/**
 * (a) Training steps of a small MLP with memory sampled (after collections) every 1000 steps. The
 * first sixth of the run is warm-up. After it, "flat" means, with trend = the rise of the
 * least-squares line through the samples over the rest of the run:
 * - heapUsed and external (what JavaScript holds: a leak of a few dozen bytes a step shows): trend
 *   under 2 MiB, and no sample more than 4 MiB above the first;
 * - rss − heapTotal (the process outside the JS heap: wasm memory, typed-array storage, code,
 *   malloc): trend under 24 MiB (V8's growth of its young generation moves it by about 10 MiB
 *   too), and under 8 MiB over the last third of the run;
 * - heapTotal (V8 grows its young generation once or twice, up to 2 × 16 MiB, at times of its
 *   choosing; heapUsed says whether anything lives there): at most 48 MiB above the first sample.
 * A leak of 1 KiB a step would be 50 MiB here.
 */
async function trainingIsFlat(): Promise<void> {
  const steps = env('SOAK_STEPS', 60_000);
  const every = 1000;
  const warmup = Math.floor(steps / 6);
  console.log(`\n(a) ${steps} training steps of a 8-32-32-1 tanh MLP, batch 64, SGD`);
  const rng = new Rng(7);
  const net = new Sequential(
    new Linear(8, 32, { rng }),
    new Tanh(),
    new Linear(32, 32, { rng }),
    new Tanh(),
    new Linear(32, 1, { rng }),
  );
  const opt = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = tensor(randn([64, 8], { rng }));
  const y = tensor(randn([64, 1], { rng }).mul(0.5));
  const samples: Sample[] = [];
  let first = 0;
  let last = 0;
  const t0 = performance.now();
  for (let step = 1; step <= steps; step++) {
    opt.zeroGrad();
    const loss = mseLoss(net.forward(x), y);
    loss.backward();
    opt.step();
    if (step === 1) first = loss.item();
    if (step % every === 0) {
      last = loss.item();
      const m = await settle();
      samples.push({ step, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, rss: m.rss });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`  loss ${first.toFixed(4)} → ${last.toFixed(4)}; ${(steps / seconds).toFixed(0)} steps/s`);
  console.log('  step      heapUsed   heapTotal    external         rss');
  for (const s of samples.filter(
    (_, i) => i % Math.max(1, Math.floor(samples.length / 12)) === 0 || i === samples.length - 1,
  ))
    console.log(
      `  ${String(s.step).padStart(6)}  ` +
        [s.heapUsed, s.heapTotal, s.external, s.rss].map((v) => mib(v).padStart(10)).join('  '),
    );
  const after = samples.filter((s) => s.step > warmup);
  const end = after.slice(Math.floor((after.length * 2) / 3));
  const trend = (points: Sample[], key: keyof Omit<Sample, 'step'>): number =>
    slope(points.map((s) => [s.step, s[key]])) * (points.at(-1)!.step - points[0]!.step);
  for (const key of ['heapUsed', 'external'] as const) {
    const growth = trend(after, key);
    const excess = Math.max(...after.map((s) => s[key])) - after[0]![key];
    check(
      growth < 2 * MiB && excess < 4 * MiB,
      `${key} flat after step ${warmup}: trend ${mib(growth)} over the run (< 2 MiB), ` +
        `highest ${mib(excess)} above the first sample (< 4 MiB)`,
    );
  }
  const outside = (points: Sample[]): Sample[] => points.map((s) => ({ ...s, rss: s.rss - s.heapTotal }));
  const growth = trend(outside(after), 'rss');
  const late = trend(outside(end), 'rss');
  check(
    growth < 24 * MiB && late < 8 * MiB,
    `rss − heapTotal flat after step ${warmup}: trend ${mib(growth)} over the run (< 24 MiB), ` +
      `${mib(late)} over its last third (< 8 MiB)`,
  );
  const heapGrowth = Math.max(...after.map((s) => s.heapTotal)) - after[0]!.heapTotal;
  check(heapGrowth <= 48 * MiB, `heapTotal at most ${mib(heapGrowth)} above the first sample (<= 48 MiB)`);
  const rssGrowth = trend(after, 'rss');
  console.log(`  (rss itself: trend ${mib(rssGrowth)} over the run, ${mib(trend(end, 'rss'))} over its last third)`);
  check(last < first, 'the loss went down');
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((p, [x]) => p + x, 0) / n;
  const my = points.reduce((p, [, y]) => p + y, 0) / n;
  let sxy = 0,
    sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

/**
 * (b) A chain of a million ops (y ← y·c + 0.5, alternately) differentiated: no stack overflow,
 * the exact gradient. */
async function longChain(): Promise<void> {
  const ops = env('SOAK_CHAIN', 1_000_000);
  const c = 1 + 1e-6;
  console.log(`\n(b) backward through a chain of ${ops} ops (float64)`);
  const before = (await settle()).rss;
  const x = tensor(0.25, { dtype: 'float64', requiresGrad: true });
  const t0 = performance.now();
  let y = x;
  for (let i = 0; i < ops / 2; i++) y = y.mul(c).add(0.5);
  const t1 = performance.now();
  const peak = process.memoryUsage().rss;
  y.backward();
  const t2 = performance.now();
  const want = c ** (ops / 2);
  const got = x.grad!.item();
  console.log(
    `  forward ${((t1 - t0) / 1000).toFixed(1)} s, backward ${((t2 - t1) / 1000).toFixed(1)} s; ` +
      `rss ${mib(before)} before, ${mib(peak)} with the graph`,
  );
  console.log(`  dy/dx = ${got} (exact ${want})`);
  check(Math.abs(got - want) <= 1e-9 * want, 'the gradient is exact to 1e-9');
  y = x; // drop the graph
  const after = (await settle()).rss;
  console.log(`  rss after dropping the graph ${mib(after)}`);
}

const parts: Record<string, () => Promise<void>> = {
  memory: memoryComesBack,
  training: trainingIsFlat,
  chain: longChain,
};
const chosen = process.argv.slice(2).filter((a) => a in parts);
console.log(`node ${process.version}, ${process.platform}/${process.arch}, backend ${getBackend().name}`);
for (const name of chosen.length > 0 ? chosen : Object.keys(parts)) await parts[name]!();
console.log(failures.length === 0 ? '\nsoak: all checks passed' : `\nsoak: ${failures.length} check(s) failed`);
process.exitCode = failures.length === 0 ? 0 : 1;
