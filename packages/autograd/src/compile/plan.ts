/**
 * A compiled plan: the latest recorded call's kernels, replayed on the storage that call used.
 * Every kernel writes its result into the array it returned when recorded (`out` where the kernel
 * takes one, a copy otherwise), so storage is allocated once and reused at every replay; the same
 * kernels run in the same order on the same values, so a replay gives eager execution's bits.
 * Runs of elementwise kernels are fused into one loop (fuse.ts) that skips writing results nothing
 * reads, with the same bits. No Tensor, graph node or intermediate array is made per replay, only
 * the results handed back. On a backend with resident memory (wasm), the intermediates, workspaces,
 * argument copies and float constants live there (resident.ts), so its kernels neither copy operands
 * in nor results out.
 */
import * as T from '@chainrule/tensor';
import type { Backend, KernelName, NDArray, ResidentBlock, ResidentMemory } from '@chainrule/tensor';
import type { Tensor } from '../tensor.js';
import type { Origin, RecordedRun } from './classify.js';
import { fuseElementwise, maxFusedElements } from './fuse.js';
import { OUT_SLOT, type Snapshot, type TapeCall, resultArrays } from './recorder.js';
import { type ResidentLayout, residentLayout, residentRun, residentViews } from './resident.js';

type Storage = NDArray['data'];

/** What a plan's storage holds, in bytes, by role (see `Plan.memory`). */
export interface PlanMemory {
  /** Results of the plan's kernels: allocated once, rewritten at each replay. */
  readonly intermediates: number;
  /** The plan's copies of the function's arguments, refilled at each replay. */
  readonly inputs: number;
  /** Arrays made outside the kernels with fixed contents (numbers as arrays, masks), and saved contents to restore. */
  readonly constants: number;
  /** Storage that lives across calls and is read or written in place (parameters, optimizer state). */
  readonly state: number;
  /** All of the above. */
  readonly total: number;
  /** How many distinct storages the plan touches. */
  readonly buffers: number;
  /**
   * Bytes of the backend's resident memory the plan keeps its intermediates, workspaces, argument
   * copies and float constants in now (the wasm backend's memory, read and written there with no
   * copies; 0 on other backends). Counted in the roles above too (each array padded to 64 bytes).
   */
  readonly resident: number;
}

/** The kernels that read an int32 index, and where: [index argument, axis argument, array whose axis bounds it]. */
const INDEXED: Partial<Record<KernelName, readonly [number, number, number]>> = {
  indexSelect: [2, 1, 0],
  gather: [2, 1, 0],
  scatterAdd: [2, 1, 0],
  scatter: [2, 1, 0],
};

/** Copies view `src` into view `dst` (same shape and dtype). */
function copyInto(backend: Backend, dst: NDArray, src: NDArray): void {
  if (dst.isContiguous && src.isContiguous && dst.dtype === src.dtype) {
    (dst.data as Float64Array).set((src.data as Float64Array).subarray(src.offset, src.offset + src.size), dst.offset);
  } else backend.assign(dst, src);
}

/** Throws a RangeError naming `method` if an index of `args` is out of range (a replay skips the ops' own checks). */
function checkIndex(method: KernelName, args: readonly unknown[], at: readonly [number, number, number]): void {
  const index = args[at[0]] as NDArray,
    axis = args[at[1]] as number,
    bound = args[at[2]] as NDArray | readonly number[];
  const n = bound instanceof T.NDArray ? bound.shape[axis]! : bound[axis]!;
  const c = index.contiguous();
  const d = c.data as Int32Array;
  for (let i = 0; i < c.size; i++) {
    const v = d[c.offset + i]!;
    if (v < 0 || v >= n)
      throw new T.RangeError(method, `index ${v} is out of range for axis ${axis} of size ${n} (compiled plan)`);
  }
}

/** One replayed kernel. */
type Step = () => void;

/**
 * Whether a result storage must be written by a fused loop over calls [start, end): a call outside
 * the run reads or writes it, or it leaves the plan (an output, or `kept`: the `.grad` bindings as
 * recorded and state carried to the next call).
 */
