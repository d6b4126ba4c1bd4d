/**
 * `compile`: chainrule's answer to `jax.jit` and `torch.compile`. A compiled function records its
 * calls kernel by kernel (recorder.ts) until two calls with the same signature agree (classify.ts),
 * then replays the latest recording on the storage it used (plan.ts): no Tensor, graph node or
 * intermediate array is made per call, and the results are eager execution's, bit for bit. A new
 * signature (argument shapes, dtypes, numbers, grad mode, backend) records again.
 */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { isAnomalyEnabled } from '../anomaly.js';
import { isGradEnabled } from '../grad-mode.js';
import { isBatching } from '../ops/apply.js';
import { Tensor } from '../tensor.js';
import { type RecordedRun, classify } from './classify.js';
import { type PlanMemory, Plan } from './plan.js';
import { Recorder } from './recorder.js';
import { isRecording, setTraceListener } from './trace-state.js';

/** What a compiled function may take: tensors, and numbers, booleans or strings (part of the signature). */
export type CompileArg = Tensor | number | boolean | string | null | undefined;

/** What a compiled function may return: a tensor, an array or an object of tensors, or nothing. */
export type CompileResult = Tensor | readonly Tensor[] | { readonly [key: string]: Tensor } | undefined;

/** Options of `compile`. */
export interface CompileOptions {
  /**
   * What a call that cannot be compiled does (it reads a value into JavaScript, draws random
   * numbers, or its kernels keep changing): run eagerly, as it would without `compile` (true, the
   * default), or throw a CompileError naming the reason.
   */
  fallback?: boolean;
  /**
   * How many calls of one signature may be recorded without two in a row agreeing before it runs
   * eagerly for good (default 4).
   */
  maxRecordings?: number;
  /**
   * Fuse runs of elementwise kernels into single loops in the plans (true, the default): the same
   * bits as the unfused kernels, with fewer passes over memory (see fuse.ts).
   */
  fuse?: boolean;
}

/** A call that `compile` cannot turn into a plan, with the reason (thrown when `fallback` is false). */
export class CompileError extends Error {
  override readonly name = 'CompileError';
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
  }
}

/** Counts of what a compiled function did. */
export interface CompileStats {
  /** Calls that were recorded (run eagerly while watched). */
  recorded: number;
  /** Calls that replayed a plan. */
  replayed: number;
  /** Calls that ran eagerly because their signature cannot be compiled. */
  eager: number;
}

/** A function compiled by `compile`: call it as the original; inspect its plans. */
export interface CompiledFunction<A extends CompileArg[], R extends CompileResult> {
  (...args: A): R;
  /** The plan for these arguments' signature, once two recorded calls agreed; else undefined. */
  plan(...args: A): { readonly kernels: number; readonly fused: number; memory(): PlanMemory } | undefined;
  /** Why calls with these arguments' signature run eagerly, or undefined. */
  eagerReason(...args: A): string | undefined;
  /** Forgets every plan and recording (after changing state the function reads in JavaScript). */
  reset(): void;
  readonly stats: CompileStats;
}

interface Entry {
  last: RecordedRun | undefined;
  recordings: number;
  plan: Plan | undefined;
  eager: string | undefined;
}

/** The signature of a call: what must be equal for a plan to apply (-0 is not 0, strings are quoted). */
function signature(args: readonly CompileArg[]): string {
  let key = `${T.getBackend().name}|${isGradEnabled() ? 'grad' : 'nograd'}`;
  for (const a of args) {
    if (a instanceof Tensor) key += `|${a.dtype}[${a.shape.join(',')}]`;
    else if (typeof a === 'number') key += `|n:${Object.is(a, -0) ? '-0' : String(a)}`;
    else key += `|${typeof a}:${JSON.stringify(a) ?? 'undefined'}`;
  }
  return key;
}

/** Why a call must run eagerly whatever it does: an argument whose gradient would go to the plan's copy. */
function argumentsNeedingGrad(args: readonly CompileArg[]): string | undefined {
  const i = args.findIndex((a) => a instanceof Tensor && a.requiresGrad);
  return i < 0 ? undefined : `argument ${i + 1} requires grad (a plan reads copies of its arguments)`;
}

