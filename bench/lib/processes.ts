/**
 * Interleaved timing like timeInterleaved (lib/timing.ts), but each candidate lives in its own
 * child process (Node + tsx), built there by a factory function exported from a module. The
 * parent only orchestrates: round r of every candidate runs before round r+1 of any, one process
 * at a time, so they never compete for the cores, and no candidate shares a heap, a JIT or global
 * state (e.g. tfjs's registered backends and flags) with another.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Where and how a child builds its Candidate: `await import(module)[factory](...args)`. */
export interface ChildCandidate {
  /** A file URL (e.g. `new URL('./x.ts', import.meta.url).href`). */
  readonly module: string;
  readonly factory: string;
  /** JSON-serialisable arguments. */
  readonly args: readonly unknown[];
  /** Extra Node flags for the child (e.g. `--experimental-wasm-relaxed-simd`). */
  readonly nodeFlags?: readonly string[];
  /** Extra environment variables for the child (e.g. CHAINRULE_WASM=simd). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * A Python interpreter: the child is then `python lib/peer_child.py module factory args` (a
   * Python peer, e.g. PyTorch or JAX), `module` the path of a .py file, speaking the same
   * protocol as JSON lines on its stdin and stdout instead of Node's IPC channel.
   */
  readonly python?: string;
}

/** Messages to a child. */
export type ChildRequest =
  | { readonly kind: 'calibrate'; readonly warmup: number; readonly warmupMs?: number }
  | { readonly kind: 'round'; readonly reps: number }
  | { readonly kind: 'exit' };

/** Messages from a child. */
export type ChildReply = { readonly kind: 'ready' } | { readonly kind: 'timed'; readonly seconds: number };

const CHILD = fileURLToPath(new URL('./candidate-child.ts', import.meta.url));
const PY_CHILD = fileURLToPath(new URL('./peer_child.py', import.meta.url));

class Child {
  private readonly proc: ChildProcess;
  private readonly sendRaw: (req: ChildRequest) => void;
  private waiting: ((r: ChildReply) => void) | undefined;
  private failed: Error | undefined;
  private readonly queue: ChildReply[] = [];

  constructor(c: ChildCandidate) {
    const env = { ...process.env, ...c.env };
    if (c.python !== undefined) {
      // A Python peer: requests and replies are JSON lines on its stdin and stdout.
      const proc = spawn(c.python, [PY_CHILD, c.module, c.factory, JSON.stringify(c.args)], {
        env,
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      this.proc = proc;
      createInterface({ input: proc.stdout }).on('line', (line) => {
        if (line.startsWith('{')) this.deliver(JSON.parse(line) as ChildReply);
        else console.log(line);
      });
      proc.on('error', (e) => this.fail(e));
      this.sendRaw = (req) => void proc.stdin.write(`${JSON.stringify(req)}\n`);
    } else {
      const proc = fork(CHILD, [c.module, c.factory, JSON.stringify(c.args)], {
        execArgv: ['--import', 'tsx', ...(c.nodeFlags ?? [])],
        env,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      this.proc = proc;
      proc.on('message', (m) => this.deliver(m as ChildReply));
      this.sendRaw = (req) => void proc.send(req);
    }
    this.proc.on('exit', (code) => {
      if (code !== 0 && code !== null)
        this.fail(new Error(`benchmark child ${c.module}#${c.factory} exited with code ${code}`));
    });
  }

  private deliver(r: ChildReply): void {
    const w = this.waiting;
    if (w !== undefined) {
      this.waiting = undefined;
      w(r);
    } else this.queue.push(r);
  }

  private fail(e: Error): void {
    this.failed = e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ kind: 'ready' });
  }

  /** The next reply (rejects if the child died). */
  async next(): Promise<ChildReply> {
    const queued = this.queue.shift();
    if (queued !== undefined) return queued;
    if (this.failed !== undefined) throw this.failed;
    const r = await new Promise<ChildReply>((resolve) => (this.waiting = resolve));
    if (this.failed !== undefined) throw this.failed;
    return r;
  }

  async time(req: ChildRequest): Promise<number> {
    this.sendRaw(req);
    const r = await this.next();
    if (r.kind !== 'timed') throw new Error('benchmark child: unexpected reply');
    return r.seconds;
  }

  close(): void {
    if (this.proc.connected || this.proc.stdin?.writable === true)
      this.sendRaw({ kind: 'exit' } satisfies ChildRequest);
  }
}

/**
 * Times candidates each in its own process, interleaved round by round; returns the best seconds
 * per call of each. Each round repeats the call enough times to last about `targetMs`.
 */
export async function timeInProcesses(
  candidates: Record<string, ChildCandidate>,
  options: { rounds?: number; targetMs?: number; warmup?: number; warmupMs?: number } = {},
): Promise<Record<string, number>> {
  // CHAINRULE_BENCH_QUICK=1: one short round and almost no warm-up, to check the wiring only
  if (process.env.CHAINRULE_BENCH_QUICK === '1') options = { rounds: 1, targetMs: 1, warmup: 1, warmupMs: 0 };
  const rounds = options.rounds ?? 7,
    targetMs = options.targetMs ?? 80;
  const names = Object.keys(candidates);
  const children: Record<string, Child> = {};
  try {
    // Started one at a time: loading data and compiling must not overlap another child's timing.
    for (const name of names) {
      const child = new Child(candidates[name]!);
      children[name] = child;
      if ((await child.next()).kind !== 'ready') throw new Error(`benchmark child ${name} did not start`);
    }
    const reps: Record<string, number> = {},
      best: Record<string, number> = {};
    for (const name of names) {
      const dt = await children[name]!.time({
        kind: 'calibrate',
        warmup: options.warmup ?? 2,
        warmupMs: options.warmupMs ?? 500,
      });
      reps[name] = Math.max(1, Math.min(10_000, Math.round(targetMs / Math.max(dt * 1000, 1e-3))));
      best[name] = dt;
    }
    for (let r = 0; r < rounds; r++) {
      for (const name of names)
        best[name] = Math.min(best[name]!, await children[name]!.time({ kind: 'round', reps: reps[name]! }));
    }
    return best;
  } finally {
    for (const c of Object.values(children)) c.close();
  }
}