function neededOutside(
  run: RecordedRun,
  kept: ReadonlySet<Storage>,
): (data: Storage, start: number, end: number) => boolean {
  const touched = new Map<Storage, number[]>();
  run.rec.calls.forEach((c, i) => {
    for (const a of c.args) {
      if (!(a instanceof T.NDArray)) continue;
      const list = touched.get(a.data);
      if (list === undefined) touched.set(a.data, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  const leaving = new Set<Storage>([...run.outputs.map((o) => o.data), ...kept]);
  // storage the call did not make (state written in place, an `out` made outside) is always written
  return (data, start, end) =>
    !run.rec.results.has(data) || leaving.has(data) || (touched.get(data) ?? []).some((i) => i < start || i >= end);
}

/** Makes the replay of recorded kernel call `call` on `backend`. */
function stepOf(backend: Backend, call: TapeCall): Step {
  const { args, result } = call;
  if (call.host !== undefined) {
    const host = call.host as (...a: unknown[]) => NDArray | undefined;
    if (result === undefined) return () => void host(...args); // a check of the values
    const target = result as NDArray;
    return () => copyInto(backend, target, host(...args)!);
  }
  const method = call.method as KernelName;
  const kernel = (backend as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!.bind(backend);
  const check = INDEXED[method];
  const guard = check !== undefined && args[check[0]] instanceof T.NDArray ? check : undefined;
  const slot = OUT_SLOT[method];
  const targets = resultArrays(result);
  if (slot !== undefined && targets.length > 0 && args[slot] === undefined) {
    // written straight into the recorded result, an array or an object of arrays (a backend that
    // ignores `out` is copied from); arguments after the `out` slot are passed as recorded
    const withOut = [...args];
    withOut[slot] = result;
    if (result instanceof T.NDArray) {
      return () => {
        if (guard !== undefined) checkIndex(method, args, guard);
        const r = kernel(...withOut) as NDArray;
        if (r !== result) copyInto(backend, result, r);
      };
    }
    return () => {
      if (guard !== undefined) checkIndex(method, args, guard);
      const fresh = resultArrays(kernel(...withOut));
      for (let i = 0; i < targets.length; i++) if (fresh[i] !== targets[i]) copyInto(backend, targets[i]!, fresh[i]!);
    };
  }
  if (targets.length === 0) {
    if (guard === undefined) return () => void kernel(...args);
    return () => {
      checkIndex(method, args, guard);
      kernel(...args);
    };
  }
  return () => {
    if (guard !== undefined) checkIndex(method, args, guard);
    const fresh = resultArrays(kernel(...args));
    // (a kernel given its `out` returns it: nothing to copy)
    for (let i = 0; i < targets.length; i++) if (fresh[i] !== targets[i]) copyInto(backend, targets[i]!, fresh[i]!);
  };
}

/**
 * The replayable form of a recorded call (see the file comment).
 * @example
 * ```ts
 * const f = compile((x: Tensor) => x.exp().sum());
 * f(x); f(x);                      // two recorded calls agree: the plan is built
 * f.plan(x)?.memory().total;       // bytes it uses
 * ```
 */
export class Plan {
  private readonly carried: [Storage, Storage][] = [];
  private readonly restores: Snapshot[] = [];
  /**
   * Storage made outside the kernels that no kernel writes (see classify.ts): copied into the
   * resident block, where it has a place (a float array, not a bound `.grad`), when the block is new.
   */
  private readonly constants: Storage[] = [];
  /** The block the constants were last copied into. */
  private filled: ResidentBlock | undefined;
  private readonly grads: [Tensor, Tensor | null][];
  /** Storage whose contents outlive a replay: the `.grad` bindings and the carried state's sources. */
  private readonly kept: ReadonlySet<Storage>;
  /** Tensors whose `.grad` was null when the recorded call began and stayed null until set: must be null again. */
  private readonly nullAtStart: Tensor[];
  private readonly versions: [Tensor, number][];
  private readonly usage: Omit<PlanMemory, 'resident'>;
  private readonly resident: ResidentMemory | undefined;
  private readonly layout: ResidentLayout | undefined;
  private block: ResidentBlock | undefined;
  private built: Built;

  constructor(
    private readonly backend: Backend,
    private readonly run: RecordedRun,
    origins: ReadonlyMap<Storage, Origin>,
    /** Builds the function's result (its structure of tensors) from the arrays `replay` returns. */
    readonly rebuild: (outputs: readonly NDArray[]) => unknown,
    private readonly fuse = true,
  ) {
    const calls = run.rec.calls;
    const bytes = { intermediates: 0, inputs: 0, constants: 0, state: 0 };
    const add = (key: keyof typeof bytes, data: Storage): void => {
      bytes[key] += data.byteLength;
    };
    for (const [data, origin] of origins) {
      if (origin.kind === 'input') add('inputs', data);
      else if (origin.kind === 'result' || origin.kind === 'scratch') add('intermediates', data);
      else if (origin.kind === 'state') add('state', data);
      else if (origin.kind === 'constant') {
        add('constants', data);
        const snap = run.rec.snapshots.get(data);
        if (snap !== undefined) {
          this.restores.push(snap);
          bytes.constants += snap.values.byteLength;
        } else this.constants.push(data);
      } else {
        const source = resultArrays(calls[origin.call]!.result)[origin.field]!;
        this.carried.push([source.data, data]);
        add('state', data);
      }
    }
    // storage written only as a target (never read first) that the call did not make: put back too
    for (const [data, snap] of run.rec.snapshots) {
      if (origins.has(data)) continue;
      this.restores.push(snap);
      add('constants', data);
    }
    this.grads = [...run.rec.gradsStored].map((t) => [t, t.grad]);
    // the .grad bindings as bound now (a rebuild after the memory moved must not read bindings the
    // caller changed since) and the carried state: storage whose contents outlive a replay
    this.kept = new Set([
      ...this.grads.flatMap(([, g]) => (g === null ? [] : [g.value.data])),
      ...this.carried.map(([from]) => from),
    ]);
    this.nullAtStart = [...run.rec.gradsStored].filter((t) => run.rec.nullAtStore.has(t) && run.nullAtStart.has(t));
    this.versions = [...run.rec.inPlace];
    this.resident = T.residentMemory(backend);
    this.layout = this.resident === undefined ? undefined : residentLayout(origins, this.kept);
    this.block = this.layout === undefined ? undefined : this.resident?.allocate(this.layout.bytes);
    this.built = this.build();
    const total = bytes.intermediates + bytes.inputs + bytes.constants + bytes.state;
    this.usage = { ...bytes, total, buffers: origins.size };
    if (this.block !== undefined) blocks.register(this, this.block, this);
  }

  /**
   * The steps on the recorded storage, or on views of the resident block where the plan has one
   * (the constants copied in when the block is new: after the memory grew they are where they were;
   * a constant a kernel writes is put back from its snapshot at each replay instead).
   */
  private build(): Built {
    const buffer = this.block?.buffer();
    const views = buffer === undefined ? undefined : residentViews(this.layout!, this.block!);
    const run = views === undefined ? this.run : residentRun(this.run, views);
    if (views !== undefined && this.filled !== this.block)
      for (const data of this.constants) (views.get(data) as Float64Array | undefined)?.set(data as Float64Array);
    this.filled = this.block; // (undefined with no block: a dropped memory is not kept alive through it)
    const restores = this.restores.map((s) => ({ data: views?.get(s.data) ?? s.data, values: s.values }));
    const calls = run.rec.calls;
    const backend = this.backend;
    const runs = this.fuse ? fuseElementwise(calls, neededOutside(run, this.kept), maxFusedElements(backend.name)) : [];
    const steps: Step[] = [];
    let next = 0,
      fused = 0;
    for (const r of runs) {
      for (; next < r.start; next++) steps.push(stepOf(backend, calls[next]!));
      steps.push(r.step);
      fused += r.end - r.start;
      next = r.end;
    }
    for (; next < calls.length; next++) steps.push(stepOf(backend, calls[next]!));
    return { steps, fused, inputs: run.inputs, outputs: run.outputs, buffer, restores };
  }

  /**
   * Makes the steps again where the resident block's views went stale: the memory grew since (views
   * detached; the block is where it was), or the backend replaced its memory (a new block, or none).
   */
  private refresh(): void {
    const block = this.block!;
    const buffer = block.buffer();
    if (buffer !== undefined && buffer === this.built.buffer) return;
    if (buffer === undefined) {
      blocks.unregister(this);
      this.block = this.resident!.allocate(this.layout!.bytes);
      if (this.block !== undefined) blocks.register(this, this.block, this);
    }
    this.built = this.build();
  }

  /** Gives the plan's resident block back (a plan replaced or forgotten); later replays use the recorded storage. */
  dispose(): void {
    if (this.block === undefined) return;
    blocks.unregister(this);
    this.block.free();
    this.block = undefined;
    this.built = this.build();
  }

  /** Whether the plan carries state from its last call to the next (copied from its own results). */
  get carries(): boolean {
    return this.carried.length > 0;
  }

  /**
   * Whether the plan still repeats what eager execution would do with the `.grad` bindings as they
   * are: a plan that carries state needs every `.grad` it bound as it left it; a plan recorded
   * with a `.grad` that was null at the start (cleared by the caller) needs it null again, else
   * eager execution would add to it.
   */
  matchesGrads(): boolean {
    if (this.carries) for (const [t, g] of this.grads) if (t.grad !== g) return false;
    for (const t of this.nullAtStart) if (t.grad !== null) return false;
    return true;
  }

  /** How many kernels one replay runs (a fused loop counts as one). */
  get kernels(): number {
    return this.built.steps.length;
  }

  /** How many recorded kernels run inside fused loops. */
  get fused(): number {
    return this.built.fused;
  }

  /** The storage the plan uses, by role, known before it runs (a replay allocates only its results). */
  memory(): PlanMemory {
    return { ...this.usage, resident: this.block?.bytes ?? 0 };
  }

  /** Runs the kernels on `args` (same shapes and dtypes as recorded) and returns copies of the outputs. */
  replay(args: readonly NDArray[]): NDArray[] {
    if (this.block !== undefined) this.refresh();
    const backend = this.backend;
    const { inputs, outputs, steps } = this.built;
    for (let i = 0; i < inputs.length; i++) copyInto(backend, inputs[i]!, args[i]!);
    for (const [from, to] of this.carried) (to as Float64Array).set(from as Float64Array);
    for (const s of this.built.restores) (s.data as Float64Array).set(s.values as Float64Array);
    if (this.block !== undefined) this.resident!.withoutGrowth(() => runSteps(steps));
    else runSteps(steps);
    for (const [t, g] of this.grads) t.grad = g;
    for (const [t, n] of this.versions) t.versionCounter.value += n;
    return outputs.map((o) => backend.copy(o, o.dtype));
  }
}

function runSteps(steps: readonly Step[]): void {
  for (let i = 0; i < steps.length; i++) steps[i]!();
}

/** A plan's replayable form on one storage (see Plan.build). */
interface Built {
  readonly steps: Step[];
  readonly fused: number;
  readonly inputs: readonly NDArray[];
  readonly outputs: readonly NDArray[];
  /** The resident memory's buffer the steps' views were made on, or undefined. */
  readonly buffer: ArrayBufferLike | undefined;
  /** The storages a replay puts back before its steps (resident views where the plan has a block). */
  readonly restores: readonly Snapshot[];
}

/** Gives a resident block back when its plan is garbage collected without `dispose`. */
const blocks = new FinalizationRegistry<ResidentBlock>((block) => block.free());