/** The tensors of a result, in order, and how to rebuild the same structure from arrays. */
function flatten(op: string, out: unknown): { tensors: Tensor[]; rebuild: (xs: readonly NDArray[]) => unknown } {
  if (out === undefined) return { tensors: [], rebuild: () => undefined };
  if (out instanceof Tensor) return { tensors: [out], rebuild: (xs) => new Tensor(xs[0]!) };
  if (Array.isArray(out) && out.every((t) => t instanceof Tensor)) {
    return { tensors: out as Tensor[], rebuild: (xs) => xs.map((x) => new Tensor(x)) };
  }
  if (out !== null && typeof out === 'object' && Object.values(out).every((t) => t instanceof Tensor)) {
    const keys = Object.keys(out);
    const rec = out as Record<string, Tensor>;
    return {
      tensors: keys.map((k) => rec[k]!),
      rebuild: (xs) => Object.fromEntries(keys.map((k, i) => [k, new Tensor(xs[i]!)])),
    };
  }
  throw new CompileError(op, 'a compiled function returns a Tensor, an array or an object of Tensors, or nothing');
}

/**
 * Compiles `fn`, a function of tensors, into plans replayed without building graphs (see the file
 * comment). The first calls of each signature run eagerly while recorded; from the second that
 * agrees with the one before, calls replay. Results carry no graph (call backward inside `fn`).
 * State `fn` reads in JavaScript (hyperparameters, `module.training`) is fixed into the plan: call
 * `reset()` after changing it. Parameters and optimizer state written in place stay live.
 * @example
 * ```ts
 * import { compile, tensor } from '@chainrule/autograd';
 * const w = tensor([1, 2, 3], { requiresGrad: true });
 * const step = compile((x) => {
 *   const loss = x.mul(w).sum();
 *   loss.backward();
 *   return loss;
 * });
 * for (let i = 0; i < 3; i++) step(tensor([1, 1, 1])); // recorded, recorded, replayed
 * ```
 */
export function compile<A extends CompileArg[], R extends CompileResult>(
  fn: (...args: A) => R,
  options: CompileOptions = {},
): CompiledFunction<A, R> {
  checkOptions(fn, options);
  const fallback = options.fallback ?? true;
  const maxRecordings = options.maxRecordings ?? 4;
  const fuse = options.fuse ?? true;
  const name = fn.name === '' ? 'compile' : `compile(${fn.name})`;
  let entries = new Map<string, Entry>();
  let lastEntry: Entry | undefined;
  const stats: CompileStats = { recorded: 0, replayed: 0, eager: 0 };

  const compiled = (...args: A): R => {
    // inside another recording, vmap or anomaly mode: just run
    if (isRecording() || isBatching() || isAnomalyEnabled()) return fn(...args);
    const needsGrad = argumentsNeedingGrad(args);
    if (needsGrad !== undefined) {
      if (!fallback) throw new CompileError(name, `cannot compile this call: ${needsGrad}`);
      stats.eager++;
      return fn(...args);
    }
    const key = signature(args);
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = { last: undefined, recordings: 0, plan: undefined, eager: undefined };
      entries.set(key, entry);
    }
    const previous = lastEntry;
    lastEntry = entry;
    // state carried from call to call is copied from this plan's own last call: stale if another ran
    // since; and `.grad` bindings must be as the plan expects (see Plan.matchesGrads)
    if (entry.plan !== undefined && ((entry.plan.carries && previous !== entry) || !entry.plan.matchesGrads())) {
      entry.plan.dispose();
      entry.plan = undefined;
      entry.recordings = 0;
    }
    if (entry.plan !== undefined) {
      stats.replayed++;
      const arrays = args.filter((a): a is Tensor => a instanceof Tensor).map((t) => t.value);
      return entry.plan.rebuild(entry.plan.replay(arrays)) as R;
    }
    if (entry.eager !== undefined) {
      stats.eager++;
      return fn(...args);
    }
    stats.recorded++;
    entry.recordings++;
    const { run, result, rebuild, hostWork } = record(name, fn, args, fallback, entry.last?.rec.gradsStored);
    if (hostWork !== undefined) entry.eager = hostWork;
    else if (entry.last !== undefined) {
      const c = classify(entry.last, run);
      if ('origins' in c) {
        entry.plan = new Plan(T.getBackend(), run, c.origins, rebuild, fuse);
        entry.last = undefined;
        run.rec.snapshots.clear(); // the plan keeps the ones it restores
      } else if (entry.recordings >= maxRecordings) {
        entry.eager = `its calls keep changing: ${c.unstable}`;
        entry.last = undefined;
        if (!fallback) throw new CompileError(name, `cannot replay this call (it ran eagerly): ${entry.eager}`);
      }
    }
    if (entry.plan === undefined && entry.eager === undefined) entry.last = run;
    return result as R;
  };
  const lookup = (args: A): Entry | undefined => entries.get(signature(args));
  return Object.assign(compiled, {
    plan: (...args: A) => lookup(args)?.plan,
    eagerReason: (...args: A) => lookup(args)?.eager,
    reset: () => {
      for (const e of entries.values()) e.plan?.dispose();
      entries = new Map();
      lastEntry = undefined;
    },
    stats,
  });
}

