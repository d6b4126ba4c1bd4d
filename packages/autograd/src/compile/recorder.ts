/**
 * Records one call of a function as a tape of kernel calls: a backend that forwards every kernel
 * of the contract to the real one and writes down what it was given and what it gave back. Only
 * outermost calls are written down (a kernel that calls others through the backend is one entry).
 * The recorder also keeps, for every storage a kernel wrote that existed before the call, its
 * contents just before the first write (a replay may need to put them back), and what autograd and
 * the tensor package told it (reads into JavaScript, host-side random numbers, `.grad` bindings,
 * in-place writes).
 */
import * as T from '@chainrule/tensor';
import type { Backend, KernelName, NDArray } from '@chainrule/tensor';
import type { Tensor } from '../tensor.js';
import type { TraceListener } from './trace-state.js';

/**
 * One kernel call: the method, its arguments as given, and its result (undefined for in-place
 * kernels). A host kernel (`hostKernel` in the tensor package) is named `host:<name>` and keeps its
 * function.
 */
export interface TapeCall {
  readonly method: KernelName | `host:${string}`;
  readonly args: readonly unknown[];
  readonly result: unknown;
  readonly host?: T.HostKernel;
}

/** The kernels that take an `out` array, and its argument position (a replay passes its recorded result). */
export const OUT_SLOT: Partial<Record<KernelName, number>> = {
  unary: 3,
  binary: 4,
  matmul: 3,
  im2col: 3,
  col2im: 5,
  reduce: 4,
  activationGrad: 3,
  copy: 2,
  where: 4,
  compare: 3,
  clamp: 4,
  maxPoolGrad: 4,
  maxPool: 2,
  fusedLstmCell: 2,
  fusedLstmCellBackward: 3,
  fusedGruCell: 3,
  fusedGruCellBackward: 4,
  gather: 3,
  indexSelect: 3,
};

/** The kernels that write arguments in place (not through an `out`), and those arguments' positions. */
const IN_PLACE_SLOTS: Partial<Record<KernelName, readonly number[]>> = {
  addScaledInPlace: [0],
  assign: [0],
  adamUpdate: [0, 2, 3, 4], // p, m, v and AMSGrad's vmax (undefined without it)
};

/** The arguments a kernel writes: an `out` argument (see OUT_SLOT) and those of IN_PLACE_SLOTS. */
export function writtenArgs(method: TapeCall['method'], args: readonly unknown[]): NDArray[] {
  const out = OUT_SLOT[method as KernelName];
  const slots = out === undefined ? (IN_PLACE_SLOTS[method as KernelName] ?? []) : [out];
  return slots.flatMap((i) => resultArrays(args[i]));
}

/** Whether `r` is stored in one of `args` (a kernel that returns its `out` argument made no new storage). */
export function storedInArgs(r: NDArray, args: readonly unknown[]): boolean {
  return args.some((a) => resultArrays(a).some((x) => x.data === r.data));
}

/** A copy of a storage's elements before a kernel first wrote them. */
export interface Snapshot {
  readonly data: NDArray['data'];
  readonly values: NDArray['data'];
}

/** What a plan reads of a recorded call: a Recorder, or its tape restated on other storage (resident.ts). */
export type Tape = Pick<
  Recorder,
  'calls' | 'results' | 'scratchMade' | 'snapshots' | 'gradsStored' | 'nullAtStore' | 'inPlace'
>;

/** One recorded call of a function. */
export class Recorder implements TraceListener {
  readonly calls: TapeCall[] = [];
  /** Storage first seen as a kernel's result (made during the call), or made as scratch. */
  readonly results = new Set<NDArray['data']>();
  /** Storage ops made for the kernels to write (TraceListener.scratch), in order. */
  readonly scratchMade = new Set<NDArray['data']>();
  /** Storage a kernel wrote that existed before the call, with its contents before the first write. */
  readonly snapshots = new Map<NDArray['data'], Snapshot>();
  /** Why the call cannot be replayed (reads into JavaScript, random numbers), in order. */
  readonly hostWork: string[] = [];
  /** Tensors whose `.grad` the engine set. */
  readonly gradsStored = new Set<Tensor>();
  /** Those whose `.grad` was null when the engine set it (nothing to add to). */
  readonly nullAtStore = new Set<Tensor>();
  /** Tensors written in place, with how many times. */
  readonly inPlace = new Map<Tensor, number>();
  /** Every result storage's contents as the kernels last left them (see `checkResults`). */
  private readonly madeContents = new Map<NDArray['data'], NDArray['data']>();
  private depth = 0;

  /** @param strict when given, host work throws the error it makes instead of being noted */
  constructor(private readonly strict?: (reason: string) => Error) {}

