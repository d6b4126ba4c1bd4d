/**
 * Whether ops record the graph. On by default; `noGrad` turns it off for a block, `enableGrad`
 * back on. The mode of synchronous code is one variable (`isGradEnabled` runs once per op). An
 * async callback gets a frame of its own, carried across its awaits by Node's AsyncLocalStorage:
 * only while such a callback is unfinished does `isGradEnabled` read the frame of the running code.
 * Where AsyncLocalStorage is missing (browsers), an async callback is refused before it runs.
 */
import { AutogradError } from './errors.js';

/** The mode of an async callback, for the code that runs inside it (across its awaits). */
interface Frame {
  on: boolean;
  /** False once the callback has finished: code it left behind then sees the enclosing mode. */
  live: boolean;
  readonly parent: Frame | undefined;
}

/** The part of Node's AsyncLocalStorage used here. */
interface FrameStorage {
  run<R>(store: Frame, fn: () => R): R;
  getStore(): Frame | undefined;
}

/** The mode outside every async callback's frame. */
let enabled = true;
/** The async callbacks that have started and not finished (0 nearly always: then frames are not read). */
let liveFrames = 0;
/** Node's AsyncLocalStorage, made on first need; null where the runtime has none. */
let storage: FrameStorage | null | undefined;

export function isGradEnabled(): boolean {
  return liveFrames === 0 ? enabled : frameMode();
}

/** The mode where async frames are live: the running code's live frame's, else the global one. */
function frameMode(): boolean {
  const f = liveFrame();
  return f === undefined ? enabled : f.on;
}

/** The innermost live frame of the running code, if any. */
function liveFrame(): Frame | undefined {
  if (liveFrames === 0) return undefined;
  let f = storage!.getStore();
  while (f !== undefined && !f.live) f = f.parent;
  return f;
}

/** @internal Turns recording on or off; returns the previous setting (for the engine, which restores it). */
export function setGradEnabled(on: boolean): boolean {
  const f = liveFrame();
  if (f === undefined) {
    const before = enabled;
    enabled = on;
    return before;
  }
  const before = f.on;
  f.on = on;
  return before;
}

/** The constructor of native async functions (not a global). */
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new () => object;

/** Whether `fn` is a native async function (its body may await). */
function isAsyncFunction(fn: unknown): boolean {
  return fn instanceof AsyncFunction;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as { then?: unknown }).then === 'function'
  );
}

function withGradMode<T>(op: string, on: boolean, fn: () => T): T {
  if (typeof fn !== 'function')
    throw new AutogradError(op, `expected a function, got ${fn === null ? 'null' : typeof fn}`);
  if (isAsyncFunction(fn)) return withAsyncGradMode(op, on, fn);
  const f = liveFrame();
  let before: boolean;
  if (f === undefined) {
    before = enabled;
    enabled = on;
  } else {
    before = f.on;
    f.on = on;
  }
  let result: T;
  try {
    result = fn();
  } finally {
    if (f === undefined) enabled = before;
    else f.on = before;
  }
  if (isThenable(result)) {
    throw new AutogradError(
      op,
      'the callback returned a promise but is not an async function, so the mode would not hold until it ' +
        'settles; write it as an async function (Node), or await outside and keep the callback synchronous',
    );
  }
  return result;
}

/** Runs an async callback in a frame of its own, which its awaits keep (Node's AsyncLocalStorage). */
function withAsyncGradMode<T>(op: string, on: boolean, fn: () => T): T {
  const frames = frameStorage();
  if (frames === null) {
    throw new AutogradError(
      op,
      'async callbacks need AsyncLocalStorage (Node 20.16 or later), which this runtime lacks: the mode ' +
        'would hold only until the first await; await outside and keep the callback synchronous',
    );
  }
  const frame: Frame = { on, live: true, parent: liveFrame() };
  liveFrames++;
  const end = (): void => {
    frame.live = false;
    liveFrames--;
  };
  let promise: T;
  try {
    promise = frames.run(frame, fn);
  } catch (e) {
    end();
    throw e;
  }
  return (promise as Promise<unknown>).finally(end) as T;
}

/** Node's AsyncLocalStorage through `process.getBuiltinModule` (no static import: browsers load this module too). */
function frameStorage(): FrameStorage | null {
  if (storage !== undefined) return storage;
  type AsyncHooks = { AsyncLocalStorage?: new () => FrameStorage };
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  let hooks: AsyncHooks | undefined;
  try {
    hooks = node?.getBuiltinModule?.('node:async_hooks') as AsyncHooks | undefined;
  } catch {
    hooks = undefined;
  }
  storage = hooks?.AsyncLocalStorage === undefined ? null : new hooks.AsyncLocalStorage();
  return storage;
}

/** @internal For tests: forgets the AsyncLocalStorage found (`null` pretends the runtime has none). */
export function setFrameStorageForTesting(s: null | undefined): void {
  storage = s;
}

/**
 * Runs `fn` without recording the graph: results need no grad and in-place updates of
 * parameters are allowed. An async `fn` keeps the mode across its awaits in Node (with
 * AsyncLocalStorage, Node 20.16 or later); where that is missing it is refused with an
 * `AutogradError` before it runs. Code outside `fn` that runs while it awaits keeps its own mode.
 * @throws AutogradError `noGrad: async callbacks need AsyncLocalStorage ...` (browsers)
 * @example
 * ```ts
 * noGrad(() => w.subInPlace(w.grad!.mul(0.1)));
 * await noGrad(async () => { await nextBatch(); return model.forward(x); }); // Node: off throughout
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode('noGrad', false, fn);
}

/** Runs `fn` with graph recording on, even inside `noGrad`; an async `fn` as in `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode('enableGrad', true, fn);
}