/** Throws a typed error naming `compile` for a non-function or an option of the wrong type or range. */
function checkOptions(fn: unknown, options: unknown): void {
  if (typeof fn !== 'function') throw new T.DTypeError('compile', `expected a function, got ${typeof fn}`);
  if (typeof options !== 'object' || options === null)
    throw new T.DTypeError('compile', `options must be an object, got ${options === null ? 'null' : typeof options}`);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'fallback' && key !== 'maxRecordings' && key !== 'fuse')
      throw new T.RangeError('compile', `unknown option '${key}' (expected fallback, maxRecordings or fuse)`);
  }
  for (const key of ['fallback', 'fuse'] as const)
    if (o[key] !== undefined && typeof o[key] !== 'boolean')
      throw new T.DTypeError('compile', `${key} must be a boolean, got ${typeof o[key]}`);
  const m = o.maxRecordings;
  if (m !== undefined && !(typeof m === 'number' && Number.isInteger(m) && m >= 2))
    throw new T.RangeError(
      'compile',
      `maxRecordings must be an integer >= 2 (two recordings must agree), got ${String(m)}`,
    );
}

/** One eager call of `fn` on copies of its tensor arguments, recorded. */
function record(
  name: string,
  fn: (...args: never[]) => unknown,
  args: readonly CompileArg[],
  fallback: boolean,
  watch: ReadonlySet<Tensor> = new Set(),
): { run: RecordedRun; result: unknown; rebuild: (xs: readonly NDArray[]) => unknown; hostWork: string | undefined } {
  const inner = T.getBackend();
  const nullAtStart = new Set([...watch].filter((t) => t.grad === null));
  const copies = args.map((a) =>
    a instanceof Tensor ? new Tensor(inner.copy(a.value, a.dtype), { requiresGrad: a.requiresGrad }) : a,
  );
  const rec = new Recorder(
    fallback ? undefined : (reason) => new CompileError(name, `cannot compile this call: ${reason}`),
  );
  T.setBackend(rec.wrap(inner));
  const prevListener = setTraceListener(rec);
  const prevHost = T.setHostComputeListener((op, kind) => rec.hostCompute(op, kind));
  const prevKernel = T.setHostKernelListener((k, host, a, r) => rec.hostKernel(k, host, a, r));
  const prevCheck = T.setHostCheckListener((k, check, a) => rec.hostCheck(k, check, a));
  let out: unknown;
  try {
    out = fn(...(copies as never[]));
    rec.checkResults();
  } finally {
    T.setBackend(inner);
    setTraceListener(prevListener);
    T.setHostComputeListener(prevHost);
    T.setHostKernelListener(prevKernel);
    T.setHostCheckListener(prevCheck);
  }
  const { tensors, rebuild } = flatten(name, out);
  const run: RecordedRun = {
    rec,
    inputs: copies.filter((a): a is Tensor => a instanceof Tensor).map((t) => t.value),
    outputs: tensors.map((t) => t.value),
    nullAtStart,
  };
  const result = rebuild(tensors.map((t) => inner.copy(t.value, t.dtype)));
  const hostWork = rec.hostWork.length > 0 ? `${rec.hostWork[0]}, so its calls run eagerly` : undefined;
  return { run, result, rebuild, hostWork };
}