  /** A backend that runs `inner`'s kernels and records the outermost calls. */
  wrap(inner: Backend): Backend {
    const wrapped: Record<string, unknown> = { name: inner.name };
    for (const [name, kernel] of T.kernelsOf(inner)) {
      const method = name as KernelName;
      wrapped[method] = (...args: unknown[]): unknown => {
        if (this.depth > 0 || T.inHostKernel()) return kernel.apply(inner, args);
        this.beforeCall(method, args);
        this.depth++;
        let result: unknown;
        try {
          result = kernel.apply(inner, args);
        } finally {
          this.depth--;
        }
        this.calls.push({ method, args, result });
        // a kernel that returns its `out` argument made no new storage
        for (const r of resultArrays(result)) if (!storedInArgs(r, args)) this.results.add(r.data);
        this.keepContents(result, writtenArgs(method, args));
        return result;
      };
    }
    return wrapped as unknown as Backend;
  }

  /**
   * Keeps the contents of storage about to be written for the first time that the call did not
   * make; for storage a kernel made, first checks that JavaScript did not write it since (the
   * kernel's write would hide that from `checkResults`).
   */
  private beforeCall(method: TapeCall['method'], args: readonly unknown[]): void {
    for (const target of writtenArgs(method, args)) {
      const data = target.data;
      if (this.results.has(data)) this.checkUntouched(data);
      if (this.results.has(data) || this.snapshots.has(data)) continue;
      this.snapshots.set(data, { data, values: data.slice() });
    }
  }

  /** A host kernel ran (see `hostKernel` in the tensor package). */
  hostKernel(name: string, host: T.HostKernel, args: readonly unknown[], result: NDArray): void {
    this.calls.push({ method: `host:${name}`, args, result, host });
    this.results.add(result.data);
    this.keepContents(result, []);
  }

  /** Copies the contents of the storage a kernel made or wrote (a replay reruns kernels, nothing else). */
  private keepContents(result: unknown, written: readonly NDArray[]): void {
    for (const r of [...resultArrays(result), ...written])
      if (this.results.has(r.data) && !this.scratchMade.has(r.data)) this.madeContents.set(r.data, r.data.slice());
  }

  /**
   * Notes (or, strict, throws) when JavaScript wrote into storage a kernel made after the kernels
   * last left it: a replay would not repeat that write, so the call must run eagerly. Called once
   * the call has returned; the kept contents are dropped then (a plan does not hold them).
   */
  checkResults(): void {
    for (const data of this.madeContents.keys()) if (!this.checkUntouched(data)) break;
    this.madeContents.clear();
  }

  /** Whether `data` holds what the kernels last left in it; notes the write otherwise. */
  private checkUntouched(data: NDArray['data']): boolean {
    const kept = this.madeContents.get(data);
    if (kept === undefined) return true;
    for (let i = 0; i < data.length; i++) {
      if (!Object.is(data[i], kept[i])) {
        this.noteHost('JavaScript wrote values into an array a kernel made (a replay would not repeat it)');
        return false;
      }
    }
    return true;
  }

  /** Host-side work reported by the tensor package: values computed (random numbers) or read to decide. */
  hostCompute(op: string, kind: 'compute' | 'read'): void {
    this.noteHost(
      kind === 'compute'
        ? `it computes ${op} in JavaScript, outside the kernels`
        : `it reads values in JavaScript (${op})`,
    );
  }

  /** A host check ran (see `hostCheck` in the tensor package): a replay runs it again. */
  hostCheck(name: string, check: (...args: never[]) => void, args: readonly unknown[]): void {
    this.calls.push({ method: `host:${name}`, args, result: undefined, host: check as unknown as T.HostKernel });
  }

  private noteHost(reason: string): void {
    if (this.strict !== undefined) throw this.strict(reason);
    if (this.hostWork.length < 8) this.hostWork.push(reason);
  }

  gradStored(t: object): void {
    this.gradsStored.add(t as Tensor);
    if ((t as Tensor).grad === null) this.nullAtStore.add(t as Tensor);
  }

  scratch(data: object): void {
    // not watched for writes from JavaScript (an op's own workspace, written step by step through
    // views: keeping a copy after each write would cost its size at every step)
    this.scratchMade.add(data as NDArray['data']);
    this.results.add(data as NDArray['data']); // made by the call: no snapshot, no restore
  }

  wroteInPlace(t: object): void {
    const tensor = t as Tensor;
    this.inPlace.set(tensor, (this.inPlace.get(tensor) ?? 0) + 1);
  }
}

/** The arrays a kernel returned: one, or the fields of a factorization, or none. */
export function resultArrays(result: unknown): NDArray[] {
  if (result instanceof T.NDArray) return [result];
  if (result !== null && typeof result === 'object') {
    return Object.values(result).filter((v): v is NDArray => v instanceof T.NDArray);
  }
  return [];
}
