/**
 * A plan's buffers in the backend's resident memory (the wasm backend's linear memory, see
 * `residentMemory` in the tensor package): every float storage the plan's kernels make (results,
 * and workspaces made for them: scratch), its copies of the arguments (inputs) and its constants
 * (storage made outside the kernels, such as the zeros a gradient is placed into) get a place in
 * one block, and the recorded tape is restated on views of it, so that the wasm kernels read their
 * operands and write their results where they are, with no copy in or out. Storage whose contents
 * must outlive a replay stays where it is: a `.grad` the plan binds, and a result carried to the
 * next call (a block's views are detached if the memory grows between replays; the plan then makes
 * them again, see Plan).
 */
import * as T from '@chainrule/tensor';
import type { NDArray, ResidentBlock } from '@chainrule/tensor';
import type { Origin, RecordedRun } from './classify.js';
import { type TapeCall, resultArrays } from './recorder.js';

type Storage = NDArray['data'];

/** Where each resident storage goes in the block: byte offsets from the block's start. */
export interface ResidentLayout {
  readonly places: ReadonlyMap<Storage, number>;
  /** Bytes the block needs. */
  readonly bytes: number;
}

/**
 * The storages to keep resident and their places, or undefined when there are none: the float
 * results, scratch, argument copies and constants among `origins`, except `kept` (storage whose
 * contents outlive a replay: the `.grad` bindings and carried state's sources).
 */
export function residentLayout(
  origins: ReadonlyMap<Storage, Origin>,
  kept: ReadonlySet<Storage>,
): ResidentLayout | undefined {
  const places = new Map<Storage, number>();
  let bytes = 0;
  for (const [data, origin] of origins) {
    const { kind } = origin;
    if (kind !== 'result' && kind !== 'input' && kind !== 'scratch' && kind !== 'constant') continue;
    if (kept.has(data) || !(data instanceof Float32Array || data instanceof Float64Array)) continue;
    places.set(data, bytes);
    bytes += Math.ceil(data.byteLength / 64) * 64;
  }
  return places.size === 0 ? undefined : { places, bytes };
}

/** Views of `block` (on its buffer now) at `layout`'s places, by the storage each stands for. */
export function residentViews(layout: ResidentLayout, block: ResidentBlock): Map<Storage, Storage> {
  const buffer = block.buffer()!;
  const views = new Map<Storage, Storage>();
  for (const [data, at] of layout.places) {
    const View = data instanceof Float64Array ? Float64Array : Float32Array;
    views.set(data, new View(buffer as ArrayBuffer, block.byteOffset + at, data.length));
  }
  return views;
}

/** `run` restated on `views` (residentViews'; see the file comment); storages without one stay as they are. */
export function residentRun(run: RecordedRun, views: ReadonlyMap<Storage, Storage>): RecordedRun {
  const arrays = new Map<NDArray, NDArray>();
  const array = (x: NDArray): NDArray => {
    const data = views.get(x.data);
    if (data === undefined) return x;
    let y = arrays.get(x);
    if (y === undefined) {
      y = new T.NDArray(data, x.shape, x.strides, x.offset);
      arrays.set(x, y);
    }
    return y;
  };
  const value = (v: unknown): unknown => {
    if (v instanceof T.NDArray) return array(v);
    if (Array.isArray(v)) return v.some((e) => e instanceof T.NDArray || isRecord(e)) ? v.map(value) : v;
    if (isRecord(v) && resultArrays(v).length > 0)
      return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, value(e)]));
    return v;
  };
  const calls: TapeCall[] = run.rec.calls.map((c) => ({ ...c, args: c.args.map(value), result: value(c.result) }));
  const results = new Set<Storage>([...run.rec.results].map((d) => views.get(d) ?? d));
  return {
    ...run,
    inputs: run.inputs.map(array),
    outputs: run.outputs.map(array),
    rec: { ...pick(run.rec), calls, results },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !(v instanceof T.NDArray);
}

/** The parts of a tape a plan reads (a tape restated on other storage keeps the rest). */
function pick(rec: RecordedRun['rec']): RecordedRun['rec'] {
  const { calls, results, scratchMade, snapshots, gradsStored, nullAtStore, inPlace } = rec;
  return { calls, results, scratchMade, snapshots, gradsStored, nullAtStore, inPlace };
}
